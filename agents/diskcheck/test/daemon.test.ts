/**
 * diskcheck in daemon mode against a real failing disk (loop device over a FUSE file that returns
 * EIO or blocks), reporting through the bundled engine's attrd.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKER_MARK } from '../checker';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, processes, tempDir, waitForValue } from './helpers';

const missing = faultyDiskMissing();

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1000;
/** Starting node for each check and the attrd round trip, on a shared 2-core machine. */
const ALLOWANCE_MS = 4000;
const LIMIT_MS = INTERVAL_MS + TIMEOUT_MS + ALLOWANCE_MS;

describe.skipIf(missing)('diskcheck daemon mode on a failing loop device (bundled attrd)', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let attrd: Attrd;
  let env: Record<string, string>;
  let params: Record<string, string>;
  const seen: Record<string, number> = {};
  const value = () => attrd.get('diskcheck_status')?.value ?? undefined;
  const action = (name: string) => runExecutable(agent, name, { params, env, instance: 'disk', timeoutMs: 20_000 });

  beforeAll(async () => {
    dir = tempDir('diskcheck-daemon-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'));
    attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
    env = { OCFKIT_ATTRD_SOCKET: attrd.socket, HA_RSCTMP: join(dir, 'rsctmp') };
    params = { device: disk.device, interval: `${INTERVAL_MS}ms`, timeout: `${TIMEOUT_MS}ms`, retries: '0' };
  });
  afterAll(async () => {
    if (agent) await action('stop').catch(() => undefined);
    await disk?.close();
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`diskcheck daemon: ms from fault/repair to attribute change: ${JSON.stringify(seen)} (limit ${LIMIT_MS})\n`);
  });

  it('start runs the checker and sets normal before it returns', async () => {
    expect(await action('monitor')).toMatchObject({ rc: 7 });
    const r = await action('start');
    expect(r.stderr).toContain('checker started');
    expect(r.rc).toBe(0);
    expect(attrd.committed()).toEqual({ diskcheck_status: 'normal' });
    expect(processes(CHECKER_MARK, join(dir, 'rsctmp'))).toHaveLength(1);
    expect(await action('monitor')).toMatchObject({ rc: 0 });
  });

  it('an I/O error turns the attribute to ERROR within interval + timeout, and repair back to normal', async () => {
    disk.mode('eio');
    seen.eio = await waitForValue(value, 'ERROR', LIMIT_MS);
    expect(attrd.committed()).toEqual({ diskcheck_status: 'ERROR' });
    expect(await action('monitor')).toMatchObject({ rc: 0 });
    disk.mode('ok');
    seen.eioRepaired = await waitForValue(value, 'normal', LIMIT_MS);
  });

  it('a hung disk turns it to ERROR after the timeout while the agent stays responsive', async () => {
    disk.mode('hang');
    seen.hang = await waitForValue(value, 'ERROR', LIMIT_MS);
    // A real hang: the direct read sits in uninterruptible sleep in the kernel.
    expect(processes('dd', `if=${disk.device}`).map((p) => p.state)).toContain('D');
    const m = await action('monitor');
    expect(m.rc).toBe(0);
    // Later checks do not pile up more blocked reads.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    expect(processes('dd', `if=${disk.device}`).filter((p) => p.state === 'D')).toHaveLength(1);
    disk.mode('ok');
    seen.hangRepaired = await waitForValue(value, 'normal', LIMIT_MS);
  });

  it('a dead checker makes monitor fail; stop still removes the attribute', async () => {
    const [checker] = processes(CHECKER_MARK, join(dir, 'rsctmp'));
    expect(checker).toBeDefined();
    process.kill(-(checker as { pid: number }).pid, 'SIGKILL');
    await waitForValue(() => processes(CHECKER_MARK, join(dir, 'rsctmp')).length, 0, 5000);
    const m = await action('monitor');
    expect(m.rc).toBe(1);
    expect(m.exitReason).toMatch(/^the disk checker \(pid \d+\) is not running$/);
    expect(await action('stop')).toMatchObject({ rc: 0 });
    expect(attrd.get('diskcheck_status')).toBeUndefined();
    expect(await action('monitor')).toMatchObject({ rc: 7 });
  });

  it('start and stop while the disk hangs: start reports ERROR after the timeout, stop still cleans up', async () => {
    disk.mode('hang');
    try {
      const started = await action('start');
      expect(started.rc).toBe(0);
      expect(value()).toBe('ERROR');
      const stopped = await action('stop');
      expect(stopped.rc).toBe(0);
      expect(processes(CHECKER_MARK, join(dir, 'rsctmp'))).toEqual([]);
      expect(attrd.get('diskcheck_status')).toBeUndefined();
    } finally {
      disk.mode('ok');
    }
    await waitForValue(() => processes('dd', `if=${disk.device}`).length, 0, 10_000);
  });

  it('stop ends the checker and deletes the attribute; stop again is 0', async () => {
    expect(await action('start')).toMatchObject({ rc: 0 });
    expect(value()).toBe('normal');
    expect(await action('stop')).toMatchObject({ rc: 0 });
    expect(processes(CHECKER_MARK, join(dir, 'rsctmp'))).toEqual([]);
    expect(attrd.committed()).toEqual({});
    expect(await action('monitor')).toMatchObject({ rc: 7 });
    expect(await action('stop')).toMatchObject({ rc: 0 });
  });
});
