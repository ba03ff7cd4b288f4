/**
 * Crash scenarios run both on the host (crash.test.ts) and as root without CAP_SYS_PTRACE
 * (no-ptrace.test.ts): one copy of each story, the runner decides how the agent is run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '@ocfkit/sdk';
import type { RunActionOptions } from '@ocfkit/sdk/testing';
import { expect } from 'vitest';
import { serverProcesses } from '../postmaster';
import { backendOf, type Cluster, eventually, postgresIds } from './cluster';
import { postmasterPid } from './postmaster-pid';

/** How a scenario runs the agent against a cluster. */
interface Harness {
  c: Cluster;
  act: (action: string, opts?: RunActionOptions) => Promise<{ rc: number; exitReason?: string | undefined; stderr: string }>;
}

const monitor = (h: Harness) => h.act('monitor', { intervalMs: 10_000 });

/**
 * kill -9 of the postmaster: a recurring monitor says 1 while server processes linger, then 7
 * (heartbeat answers 7 as soon as the pid is dead); start recovers over the stale pid file.
 */
export async function killedPostmaster(h: Harness): Promise<void> {
  const { c, act } = h;
  expect((await act('start')).rc).toBe(0);
  const pid = postmasterPid(c.pgdata) as number;
  process.kill(pid, 'SIGKILL');
  const seen: number[] = [];
  await eventually(async () => {
    const r = await monitor(h);
    seen.push(r.rc);
    return r.rc === 7 ? r : undefined;
  });
  expect(seen.every((rc) => rc === 1 || rc === 7)).toBe(true);
  expect(postmasterPid(c.pgdata)).toBe(pid);
  expect((await act('monitor')).rc).toBe(7);
  const start = await act('start');
  expect([start.rc, start.exitReason]).toEqual([0, undefined]);
  expect(start.stderr).toContain(`removing stale ${join(c.pgdata, 'postmaster.pid')} (postmaster ${pid} is gone`);
  expect(postmasterPid(c.pgdata)).not.toBe(pid);
  expect([(await monitor(h)).rc, c.sql('select 1')]).toEqual([0, '1']);
  expect((await act('stop')).rc).toBe(0);
  expect(serverProcesses(c.pgdata, postgresIds().uid)).toEqual([]);
}

/** An orphaned backend of a killed postmaster: monitor 1, start refused, stop kills it, start recovers. */
export async function orphanedBackend(h: Harness): Promise<void> {
  const { c, act } = h;
  expect((await act('start')).rc).toBe(0);
  c.session('select pg_sleep(600) -- orphan');
  const backend = await backendOf(c, 'pg_sleep(600) -- orphan');
  const pid = postmasterPid(c.pgdata) as number;
  // A stopped backend cannot notice its postmaster's death: it outlives it, as a wedged one would.
  process.kill(backend, 'SIGSTOP');
  process.kill(pid, 'SIGKILL');
  await eventually(() => (serverProcesses(c.pgdata, postgresIds().uid).join() === String(backend) ? true : undefined));
  const failed = await monitor(h);
  expect([failed.rc, failed.exitReason]).toEqual([
    1,
    `postmaster ${pid} is gone, yet server processes ${backend} still run in ${c.pgdata}`,
  ]);
  const start = await act('start', { timeoutMs: 20_000 });
  expect([start.rc, start.exitReason]).toEqual([
    1,
    `server processes ${backend} of a dead postmaster still run in ${c.pgdata}; stop the resource first`,
  ]);
  const stop = await act('stop');
  expect(stop.rc).toBe(0);
  expect(stop.stderr).toContain(`server processes ${backend} outlived the postmaster; sending SIGQUIT`);
  expect([isAlive(backend), serverProcesses(c.pgdata, postgresIds().uid)]).toEqual([false, []]);
  expect(existsSync(join(c.pgdata, 'postmaster.pid'))).toBe(false);
  expect((await monitor(h)).rc).toBe(7);
  expect((await act('start')).rc).toBe(0);
  expect((await monitor(h)).rc).toBe(0);
  expect((await act('stop')).rc).toBe(0);
}

/** The children of a process, from /proc (empty once it is gone). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
