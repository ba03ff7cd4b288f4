/** A killed postmaster, orphaned server processes and a recycled pid in postmaster.pid. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procUid, readProcStat } from '@ocfkit/sdk';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { postmasterPid, serverProcesses } from '../postmaster';
import { backendOf, type Cluster, eventually, makeCluster, missing, postgresIds } from './cluster';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });
const monitor = () => act('monitor', { intervalMs: 10_000 });

describe.skipIf(missing)('pgsql after a crash', () => {
  it('kill -9 of the postmaster: monitor says 1 while server processes linger, then 7; start recovers over the stale pid file', async () => {
    expect((await act('start')).rc).toBe(0);
    const pid = postmasterPid(c.pgdata) as number;
    process.kill(pid, 'SIGKILL');
    const seen: number[] = [];
    // Heartbeat answers 7 as soon as the pid is dead; we answer 1 while orphans still hold the
    // shared memory, and 7 once nothing of the server is left (they exit on postmaster death).
    await eventually(async () => {
      const r = await monitor();
      seen.push(r.rc);
      return r.rc === 7 ? r : undefined;
    });
    expect(seen.every((rc) => rc === 1 || rc === 7)).toBe(true);
    expect(postmasterPid(c.pgdata)).toBe(pid);
    expect((await act('monitor')).rc).toBe(7);
    const start = await act('start');
    expect([start.rc, start.exitReason]).toEqual([0, undefined]);
    expect(start.stderr).toContain(`removing stale ${join(c.pgdata, 'postmaster.pid')} (postmaster ${pid} is gone`);
    expect(c.sql('select 1')).toBe('1');
    expect((await monitor()).rc).toBe(0);
    expect((await act('stop')).rc).toBe(0);
  });

  it('an orphaned backend keeps monitor at 1 and blocks start; stop cleans it up and start recovers', async () => {
    expect((await act('start')).rc).toBe(0);
    c.session('select pg_sleep(600) -- orphan');
    const backend = await backendOf(c, 'pg_sleep(600) -- orphan');
    const pid = postmasterPid(c.pgdata) as number;
    // A stopped backend cannot notice its postmaster's death: it outlives it, as a wedged one would.
    process.kill(backend, 'SIGSTOP');
    process.kill(pid, 'SIGKILL');
    const failedMonitor = await eventually(async () => {
      const r = await monitor();
      return serverProcesses(c.pgdata, postgresIds().uid).join() === String(backend) ? r : undefined;
    });
    expect(failedMonitor.rc).toBe(1);
    expect(failedMonitor.exitReason).toBe(`postmaster ${pid} is gone, yet server processes ${backend} still run in ${c.pgdata}`);
    const start = await act('start', { timeoutMs: 20_000 });
    expect([start.rc, start.exitReason]).toEqual([
      1,
      `server processes ${backend} of a dead postmaster still run in ${c.pgdata}; stop the resource first`,
    ]);
    const stop = await act('stop');
    expect(stop.rc).toBe(0);
    expect(stop.stderr).toContain(`server processes ${backend} outlived the postmaster; sending SIGQUIT`);
    expect(serverProcesses(c.pgdata, postgresIds().uid)).toEqual([]);
    expect(existsSync(join(c.pgdata, 'postmaster.pid'))).toBe(false);
    expect((await monitor()).rc).toBe(7);
    expect((await act('start')).rc).toBe(0);
    expect((await monitor()).rc).toBe(0);
    expect((await act('stop')).rc).toBe(0);
  });

  it('treats a postmaster.pid naming another live process of postgres as stale (a recycled pid)', async () => {
    // PostgreSQL itself refuses to start over this file (kill(pid, 0) as postgres succeeds), and
    // heartbeat's `kill -0` as pgdba would take it for a running server.
    const other = spawn('runuser', ['-u', 'postgres', '--', 'sleep', '300'], { cwd: '/', stdio: 'ignore' });
    const sleeper = await eventually(() => childrenOf(other.pid as number)[0]);
    try {
      expect([procUid(sleeper), readProcStat(sleeper)?.comm]).toEqual([postgresIds().uid, 'sleep']);
      writeFileSync(join(c.pgdata, 'postmaster.pid'), `${sleeper}\n${c.pgdata}\n`);
      expect((await act('monitor')).rc).toBe(7);
      const start = await act('start');
      expect([start.rc, start.exitReason]).toEqual([0, undefined]);
      expect(postmasterPid(c.pgdata)).not.toBe(sleeper);
      expect((await monitor()).rc).toBe(0);
      expect((await act('stop')).rc).toBe(0);
    } finally {
      other.kill('SIGKILL');
      process.kill(sleeper, 'SIGKILL');
    }
  });
});

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
