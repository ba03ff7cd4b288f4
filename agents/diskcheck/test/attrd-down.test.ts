/**
 * diskcheck when attrd cannot be reached (no root needed: the write check in a temporary
 * directory): start does not wait out its timeout, the checker keeps trying and sets the
 * attribute once attrd answers; a oneshot monitor fails with the reason.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDiskcheck, tempDir, waitForValue } from './helpers';

describe('diskcheck with attrd unreachable', () => {
  let dir: string;
  let agent: string;
  let attrd: Attrd | undefined;
  let env: Record<string, string>;
  const run = (action: string, params: Record<string, string>, intervalMs?: number) =>
    runExecutable(agent, action, { params, env, instance: 'nodisk', timeoutMs: 60_000, ...(intervalMs ? { intervalMs } : {}) });

  beforeAll(async () => {
    dir = tempDir('diskcheck-attrd-down-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    env = { OCFKIT_ATTRD_SOCKET: join(dir, 'attrd', 'attrd.sock'), HA_RSCTMP: join(dir, 'rsctmp') };
  });
  afterAll(async () => {
    if (agent) {
      await run('stop', { write_dir: dir });
      await run('stop', { write_dir: dir, oneshot: 'true' });
    }
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('daemon start succeeds after the first check with a warning; the attribute appears once attrd runs', async () => {
    const params = { write_dir: dir, interval: '1s', timeout: '2s' };
    const started = await run('start', params);
    expect(started.rc).toBe(0);
    expect(started.stderr).toMatch(
      /first check: disk normal, but diskcheck_status could not be set \(attrd at .*attrd\.sock: connect ENOENT .*\); the checker keeps trying/,
    );
    expect((await run('monitor', params, 10_000)).rc).toBe(0);
    attrd = await startAttrd({ socket: env.OCFKIT_ATTRD_SOCKET as string, node: 'n1' });
    await waitForValue(() => attrd?.get('diskcheck_status')?.value, 'normal', 10_000);
    expect((await run('stop', params)).rc).toBe(0);
    expect(attrd.list()).toEqual([]);
    await attrd.close();
    attrd = undefined;
  });

  it('a oneshot monitor fails (1) naming the attribute and the attrd error; start and stop do not', async () => {
    const params = { write_dir: dir, oneshot: 'true' };
    expect((await run('start', params)).rc).toBe(0);
    const m = await run('monitor', params, 10_000);
    expect(m.rc).toBe(1);
    expect(m.exitReason).toMatch(/^cannot set diskcheck_status=normal: attrd at .*: connect ENOENT/);
    expect((await run('stop', params)).rc).toBe(0);
  });
});
