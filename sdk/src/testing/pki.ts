import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throw-away CA with one server and one client certificate, as files in `dir`. */
export interface TestPki {
  dir: string;
  /** The CA's certificate (PEM): what both sides trust. */
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? err}`);
  }
}

/**
 * Makes a throw-away PKI for tests of mutual TLS (a fence agent talking to a Docker API, say): a CA
 * named `name`, a server certificate for `serverAltNames` (openssl subjectAltName syntax, e.g.
 * `IP:127.0.0.1,DNS:localhost`) and one client certificate, with `openssl`, in `dir` (created mode
 * 0700; keys 0600). RSA 2048, valid 2 days. A second call with another `dir` gives a PKI whose
 * client a server of the first must refuse.
 *
 * @example
 * const pki = makeTestPki('/tmp/t/pki', { serverAltNames: 'IP:127.0.0.1' });
 * https.createServer({ key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), ca: readFileSync(pki.ca), requestCert: true });
 */
export function makeTestPki(dir: string, o: { serverAltNames: string; name?: string }): TestPki {
  const name = o.name ?? 'ocfkit test';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const key = (file: string) => ['-newkey', 'rsa:2048', '-nodes', '-keyout', `${file}.key`];
  openssl(dir, ['req', '-x509', ...key('ca'), '-days', '2', '-subj', `/CN=${name} CA`, '-out', 'ca.pem']);
  const leaf = (file: string, ext: string) => {
    openssl(dir, ['req', ...key(file), '-subj', `/CN=${name} ${file}`, '-out', `${file}.csr`]);
    writeFileSync(join(dir, `${file}.ext`), ext);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${file}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${file}.ext`,
      '-out',
      `${file}.pem`,
    ]);
  };
  leaf('server', `subjectAltName=${o.serverAltNames}\nextendedKeyUsage=serverAuth\n`);
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  for (const k of ['ca.key', 'server.key', 'client.key']) chmodSync(join(dir, k), 0o600);
  const p = (f: string) => join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
  };
}
