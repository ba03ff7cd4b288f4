import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

/** Runs docker and returns its stdout (throws with stderr on failure). */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Whether dockerd answers; otherwise why not. */
export function dockerProblem(): string | undefined {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `docker info failed: ${r.stderr.trim()}`;
}

const IMAGE = 'h16-fence-sleeper:latest';

/**
 * A tiny image without any registry: /bin/sleep and the C library, imported with `docker import`.
 * Built once; the tag is h16-prefixed like every object the fencing tests create.
 */
export function ensureSleeperImage(work: string): void {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0) return;
  const files = ['/bin/sleep', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'];
  const tar = join(work, 'sleeper.tar');
  execFileSync('tar', ['-chf', tar, ...files.map((f) => f.slice(1))], { cwd: '/' });
  execFileSync('docker', ['import', '--change', 'CMD ["/bin/sleep", "infinity"]', tar, IMAGE], { stdio: 'ignore' });
}

/** Starts a container that sleeps forever; removed by {@link removeContainer}. */
export function startContainer(name: string): string {
  spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  return docker('run', '-d', '--name', name, IMAGE);
}

export function removeContainer(name: string): void {
  spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
}

export function running(name: string): boolean {
  return docker('inspect', '-f', '{{.State.Running}}', name) === 'true';
}

export interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from another CA, which the proxy must refuse. */
  rogueCert: string;
  rogueKey: string;
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1, a client certificate, and a rogue client certificate. */
export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  const ca = (name: string) => {
    openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    );
  };
  const leaf = (name: string, caName: string, ext: string) => {
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.pem`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  ca('ca');
  ca('rogue-ca');
  leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string) => join(dir, f);
  return {
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
  };
}

/**
 * The Docker API over mutual TLS on 127.0.0.1, as `dockerd --tlsverify` serves it: a TLS server
 * that requires a client certificate from our CA and relays each connection to the daemon's unix
 * socket. (The shared dockerd must not be restarted with a TLS listener.)
 */
export async function startTlsProxy(pki: Pki, socket = '/var/run/docker.sock'): Promise<{ port: number; close(): Promise<void> }> {
  const { readFileSync } = await import('node:fs');
  const server = tls.createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => {
      const upstream = net.connect(socket);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
