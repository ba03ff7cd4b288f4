/**
 * The promotion safety rules (rep-guard.ts) on three real PostgreSQL servers in rep_mode=sync:
 * after the primary is killed, the asynchronous standby refuses a promotion (its data may lack
 * acknowledged commits) and stays a standby; the synchronous one is promoted; the refused node,
 * stopped meanwhile, comes back on the older timeline without reaching the new primary, and its
 * monitor says it is not following the newer timeline; when the new primary dies too, it refuses
 * a promotion even after an operator forces its data status, because a newer primary ran.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, missing } from './cluster';
import { postmasterPid } from './postmaster-pid';
import { type Node, type ReplicaSet, replicaSet } from './replica-set';

let rs: ReplicaSet | undefined;
afterAll(async () => rs?.destroy());

const SCORE = 'master-pgsql';

async function kill(n: Node): Promise<void> {
  process.kill(postmasterPid(n.pgdata) as number, 'SIGKILL');
  await eventually(async () => ((await n.monitor()).rc === 7 ? true : undefined));
}

describe.skipIf(missing)('pgsql promotion safety rules (rep_mode=sync, three nodes)', () => {
  it('refuses to promote a node that is behind or on an older timeline, with a reason that says what to do', async () => {
    rs = await replicaSet(3, 'sync', { check_wal_receiver: 'true' });
    const r = rs;
    const [n1, n2, n3] = r.nodes as [Node, Node, Node];
    const names = r.nodes.map((n) => n.name);
    const dataStatus = () => names.map((n) => r.attr(n, 'pgsql-data-status')).join();
    for (const n of r.nodes) expect((await n.act('start')).rc).toBe(0);
    expect(names.map((n) => r.attr(n, 'pgsql-timeline'))).toEqual(['1', '1', '1']);

    await r.notify(r.nodes, 'pre', 'promote', { promote_uname: ['node1'] });
    expect((await n1.act('promote')).rc).toBe(0);
    await r.notify(r.nodes, 'post', 'promote', { promote_uname: ['node1'] });
    r.moveVip(n1);
    // A promotion starts a new timeline: 2 here, which the standbys follow.
    expect(r.attr('node1', 'pgsql-timeline')).toBe('2');
    await r.streaming(n1);
    await eventually(
      async () => {
        expect((await n1.monitor()).rc).toBe(8);
        return dataStatus() === 'LATEST,STREAMING|SYNC,STREAMING|ASYNC' ? true : undefined;
      },
      20_000,
      () => `pgsql-data-status ${dataStatus()}`,
    );
    n1.sql('create table t (i int primary key)');
    n1.sql('insert into t select generate_series(1, 100)');
    await eventually(() => (n2.sql('select count(*) from t') === '100' && n3.sql('select count(*) from t') === '100' ? true : undefined));

    // The primary dies; Pacemaker recovers it (the IP goes, demote finds nothing, stop).
    await kill(n1);
    r.dropVip();
    expect((await n1.act('demote')).rc).toBe(7);
    expect((await n1.act('stop')).rc).toBe(0);

    // The asynchronous standby is asked to promote (a stale or hand-set score): it refuses.
    const behind = await n3.act('promote');
    expect([behind.rc, behind.exitReason]).toEqual([
      1,
      'my data may lack commits (pgsql-data-status=STREAMING|ASYNC): promote an in-sync node, or set it LATEST to accept the loss',
    ]);
    expect(r.attr('node3', SCORE)).toBe('-1000000');
    expect(n3.sql('select pg_is_in_recovery()')).toBe('t');
    expect(existsSync(join(n3.tmpdir, 'PGSQL.lock'))).toBe(false);
    expect((await n3.act('stop')).rc).toBe(0);

    // The synchronous standby passes the rules and becomes the primary on timeline 3.
    const ok = await n2.act('promote');
    expect([ok.rc, ok.exitReason]).toEqual([0, undefined]);
    await r.notify([n2], 'post', 'promote', { promote_uname: ['node2'] });
    r.moveVip(n2);
    expect((await n2.monitor()).rc).toBe(8);
    expect(r.attr('node2', 'pgsql-timeline')).toBe('3');
    n2.sql('insert into t values (1000000)');

    // node3 comes back on timeline 2 but cannot reach the new primary: its monitor says so.
    r.dropVip();
    expect((await n3.act('start')).rc).toBe(0);
    expect(r.attr('node3', 'pgsql-timeline')).toBe('2');
    const lost = await n3.monitor();
    expect(lost.rc).toBe(190);
    expect(lost.exitReason).toMatch(
      /^not following node2: it is on timeline 3, my WAL on 2 \(WAL receiver \w+\); if it stays so, pg_rewind me \(README\)$/,
    );

    // The new primary dies too. Even with its data status forced to LATEST by an operator, node3
    // refuses: a promotion here would throw away what node2 committed on timeline 3.
    await kill(n2);
    r.attrd.update('pgsql-data-status', 'LATEST', { node: 'node3' });
    const older = await n3.act('promote');
    expect([older.rc, older.exitReason]).toEqual([
      1,
      'timeline 2 here but node2 is on timeline 3: a newer primary ran; promote node2 or pg_rewind me',
    ]);
    expect(n3.sql('select pg_is_in_recovery()')).toBe('t');
    expect(n3.sql('select count(*) from t where i = 1000000')).toBe('0');
  }, 150_000);
});
