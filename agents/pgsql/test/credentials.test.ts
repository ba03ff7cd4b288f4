/**
 * The monitor password: used by psql, never in any process's argv, never in the server's
 * environment, logs, trace output or exit reasons.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { type Cluster, makeCluster, missing } from './cluster';
import { postmasterPid } from './postmaster-pid';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const PASSWORD = 'Tr0ub4dor&3-ocfkit';

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });

/** Every process command line on the host, read from /proc. */
function commandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe.skipIf(missing)('pgsql monitor credentials', () => {
  it('monitors as monitor_user; a wrong password is 1 with the server reason; the password never shows', async () => {
    const log = join(c.dir, 'ha.log');
    const trace = join(c.dir, 'trace.log');
    const env = { HA_LOGFILE: log, HA_debug: '1', OCF_TRACE_RA: '1', OCF_TRACE_FILE: trace };
    const creds = { monitor_user: 'monitor', monitor_password: PASSWORD };
    // The role does not exist yet: the server starts, but the start is not done until the monitor
    // query passes, so it runs into its timeout and says why.
    const early = await act('start', { params: creds, env, timeoutMs: 8000 });
    expect(early.rc).toBe(1);
    expect(early.exitReason).toMatch(
      /^start did not complete within 8s \(CRM_meta_timeout\); status: failed \(PostgreSQL template1 isn't answering: psql rc=2: FATAL/,
    );
    expect((await act('stop', { params: creds, env })).rc).toBe(0);

    expect((await act('start', { env })).rc).toBe(0);
    c.sql(`create role monitor login password '${PASSWORD}'`);
    expect((await act('monitor', { params: creds, env, intervalMs: 10_000 })).rc).toBe(0);

    // Catch psql in flight: a slow monitor_sql keeps it alive while we read every command line.
    const slow = act('monitor', { params: { ...creds, monitor_sql: 'select pg_sleep(2)' }, env, intervalMs: 10_000 });
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      seen.push(...commandLines().filter((l) => l.includes('psql') && l.includes('-U monitor')));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await slow).rc).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((l) => l.includes(PASSWORD))).toEqual([]);

    const wrong = await act('monitor', { params: { ...creds, monitor_password: `${PASSWORD}-wrong` }, env, intervalMs: 10_000 });
    expect([wrong.rc, wrong.exitReason]).toEqual([
      1,
      'PostgreSQL template1 isn\'t answering: psql rc=2: FATAL: password authentication failed for user "monitor"',
    ]);

    const pid = postmasterPid(c.pgdata) as number;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((e) => e.includes(PASSWORD) || /^(PGPASSWORD|PGUSER|OCF_RESKEY_monitor_password)=/.test(e))).toEqual([]);
    expect(environ).toContain(`PGPORT=${c.port}`);

    expect((await act('stop', { params: creds, env })).rc).toBe(0);
    const written = `${readFileSync(log, 'utf8')}\n${readFileSync(trace, 'utf8')}\n${wrong.stderr}`;
    expect(written).toContain('-U monitor');
    expect(written).not.toContain(PASSWORD);
  });
});
