import { execFileSync, spawnSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { makeTestPki, type TestPki } from '@ocfkit/sdk/testing';

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

export interface Pki extends TestPki {
  /** A client certificate from another CA, which the proxy must refuse. */
  rogueCert: string;
  rogueKey: string;
}

/** A CA, a server certificate for 127.0.0.1, a client certificate, and a rogue client certificate. */
export function makePki(dir: string): Pki {
  const pki = makeTestPki(dir, { serverAltNames: 'IP:127.0.0.1,DNS:localhost', name: 'fence_ocfkit_docker test' });
  const rogue = makeTestPki(join(dir, 'rogue'), { serverAltNames: 'IP:127.0.0.1', name: 'rogue' });
  return { ...pki, rogueCert: rogue.clientCert, rogueKey: rogue.clientKey };
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
