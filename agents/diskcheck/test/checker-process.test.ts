/**
 * The checker is one long-lived process that checks in-process (issue 21, defect 10): across many
 * checks its pid stays the same and the only processes it starts are the I/O commands (dd, rm),
 * never a Node process per check. Write check in a temporary directory, bundled attrd: no root.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { processLiveness, readProcStat } from '@ocfkit/sdk';
import { runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedPid } from '../checker';
import { buildDiskcheck, tempDir, waitForValue } from './helpers';

/**
 * What the live children of `pid` run: the program name of each child that has exec'd (a child
 * between fork and exec still shows its parent's command line and is skipped).
 */
function childrenOf(pid: number, own: string): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readProcStat(Number(p))?.ppid !== pid) continue;
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmdline === own || cmdline === '') continue;
      out.push(cmdline.split('\0').slice(0, 3).join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('diskcheck checker process', () => {
  let dir: string;
  let agent: string;
  let attrd: Attrd | undefined;
  let env: Record<string, string>;
  const params = () => ({ write_dir: join(dir, 'disk'), interval: '100ms', timeout: '2s' });
  const run = (action: string, intervalMs?: number) =>
    runExecutable(agent, action, { params: params(), env, instance: 'chk', timeoutMs: 60_000, ...(intervalMs ? { intervalMs } : {}) });

  beforeAll(async () => {
    dir = tempDir('diskcheck-checker-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    env = { OCFKIT_ATTRD_SOCKET: join(dir, 'attrd', 'attrd.sock'), HA_RSCTMP: join(dir, 'rsctmp') };
    attrd = await startAttrd({ socket: env.OCFKIT_ATTRD_SOCKET as string, node: 'n1' });
  });
  afterAll(async () => {
    if (agent) await run('stop');
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks every interval in one process that starts only dd and rm', async () => {
    mkdirSync(join(dir, 'disk'));
    expect((await run('start')).rc).toBe(0);
    const pid = recordedPid(join(dir, 'rsctmp', 'diskcheck-chk.pid'));
    expect(pid).toBeGreaterThan(1);
    const own = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv = own.split('\0');
    expect(argv.slice(2, 4)).toEqual(['ocfkit-helper', 'checker']);
    // Watch the checker's children for ~20 checks; record how many checks ran meanwhile.
    const seen = new Set<string>();
    const status = join(dir, 'rsctmp', 'diskcheck-chk.pid.status');
    const mtimes = new Set<string>();
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      for (const c of childrenOf(pid as number, own)) seen.add(c.split(' ')[0]?.split('/').pop() ?? c);
      try {
        mtimes.add(String(statSync(status).mtimeMs));
      } catch {}
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(mtimes.size).toBeGreaterThanOrEqual(5);
    expect(seen.has('dd')).toBe(true);
    expect([...seen].filter((c) => c !== 'dd' && c !== 'rm')).toEqual([]);
    expect(recordedPid(join(dir, 'rsctmp', 'diskcheck-chk.pid'))).toBe(pid);
    await waitForValue(() => attrd?.get('diskcheck_status')?.value, 'normal', 5000);
    expect((await run('monitor', 10_000)).rc).toBe(0);
    expect((await run('stop')).rc).toBe(0);
    expect(attrd?.list()).toEqual([]);
  });

  it('stop ends a checker that no pidfile names (its start was killed before recording it)', async () => {
    mkdirSync(join(dir, 'disk'), { recursive: true });
    expect((await run('start')).rc).toBe(0);
    const file = join(dir, 'rsctmp', 'diskcheck-chk.pid');
    const pid = recordedPid(file) as number;
    expect(processLiveness(pid)).toBe('alive');
    // What a start SIGKILLed between spawning the checker and writing the pidfile leaves behind.
    rmSync(file);
    const probe = await run('monitor');
    expect(probe.rc).toBe(1);
    expect(probe.exitReason).toContain(`a disk checker (pid ${pid}) runs without its pidfile`);
    expect((await run('stop')).rc).toBe(0);
    expect(processLiveness(pid)).not.toBe('alive');
    expect(attrd?.list()).toEqual([]);
    // Nothing sets the attribute again after the stop.
    await new Promise((r) => setTimeout(r, 400));
    expect(attrd?.list()).toEqual([]);
  });
});
