/**
 * Stops that fast shutdown cannot finish. Real ways a server ignores `pg_ctl stop -m fast`:
 * - a backend that does not act on SIGTERM (here: SIGSTOPped, as a backend wedged in an
 *   extension or in uninterruptible I/O would be): the postmaster waits for it forever in fast
 *   mode; immediate mode SIGQUITs it and SIGKILLs it after 5 s, so the stop completes;
 * - a SIGSTOPped postmaster: both fast (SIGINT) and immediate (SIGQUIT) stay pending, and only
 *   the agent's last resort (SIGKILL just before the deadline) ends it.
 */

import { isAlive } from '@ocfkit/sdk';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { serverProcesses } from '../postmaster';
import { backendOf, type Cluster, makeCluster, missing, postgresIds } from './cluster';
import { postmasterPid } from './postmaster-pid';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });

describe.skipIf(missing)('pgsql stop escalation', () => {
  it('escalates to immediate when a backend ignores the fast shutdown, within a 20 s timeout (stop_escalate 90 capped)', async () => {
    expect((await act('start')).rc).toBe(0);
    c.session('select pg_sleep(600) -- wedged');
    const backend = await backendOf(c, 'pg_sleep(600) -- wedged');
    process.kill(backend, 'SIGSTOP');
    const pid = postmasterPid(c.pgdata) as number;
    const stop = await act('stop', { timeoutMs: 20_000 });
    expect([stop.rc, stop.exitReason]).toEqual([0, undefined]);
    expect(stop.stderr).toContain('pg_ctl stop -m fast: server shutting down');
    // 20 s timeout - 2 s margin = 18 s left; heartbeat's cap gives 10 s, ours keeps 9 s for
    // immediate: about 9 s of fast shutdown (less the status check before it), not stop_escalate's 90.
    expect(stop.stderr).toMatch(/PostgreSQL did not stop within [89]s of a fast shutdown; trying -m immediate/);
    expect(stop.stderr).toContain('pg_ctl stop -m immediate: server shutting down');
    expect(stop.stderr).not.toContain('SIGKILL');
    expect(isAlive(pid)).toBe(false);
    expect(serverProcesses(c.pgdata, postgresIds().uid)).toEqual([]);
    expect((await act('monitor', { intervalMs: 10_000 })).rc).toBe(7);
    expect((await act('start')).rc).toBe(0);
    expect((await act('stop')).rc).toBe(0);
  });

  it('kills a postmaster that ignores fast and immediate shutdown just before the deadline', async () => {
    expect((await act('start')).rc).toBe(0);
    const pid = postmasterPid(c.pgdata) as number;
    process.kill(pid, 'SIGSTOP');
    const stop = await act('stop', { timeoutMs: 15_000, params: { stop_escalate: '2' } });
    expect([stop.rc, stop.exitReason]).toEqual([0, undefined]);
    expect(stop.stderr).toContain('PostgreSQL did not stop within 2s of a fast shutdown; trying -m immediate');
    expect(stop.stderr).toContain(`postmaster ${pid} ignored fast and immediate shutdown; sending SIGKILL`);
    expect(isAlive(pid)).toBe(false);
    expect(serverProcesses(c.pgdata, postgresIds().uid)).toEqual([]);
    // The next start replays WAL like after any crash.
    const start = await act('start');
    expect([start.rc, start.exitReason]).toEqual([0, undefined]);
    expect(c.sql('select 1')).toBe('1');
    expect((await act('stop')).rc).toBe(0);
  });
});
