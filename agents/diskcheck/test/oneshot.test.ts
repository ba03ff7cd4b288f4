/**
 * diskcheck in oneshot mode (no checker; every recurring monitor checks once) against a real
 * failing loop device, with dampening, through the bundled engine's attrd.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, processes, tempDir, waitForValue } from './helpers';

const missing = faultyDiskMissing();
const DAMPEN_MS = 1000;

describe.skipIf(missing)('diskcheck oneshot mode on a failing loop device (bundled attrd)', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let attrd: Attrd;
  let env: Record<string, string>;
  let params: Record<string, string>;
  const record = () => attrd.get('diskcheck_status');
  const action = (name: string, intervalMs?: number) =>
    runExecutable(agent, name, { params, env, instance: 'disk1', timeoutMs: 20_000, ...(intervalMs ? { intervalMs } : {}) });
  const monitor = () => action('monitor', 10_000);

  beforeAll(async () => {
    dir = tempDir('diskcheck-oneshot-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'));
    attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
    env = { OCFKIT_ATTRD_SOCKET: attrd.socket, HA_RSCTMP: join(dir, 'rsctmp') };
    params = { device: disk.device, oneshot: 'true', timeout: '1s', retries: '1', dampen: `${DAMPEN_MS}ms` };
  });
  afterAll(async () => {
    if (agent) await action('stop').catch(() => undefined);
    await disk?.close();
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('start checks once; the value is committed after the dampening', async () => {
    expect(await action('monitor')).toMatchObject({ rc: 7 });
    expect(await action('start')).toMatchObject({ rc: 0 });
    expect(record()).toMatchObject({ value: 'normal', dampenMs: DAMPEN_MS });
    await waitForValue(() => record()?.committed, 'normal', DAMPEN_MS + 5000);
    expect(await monitor()).toMatchObject({ rc: 0 });
  });

  it('each monitor checks: EIO (after the retry) sets ERROR, committed once the dampening passed', async () => {
    disk.mode('eio');
    const m = await monitor();
    expect(m.rc).toBe(0);
    expect(m.stderr).toMatch(
      /disk status is changed, attr_name=diskcheck_status, target=\/dev\/loop\d+, new_status=ERROR .*Input\/output error/,
    );
    expect(record()).toMatchObject({ value: 'ERROR', committed: 'normal' });
    await waitForValue(() => record()?.committed, 'ERROR', DAMPEN_MS + 5000);
    disk.mode('ok');
    expect(await monitor()).toMatchObject({ rc: 0 });
    expect(record()?.value).toBe('normal');
  });

  it('a hung read makes the monitor report ERROR after the timeout, not hang; no second blocked read', async () => {
    disk.mode('hang');
    const m = await monitor();
    expect(m.rc).toBe(0);
    expect(m.stderr).toMatch(/new_status=ERROR \(read of \/dev\/loop\d+: no answer within 1000 ms \(I\/O blocked, pid \d+\)\)/);
    expect(record()?.value).toBe('ERROR');
    expect(processes('dd', `if=${disk.device}`).map((p) => p.state)).toEqual(['D']);
    const again = await monitor();
    expect(again.rc).toBe(0);
    expect(processes('dd', `if=${disk.device}`)).toHaveLength(1);
    // A probe never touches the disk.
    expect(await action('monitor')).toMatchObject({ rc: 0 });
    disk.mode('ok');
    await waitForValue(() => processes('dd', `if=${disk.device}`).filter((p) => p.state === 'D').length, 0, 10_000);
    expect(await monitor()).toMatchObject({ rc: 0 });
    expect(record()?.value).toBe('normal');
  });

  it('stop deletes the attribute (after the dampening) and is idempotent', async () => {
    expect(await action('stop')).toMatchObject({ rc: 0 });
    expect(record()?.value).toBeNull();
    await waitForValue(() => record(), undefined, DAMPEN_MS + 5000);
    expect(await action('monitor')).toMatchObject({ rc: 7 });
    expect(await action('stop')).toMatchObject({ rc: 0 });
  });
});
