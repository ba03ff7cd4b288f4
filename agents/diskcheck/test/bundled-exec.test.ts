/**
 * diskcheck under `ocfkit exec` (the bundled executor outside a node daemon) while the bundled
 * attrd runs on this host (issue 21, defect 11): the attribute goes to that attrd, not to
 * Pacemaker's attrd_updater. Write check in a temporary directory: no root needed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDiskcheck, cleanEnv, ROOT, tempDir } from './helpers';

describe('diskcheck through ocfkit exec beside the bundled attrd', () => {
  let dir: string;
  let agent: string;
  let attrd: Attrd | undefined;
  const runDir = () => join(dir, 'run');

  /**
   * `ocfkit exec` as a user runs it, with the node daemon's run directory in OCFKIT_RUN_DIR.
   * Asynchronous: the attrd answering it runs in this process.
   */
  const exec = (action: string, ...extra: string[]): Promise<{ rc: number | null; out: string }> => {
    const params = ['-p', `write_dir=${join(dir, 'disk')}`, '-p', 'oneshot=true', '-p', `pidfile=${join(dir, 'state')}`];
    const env = cleanEnv({ OCFKIT_RUN_DIR: runDir(), HA_RSCTMP: join(dir, 'rsctmp') });
    delete env.OCFKIT_ATTRD_SOCKET;
    const argv = [
      join(ROOT, 'conformance/bin/ocfkit.js'),
      'exec',
      'ocf:ocfkit:diskcheck',
      action,
      '-f',
      agent,
      '-r',
      'disk',
      ...params,
      ...extra,
    ];
    return new Promise((resolve) => {
      const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('close', (rc) => resolve({ rc, out }));
    });
  };

  beforeAll(async () => {
    dir = tempDir('diskcheck-bundled-exec-');
    mkdirSync(join(dir, 'disk'));
    agent = await buildDiskcheck(join(dir, 'dist'));
  });
  afterAll(async () => {
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('start, monitor and stop set and remove the attribute in the running bundled attrd', async () => {
    attrd = await startAttrd({ socket: join(runDir(), 'attrd.sock'), node: 'n1' });
    const started = await exec('start');
    expect(started.out).toContain('returned 0');
    expect(attrd.get('diskcheck_status')?.value).toBe('normal');
    attrd.update('diskcheck_status', 'stale');
    const monitor = await exec('monitor', '-i', '10s');
    expect([monitor.rc, monitor.out.split('\n')[0]]).toEqual([0, 'Operation monitor (ocf:ocfkit:diskcheck) returned 0 (OCF_SUCCESS)']);
    expect(attrd.get('diskcheck_status')?.value).toBe('normal');
    expect((await exec('stop')).rc).toBe(0);
    expect(attrd.get('diskcheck_status')?.value ?? null).toBeNull();
  });

  it('with no bundled attrd answering, the agents use Pacemaker attrd_updater', async () => {
    await attrd?.close();
    attrd = undefined;
    // The run directory is still there, its attrd is not: nothing to pass on.
    expect((await exec('start')).rc).toBe(0);
    const monitor = await exec('monitor', '-i', '10s');
    expect(monitor.rc).toBe(1);
    expect(monitor.out).toMatch(/cannot set diskcheck_status=normal: .*attrd_updater/);
    expect((await exec('stop')).rc).toBe(0);
  });
});
