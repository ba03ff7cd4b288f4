import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';

/** Requests of the member control socket (one JSON object per line, one answer per line). */
type ControlRequest = { op: 'set'; name: string; value: string | null } | { op: 'view' };

/**
 * Serves `handle` on a Unix socket (mode 0600, inside the 0700 state directory).
 *
 * @example
 * const server = await serveControl('/var/lib/ocfkit/member.sock', async (req) => ({ ok: true }));
 */
export async function serveControl(path: string, handle: (req: ControlRequest) => Promise<unknown>): Promise<Server> {
  if (existsSync(path)) rmSync(path);
  const server = createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let req: ControlRequest;
        try {
          req = JSON.parse(line) as ControlRequest;
        } catch {
          sock.write(`${JSON.stringify({ ok: false, error: 'not JSON' })}\n`);
          continue;
        }
        handle(req).then(
          (r) => sock.write(`${JSON.stringify(r)}\n`),
          (e: Error) => sock.write(`${JSON.stringify({ ok: false, error: e.message })}\n`),
        );
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/** Sends one request and returns the answer; throws with the daemon's error. */
export function controlCall(path: string, req: ControlRequest, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the member daemon at ${path}: ${e.message}`));
    });
    sock.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      const r = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      if (r.ok === false) reject(new Error(String(r.error)));
      else resolve(r);
    });
    sock.write(`${JSON.stringify(req)}\n`);
  });
}
