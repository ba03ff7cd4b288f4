import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from './pki';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Connects with `client`'s certificate to a server of `server`; resolves 'ok' or the error. */
async function handshake(server: TestPki, client: TestPki): Promise<string> {
  const srv = tls.createServer(
    {
      key: readFileSync(server.serverKey),
      cert: readFileSync(server.serverCert),
      ca: readFileSync(server.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (s) => s.end('ok'),
  );
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    return await new Promise<string>((resolve) => {
      const c = tls.connect({
        host: '127.0.0.1',
        port,
        ca: readFileSync(server.ca),
        cert: readFileSync(client.clientCert),
        key: readFileSync(client.clientKey),
      });
      let got = '';
      c.on('data', (d) => (got += d));
      c.on('end', () => resolve(got || 'closed'));
      c.on('error', (err) => resolve(err.message));
    });
  } finally {
    srv.close();
  }
}

describe('makeTestPki', () => {
  it("gives a server and a client that complete mutual TLS, and another PKI's client is refused", async () => {
    const a = makeTestPki(join(dir, 'a'), { serverAltNames: 'IP:127.0.0.1' });
    const b = makeTestPki(join(dir, 'b'), { serverAltNames: 'IP:127.0.0.1' });
    expect(await handshake(a, a)).toBe('ok');
    expect(await handshake(a, b)).not.toBe('ok');
    expect(statSync(a.dir).mode & 0o777).toBe(0o700);
    expect(statSync(a.clientKey).mode & 0o777).toBe(0o600);
  });
});
