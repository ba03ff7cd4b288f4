/**
 * diskcheck's write check (synchronous write of a small file, then removal) on a real ext4 on a
 * failing loop device: a read-only remount (EROFS) and a write that blocks in the kernel.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, processes, tempDir, waitForValue } from './helpers';

const missing = faultyDiskMissing();
const LIMIT_MS = 1000 + 1000 + 4000;

describe.skipIf(missing)('diskcheck write check on ext4 over a failing loop device (bundled attrd)', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let attrd: Attrd;
  let mnt: string;
  let env: Record<string, string>;
  let params: Record<string, string>;
  const seen: Record<string, number> = {};
  const value = () => attrd.get('diskcheck_status_internal')?.value ?? undefined;
  const action = (name: string) => runExecutable(agent, name, { params, env, instance: 'wdisk', timeoutMs: 20_000 });

  beforeAll(async () => {
    dir = tempDir('diskcheck-write-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'), 32);
    execFileSync('mkfs.ext4', ['-q', '-F', disk.device]);
    mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    execFileSync('mount', [disk.device, mnt]);
    attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
    env = { OCFKIT_ATTRD_SOCKET: attrd.socket, HA_RSCTMP: join(dir, 'rsctmp') };
    params = { write_dir: mnt, name: 'diskcheck_status_internal', interval: '1s', timeout: '1s', retries: '0' };
  });
  afterAll(async () => {
    if (agent) await action('stop').catch(() => undefined);
    disk?.mode('ok');
    if (mnt) spawnSync('umount', [mnt]);
    await disk?.close();
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`diskcheck write check: ms from fault/repair to attribute change: ${JSON.stringify(seen)} (limit ${LIMIT_MS})\n`);
  });

  it('writes and removes its file: normal, nothing left behind', async () => {
    expect(await action('start')).toMatchObject({ rc: 0 });
    expect(value()).toBe('normal');
    expect(readdirSync(mnt).filter((f) => f.startsWith('.diskcheck'))).toEqual([]);
  });

  it('a read-only remount turns it to ERROR; rw back to normal', async () => {
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    seen.readOnly = await waitForValue(value, 'ERROR', LIMIT_MS);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    seen.readWrite = await waitForValue(value, 'normal', LIMIT_MS);
  });

  it('a write blocked in the kernel turns it to ERROR after the timeout; unblocked back to normal', async () => {
    disk.mode('hang');
    seen.hang = await waitForValue(value, 'ERROR', LIMIT_MS);
    // A real hang: the synchronous write sits in uninterruptible sleep in the kernel.
    expect(processes('dd', `of=${mnt}/`).map((p) => p.state)).toContain('D');
    expect(await action('monitor')).toMatchObject({ rc: 0 });
    disk.mode('ok');
    seen.hangRepaired = await waitForValue(value, 'normal', LIMIT_MS + 5000);
  });

  it('stop deletes the attribute', async () => {
    expect(await action('stop')).toMatchObject({ rc: 0 });
    expect(attrd.committed()).toEqual({});
  });
});
