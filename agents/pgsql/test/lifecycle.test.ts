/** Lifecycle and idempotency against a real PostgreSQL cluster, in-process from source. */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, procUid, readProcStat } from '@ocfkit/sdk';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { type Cluster, makeCluster, missing, PGBIN, postgresIds } from './cluster';
import { postmasterPid } from './postmaster-pid';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });

describe.skipIf(missing)('pgsql lifecycle', () => {
  it('starts, stops, and repeats each step idempotently', async () => {
    const rcs: Array<[string, number]> = [];
    const step = async (label: string, action: string, opts?: RunActionOptions) => {
      const r = await act(action, opts);
      rcs.push([label, r.rc]);
      return r;
    };
    await step('probe', 'monitor');
    await step('monitor', 'monitor', { intervalMs: 10_000 });
    await step('stop stopped', 'stop');
    await step('start', 'start');
    const pid = postmasterPid(c.pgdata) as number;
    expect([procUid(pid), readProcStat(pid)?.comm]).toEqual([postgresIds().uid, 'postgres']);
    expect(c.sql('select 6 * 7')).toBe('42');
    await step('start running', 'start');
    expect(postmasterPid(c.pgdata)).toBe(pid);
    await step('monitor running', 'monitor', { intervalMs: 10_000 });
    await step('probe running', 'monitor');
    await step('validate-all', 'validate-all');
    await step('stop', 'stop');
    expect(existsSync(join(c.pgdata, 'postmaster.pid'))).toBe(false);
    // The postmaster is gone (it may linger as a zombie where pid 1 does not reap orphans).
    expect(isAlive(pid)).toBe(false);
    await step('stop again', 'stop');
    await step('monitor stopped', 'monitor', { intervalMs: 10_000 });
    expect(rcs).toEqual([
      ['probe', 7],
      ['monitor', 7],
      ['stop stopped', 0],
      ['start', 0],
      ['start running', 0],
      ['monitor running', 0],
      ['probe running', 0],
      ['validate-all', 0],
      ['stop', 0],
      ['stop again', 0],
      ['monitor stopped', 7],
    ]);
  });

  it('passes pgport, pghost-less socketdir, start_opt and logfile to the server', async () => {
    const r = await act('start', { params: { start_opt: "-c cluster_name='ocfkit test'" } });
    expect([r.rc, r.exitReason]).toEqual([0, undefined]);
    expect(c.sql('show cluster_name')).toBe('ocfkit test');
    expect(c.sql('show port')).toBe(String(c.port));
    expect(existsSync(join(c.socketdir, `.s.PGSQL.${c.port}`))).toBe(true);
    expect(readFileSync(c.params.logfile as string, 'utf8')).toMatch(/database system is ready to accept connections/);
    expect((await act('stop')).rc).toBe(0);
  });

  it('starts the server binary beside pg_ctl with -p (no `postgres -V` first); a ctl_opt -p wins', async () => {
    const trace = join(c.dir, 'trace.log');
    const r = await act('start', { env: { OCF_TRACE_RA: '1', OCF_TRACE_FILE: trace } });
    expect([r.rc, r.exitReason]).toEqual([0, undefined]);
    const started = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => / start$/.test(l) && l.includes('pg_ctl'));
    expect(started).toHaveLength(1);
    expect(started[0]).toContain(` -p ${join(realpathSync(PGBIN), 'postgres')} -D `);
    expect((await act('stop')).rc).toBe(0);
    // the log file exists now: the start checks it and the socket directory with pgdata in one `test -w` as the owner
    const again = join(c.dir, 'trace-again.log');
    expect((await act('start', { env: { OCF_TRACE_RA: '1', OCF_TRACE_FILE: again } })).rc).toBe(0);
    const tests = readFileSync(again, 'utf8')
      .split('\n')
      .filter((l) => / test -w /.test(l) && l.includes('exec '));
    expect(tests).toHaveLength(1);
    expect(tests[0]).toContain(`test -w ${c.pgdata} -a -w ${c.params.logfile} -a -w ${c.socketdir}`);
    expect((await act('stop')).rc).toBe(0);
    const other = await act('start', { params: { ctl_opt: `-p ${join(c.dir, 'no-such-postgres')}` }, timeoutMs: 10_000 });
    expect(other.rc).toBe(1);
    expect(other.exitReason).toMatch(/^Can't start PostgreSQL: pg_ctl: /);
  });

  it('fails a start whose server cannot come up, with the server log line in the reason', async () => {
    const r = await act('start', { params: { start_opt: '-c shared_buffers=nonsense' } });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toBe(
      `Can't start PostgreSQL: pg_ctl: could not start server; log: FATAL: invalid value for parameter "shared_buffers": "nonsense"`,
    );
    expect((await act('monitor')).rc).toBe(7);
  });

  it('reports a failing monitor_sql as 1 with the server error', async () => {
    expect((await act('start')).rc).toBe(0);
    const r = await act('monitor', { intervalMs: 10_000, params: { monitor_sql: 'select * from no_such_table' } });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toMatch(/^PostgreSQL template1 isn't answering: psql rc=1: ERROR: relation "no_such_table" does not exist/);
    expect((await act('stop')).rc).toBe(0);
  });

  it('with pghost, the server listens there and the monitor connects over TCP', async () => {
    const r = await act('start', { params: { pghost: '127.0.0.1' } });
    expect([r.rc, r.exitReason]).toEqual([0, undefined]);
    expect(c.sql('show listen_addresses')).toBe('127.0.0.1');
    const m = await act('monitor', { intervalMs: 10_000, params: { pghost: '127.0.0.1', monitor_sql: 'select inet_client_addr()' } });
    expect([m.rc, m.exitReason]).toEqual([0, undefined]);
    expect((await act('stop', { params: { pghost: '127.0.0.1' } })).rc).toBe(0);
  });

  it('a server that accepts no connection (SIGSTOPped postmaster): monitor 1 before its deadline', async () => {
    expect((await act('start')).rc).toBe(0);
    const pid = postmasterPid(c.pgdata) as number;
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await act('monitor', { intervalMs: 10_000, timeoutMs: 6000 });
      expect(r.rc).toBe(1);
      expect(r.exitReason).toMatch(/^PostgreSQL template1 isn't answering: psql gave no answer within \ds$/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await act('monitor', { intervalMs: 10_000 })).rc).toBe(0);
    expect((await act('stop')).rc).toBe(0);
  });
});
