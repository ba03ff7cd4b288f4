/**
 * rep_mode=async with two real PostgreSQL servers: a planned switchover. A clean demote lifts
 * PGSQL.lock and brings the old primary back as a standby at once; after the other one is
 * promoted it follows the new timeline without pg_rewind. Also: recovery settings with quotes
 * and backslashes reach the server intact, check_wal_receiver's attribute, a clean stop of the
 * primary.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, missing, postgresIds } from './cluster';
import { type Node, type ReplicaSet, replicaSet } from './replica-set';

let rs: ReplicaSet | undefined;
afterAll(async () => rs?.destroy());

const SECRET = 'Secr3t-pw-4711';
const RESTORE = "test -f '/no\\where/%f' && cp '/no\\where/%f' \"%p\"";

describe.skipIf(missing)('pgsql rep_mode=async, two nodes', () => {
  it('switches over cleanly: demote → standby, promote the other, the old primary follows', async () => {
    rs = await replicaSet(2, 'async', {
      restore_command: RESTORE,
      check_wal_receiver: 'true',
      primary_conninfo_opt: `password=${SECRET} connect_timeout=5`,
    });
    const r = rs;
    const [n1, n2] = r.nodes as [Node, Node];
    const lock = (n: Node) => existsSync(join(n.tmpdir, 'PGSQL.lock'));
    for (const n of r.nodes) expect((await n.act('start')).rc).toBe(0);
    expect(n2.sql('show restore_command')).toBe(RESTORE);
    expect(n2.sql('show primary_conninfo')).toBe(
      `host='${r.dir}/vip' port=${r.port} user='postgres' application_name='node2' password=${SECRET} connect_timeout=5`,
    );
    // A password in primary_conninfo_opt lives only in the agent's recovery.conf: pgdba's, 0600.
    const st = statSync(join(n2.tmpdir, 'recovery.conf'));
    expect([st.mode & 0o777, st.uid]).toEqual([0o600, postgresIds().uid]);

    r.moveVip(n1);
    expect((await n1.act('promote')).rc).toBe(0);
    await eventually(async () => {
      expect((await n1.monitor()).rc).toBe(8);
      return r.attr('node2', 'pgsql-data-status') === 'STREAMING|ASYNC' ? true : undefined;
    }, 20_000);
    // Two nodes in async mode: the only standby has the best data there is.
    expect([r.attr('node1', 'master-pgsql'), r.attr('node2', 'master-pgsql')]).toEqual(['1000', '100']);
    expect((await n2.monitor()).rc).toBe(0);
    expect([r.attr('node1', 'pgsql-receiver-status'), r.attr('node2', 'pgsql-receiver-status')]).toEqual(['normal (master)', 'normal']);
    n1.sql('create table t (i int)');
    n1.sql('insert into t values (1)');

    // Planned switchover, in Pacemaker's order: the IP colocated with the promoted role stops,
    // demote node1, promote node2, the IP starts there.
    r.dropVip();
    expect(await r.notify(r.nodes, 'pre', 'demote', { demote_uname: ['node1'], promoted_uname: ['node1'] })).toEqual([0, 0]);
    const demote = await n1.act('demote');
    expect([demote.rc, demote.exitReason]).toEqual([0, undefined]);
    expect(lock(n1)).toBe(false);
    expect(n1.sql('select pg_is_in_recovery()')).toBe('t');
    expect((await n1.monitor()).rc).toBe(0);
    expect(await r.notify(r.nodes, 'post', 'demote', { demote_uname: ['node1'], promoted_uname: [] })).toEqual([0, 0]);
    expect(await r.notify(r.nodes, 'pre', 'promote', { promote_uname: ['node2'] })).toEqual([0, 0]);
    expect((await n2.act('promote')).rc).toBe(0);
    expect(await r.notify(r.nodes, 'post', 'promote', { promote_uname: ['node2'] })).toEqual([0, 0]);
    r.moveVip(n2);
    expect(lock(n2)).toBe(true);
    n2.sql('insert into t values (2)');
    await eventually(async () => {
      expect((await n2.monitor()).rc).toBe(8);
      return r.attr('node1', 'pgsql-data-status') === 'STREAMING|ASYNC' ? true : undefined;
    }, 30_000);
    await eventually(() => (n1.sql("select string_agg(i::text, ',' order by i) from t") === '1,2' ? true : undefined));
    // The promoted server's timeline is in its control file once a checkpoint has run after promotion
    // (PostgreSQL requests that checkpoint and does not wait for it).
    n2.sql('checkpoint');
    expect(n1.sql('select received_tli from pg_stat_wal_receiver')).toBe(n2.sql('select timeline_id from pg_control_checkpoint()'));
    expect([r.attr('node1', 'pgsql-status'), r.attr('node2', 'pgsql-status')]).toEqual(['HS:async', 'PRI']);

    // Stopping everything: the standby, then the primary (a clean shutdown lifts its lock).
    expect((await n1.act('stop')).rc).toBe(0);
    expect((await n2.act('demote')).rc).toBe(0);
    expect((await n2.act('stop')).rc).toBe(0);
    expect([lock(n1), lock(n2)]).toEqual([false, false]);
    expect([r.attr('node1', 'pgsql-status'), r.attr('node2', 'pgsql-status')]).toEqual(['STOP', 'STOP']);
    expect([r.attr('node1', 'master-pgsql'), r.attr('node2', 'master-pgsql')]).toEqual(['-1000000', '-1000000']);
    // ... and never in what any action printed (logs, exit reasons).
    expect(r.output.filter((o) => o.includes(SECRET))).toEqual([]);
    expect(r.output.join('').length).toBeGreaterThan(1000);
  }, 150_000);
});
