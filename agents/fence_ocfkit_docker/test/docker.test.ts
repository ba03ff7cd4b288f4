import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FenceRunner, fenceDevice } from '@ocfkit/engine';
import { buildAgent } from '@ocfkit/sdk/build';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  docker,
  dockerProblem,
  ensureSleeperImage,
  makePki,
  type Pki,
  removeContainer,
  running,
  startContainer,
  startTlsProxy,
} from './docker-lab';

const missing = requireTool(['docker', 'openssl'], dockerProblem);
const SOURCE = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'agent.ts');
const TARGET = `h16-fence-target-${process.pid}`;

/** Runs a command asynchronously: the TLS proxy lives in this process and must keep serving. */
function run(cmd: string, args: string[], input = ''): Promise<{ rc: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b;
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b;
    });
    child.on('close', (rc) => resolve({ rc, out, err }));
    child.stdin.end(input);
  });
}

describe.skipIf(missing)('fence_ocfkit_docker against the running dockerd', () => {
  const work = openTempDir('h16-fence-docker-');
  let agent: string;
  let sbin: string;
  let pki: Pki;
  let proxy: { port: number; close(): Promise<void> };

  beforeAll(async () => {
    ensureSleeperImage(work);
    const built = await buildAgent(SOURCE, { out: join(work, 'dist'), provider: 'ocfkit' });
    agent = built.output;
    sbin = join(work, 'dist', 'sbin');
    pki = makePki(join(work, 'pki'));
    proxy = await startTlsProxy(pki);
    startContainer(TARGET);
  }, 180_000);

  afterAll(async () => {
    removeContainer(TARGET);
    await proxy?.close();
  });

  /** Runs the built agent like Pacemaker does: no arguments, key=value lines on stdin. */
  const viaStdin = (lines: Record<string, string>) =>
    run(
      agent,
      [],
      Object.entries(lines)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  const tlsParams = (): Record<string, string> => ({
    ip: '127.0.0.1',
    ipport: String(proxy.port),
    ssl_secure: '1',
    tlscacert: pki.ca,
    tlscert: pki.clientCert,
    tlskey: pki.clientKey,
  });

  it('is built as <out>/sbin/fence_ocfkit_docker', () => {
    expect(agent).toBe(join(sbin, 'fence_ocfkit_docker'));
  });

  it('powers a container off over mutual TLS, verified by status, and on again from the command line', async () => {
    expect(await viaStdin({ action: 'status', plug: TARGET, ...tlsParams() })).toEqual({ rc: 0, out: 'Status: ON\n', err: '' });
    expect(await viaStdin({ action: 'off', port: TARGET, nodename: 'node-x', ...tlsParams() })).toMatchObject({
      rc: 0,
      out: 'Success: Powered OFF\n',
    });
    expect(running(TARGET)).toBe(false);
    expect(await viaStdin({ action: 'status', plug: TARGET, ...tlsParams() })).toMatchObject({ rc: 2, out: 'Status: OFF\n' });
    const p = tlsParams();
    const on = await run(agent, [
      '-o',
      'on',
      '-n',
      TARGET,
      '-a',
      '127.0.0.1',
      '-u',
      p.ipport as string,
      '--ssl-secure',
      `--tlscacert=${pki.ca}`,
      `--tlscert=${pki.clientCert}`,
      `--tlskey=${pki.clientKey}`,
    ]);
    expect(on).toMatchObject({ rc: 0, out: 'Success: Powered ON\n' });
    expect(running(TARGET)).toBe(true);
  });

  it('reboot with method=cycle restarts the container; list names it; monitor pings the API (unix socket too)', async () => {
    const before = docker('inspect', '-f', '{{.State.StartedAt}}', TARGET);
    expect(await viaStdin({ action: 'reboot', plug: TARGET, method: 'cycle', ...tlsParams() })).toMatchObject({
      rc: 0,
      out: 'Success: Rebooted\n',
    });
    expect(running(TARGET)).toBe(true);
    expect(docker('inspect', '-f', '{{.State.StartedAt}}', TARGET)).not.toBe(before);
    const id = docker('inspect', '-f', '{{.Id}}', TARGET);
    expect(await (await viaStdin({ action: 'list', ...tlsParams() })).out.split('\n')).toContain(`${id},${TARGET}`);
    expect(await viaStdin({ action: 'monitor', socket: '/var/run/docker.sock' })).toMatchObject({ rc: 0 });
    expect(await viaStdin({ action: 'status', plug: TARGET, socket: '/var/run/docker.sock' })).toMatchObject({
      rc: 0,
      out: 'Status: ON\n',
    });
  });

  it('refuses plain TCP, a client certificate from another CA, and unknown containers, saying why', async () => {
    const plain = await viaStdin({ action: 'monitor', ip: '127.0.0.1', ipport: String(proxy.port), ssl: '0' });
    expect(plain).toMatchObject({ rc: 1 });
    expect(plain.err).toContain('ssl=0: a plain-TCP Docker API on 127.0.0.1 is refused');
    const rogue = await viaStdin({ action: 'monitor', ...tlsParams(), tlscert: pki.rogueCert, tlskey: pki.rogueKey });
    expect(rogue.rc).toBe(1);
    expect(rogue.err).toMatch(/^ERROR: Failed: Docker API unreachable: /);
    const unknown = await viaStdin({ action: 'status', plug: 'h16-no-such-container', ...tlsParams() });
    expect(unknown).toMatchObject({ rc: 1 });
    expect(unknown.err).toContain('status of container h16-no-such-container: No such container');
    expect(running(TARGET)).toBe(true);
  });

  it("Pacemaker's way through the engine's fencer: dynamic-list finds the container by name, off fences it", async () => {
    const runner = new FenceRunner({ agentDir: sbin });
    const dev = fenceDevice('docker-fence', 'fence_ocfkit_docker', tlsParams());
    expect(await runner.canFence(dev, TARGET, 20_000)).toMatchObject({ can: true, check: 'dynamic-list' });
    expect(await runner.canFence(dev, 'h16-not-a-node', 20_000)).toMatchObject({ can: false });
    expect(await runner.fence(dev, 'off', TARGET, 30_000)).toMatchObject({ ok: true, agentAction: 'off' });
    expect(running(TARGET)).toBe(false);
    expect(await runner.fence(dev, 'on', TARGET, 30_000)).toMatchObject({ ok: true });
    expect(running(TARGET)).toBe(true);
  });

  it("Debian's fence_docker with the same parameters sees the same power state through the same TLS endpoint", async () => {
    if (spawnSync('/usr/bin/python3', ['-c', 'import pycurl']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('python3-pycurl is needed for the fence_docker cross-check');
      return;
    }
    const input = Object.entries({ action: 'status', plug: TARGET, ...tlsParams(), api_version: '1.41' })
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
    expect(await run('/usr/sbin/fence_docker', [], input)).toMatchObject({ rc: 0, out: 'Status: ON\n' });
  });
});
