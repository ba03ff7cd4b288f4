/**
 * rep_mode=sync with three real PostgreSQL servers, driven action by action in the order
 * Pacemaker runs a promotable clone with notify=true: probes, starts as standbys, promotion
 * of the one with the highest score, streaming checked in pg_stat_replication, a kill -9 of the
 * primary under a write load, promotion of the synchronous standby (no acknowledged commit
 * lost), the other standby following the new timeline, the old primary refused by PGSQL.lock,
 * and its return as a standby after pg_rewind and the operator's removal of the lock.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockReason } from '../replication';
import { eventually, missing, PGBIN } from './cluster';
import { postmasterPid } from './postmaster-pid';
import { type Node, type ReplicaSet, replicaSet } from './replica-set';

let rs: ReplicaSet | undefined;
let rs2: ReplicaSet | undefined;
afterAll(async () => {
  await rs?.destroy();
  await rs2?.destroy();
});

const SCORE = 'master-pgsql';

describe.skipIf(missing)('pgsql rep_mode=sync, three nodes', () => {
  it('starts standbys, promotes, streams, fails over without losing a commit, and guards the old primary', async () => {
    rs = await replicaSet(3, 'sync');
    const r = rs;
    const [n1, n2, n3] = r.nodes as [Node, Node, Node];
    const attrs = (name: string) => r.nodes.map((n) => r.attr(n.name, name));
    await promoteNode1(r);

    n1.sql('create table counter (i int primary key)');
    n1.sql('create table ballast (i int)');
    n1.sql('insert into counter select generate_series(1, 100)');
    await eventually(() =>
      n2.sql('select count(*) from counter') === '100' && n3.sql('select count(*) from counter') === '100' ? true : undefined,
    );

    // Write under load, one acknowledged commit at a time, then kill -9 the primary. node3's WAL
    // receiver is held first, until the primary has sent node3 less than node2 has flushed: else
    // node3 may hold WAL node2 lacks when the primary dies, and cannot follow node2 (the next test).
    const acked = writeLoad(n1, r.port, 101);
    await eventually(() => (acked.last() >= 300 ? true : undefined), 60_000);
    const receiver3 = walReceiverPid(n3);
    process.kill(receiver3, 'SIGSTOP');
    n1.sql('insert into ballast select generate_series(1, 100000)'); // more WAL than socket buffers hold
    await eventually(() => (n1.sql(sentBelowFlushed('node3', 'node2')) === 't' ? true : undefined), 60_000);
    const pm = postmasterPid(n1.pgdata) as number;
    process.kill(pm, 'SIGKILL');
    await acked.done;
    process.kill(receiver3, 'SIGCONT');
    const lastAck = acked.last();
    const seen: number[] = [];
    await eventually(async () => {
      const m = await n1.monitor();
      seen.push(m.rc);
      return m.rc === 7 ? true : undefined;
    });
    expect(seen.every((rc) => rc === 9 || rc === 7)).toBe(true);

    await recoverFailedNode1(r);
    expect(r.attr('node1', 'pgsql-status')).toBe('STOP');
    expect(existsSync(join(n1.tmpdir, 'PGSQL.lock'))).toBe(true);

    // The synchronous standby has the highest score: it is the one to promote.
    const scores = attrs(SCORE).map(Number);
    expect(scores[1]).toBeGreaterThan(Math.max(scores[0] as number, scores[2] as number));
    expect(await r.notify([n2, n3], 'pre', 'promote', { promote_uname: ['node2'] })).toEqual([0, 0]);
    const p2 = await n2.act('promote');
    expect([p2.rc, p2.exitReason]).toEqual([0, undefined]);
    expect(await r.notify([n2, n3], 'post', 'promote', { promote_uname: ['node2'] })).toEqual([0, 0]);
    r.moveVip(n2);
    expect((await n2.monitor()).rc).toBe(8);

    // Every acknowledged commit is on the new primary, without a gap.
    const [count, max] = n2.sql('select count(*), max(i) from counter').split('|').map(Number);
    expect(max).toBeGreaterThanOrEqual(lastAck);
    expect(count).toBe(max);

    // node3 follows the new timeline.
    await eventually(async () => {
      expect((await n2.monitor()).rc).toBe(8);
      return r.attr('node3', 'pgsql-data-status')?.startsWith('STREAMING|') ? true : undefined;
    }, 75_000);
    n2.sql('insert into counter values (1000000)');
    await eventually(() => (n3.sql('select count(*) from counter where i = 1000000') === '1' ? true : undefined));
    // The promoted server's timeline is in its control file once a checkpoint has run after promotion
    // (PostgreSQL requests that checkpoint and does not wait for it).
    n2.sql('checkpoint');
    expect(n3.sql('select received_tli from pg_stat_wal_receiver')).toBe(n2.sql('select timeline_id from pg_control_checkpoint()'));

    // The old primary refuses to start: it was not cleanly demoted.
    const refused = await n1.act('start');
    expect([refused.rc, refused.exitReason]).toEqual([1, lockReason(join(n1.tmpdir, 'PGSQL.lock'))]);
    expect((await n1.act('monitor')).rc).toBe(7);

    // The operator's step (README): pg_rewind from the new primary, remove the lock, start.
    const rewind = spawnAsPostgres([
      join(PGBIN, 'pg_rewind'),
      '-D',
      n1.pgdata,
      `--source-server=host=${n2.run} port=${r.port} user=postgres dbname=postgres`,
    ]);
    expect(await rewind).toBe(0);
    rmSync(join(n1.tmpdir, 'PGSQL.lock'));
    const rejoin = await n1.act('start');
    expect([rejoin.rc, rejoin.exitReason]).toEqual([0, undefined]);
    await eventually(() => (n1.sql('select count(*) from counter where i = 1000000') === '1' ? true : undefined), 60_000);
    await eventually(async () => {
      expect((await n2.monitor()).rc).toBe(8);
      return r.attr('node1', 'pgsql-data-status')?.startsWith('STREAMING|') ? true : undefined;
    }, 60_000); // a ceiling under CI load, not a timing claim
    expect((await n1.monitor()).rc).toBe(0);
  }, 360_000);

  it('a standby whose WAL is newer than the one being promoted takes itself out at pre-promote', async () => {
    rs2 = await replicaSet(3, 'sync');
    const r = rs2;
    const [n1, n2, n3] = r.nodes as [Node, Node, Node];
    await promoteNode1(r);

    // node2, the synchronous standby, stops receiving; a commit then waits for it while node3
    // receives its WAL, until the primary has sent node2 less than node3 has flushed.
    n1.sql('create table ballast (i int)');
    const receiver2 = walReceiverPid(n2);
    process.kill(receiver2, 'SIGSTOP');
    const waiting = spawnAsPostgres(
      [
        join(PGBIN, 'psql'),
        '-X',
        '-h',
        n1.run,
        '-p',
        String(r.port),
        '-d',
        'postgres',
        '-c',
        'insert into ballast select generate_series(1, 100000)',
      ],
      'ignore',
    );
    await eventually(() => (n1.sql(sentBelowFlushed('node2', 'node3')) === 't' ? true : undefined), 60_000);
    process.kill(postmasterPid(n1.pgdata) as number, 'SIGKILL');
    await waiting;
    process.kill(receiver2, 'SIGCONT');
    await eventually(async () => ((await n1.monitor()).rc === 7 ? true : undefined));

    await recoverFailedNode1(r);
    const baseline = (n: Node) => r.attr(n.name, 'pgsql-master-baseline') ?? '';
    expect(baseline(n3) > baseline(n2)).toBe(true);

    // Pacemaker asks to promote node2 (the synchronous standby): node3 cannot follow it.
    const before = r.output.length;
    expect(await r.notify([n2, n3], 'pre', 'promote', { promote_uname: ['node2'] })).toEqual([0, 1]);
    expect(r.output.slice(before).join('')).toContain(`My data is newer than new master's one. New master's location : ${baseline(n2)}`);
    expect(r.attr('node3', SCORE)).toBe('-1000000');
  }, 240_000);
});

/**
 * Recovery of the failed primary (node1), as Pacemaker orders it: the colocated IP stops, demote
 * (7: nothing runs), stop, each with its notifications to node2 and node3.
 */
async function recoverFailedNode1(r: ReplicaSet): Promise<void> {
  const [n1, n2, n3] = r.nodes as [Node, Node, Node];
  r.dropVip();
  expect(await r.notify([n2, n3], 'pre', 'demote', { demote_uname: ['node1'] })).toEqual([0, 0]);
  expect((await n1.act('demote')).rc).toBe(7);
  expect(await r.notify([n2, n3], 'post', 'demote', { demote_uname: ['node1'], promoted_uname: [] })).toEqual([0, 0]);
  expect((await n1.act('stop')).rc).toBe(0);
  expect(await r.notify([n2, n3], 'post', 'stop', { stop_uname: ['node1'], promoted_uname: [] })).toEqual([0, 0]);
}

/** The PID of a standby's WAL receiver. */
function walReceiverPid(n: Node): number {
  const pid = Number(n.sql('select pid from pg_stat_wal_receiver'));
  if (!pid) throw new Error(`${n.name} has no WAL receiver`);
  return pid;
}

/**
 * SQL for the primary: true when it has sent standby `behind` less WAL than standby `ahead` has
 * flushed, so `behind` cannot receive anything `ahead` lacks, whatever its socket still holds.
 */
function sentBelowFlushed(behind: string, ahead: string): string {
  const col = (c: string, name: string) => `(select ${c} from pg_stat_replication where application_name = '${name}')`;
  return `select ${col('sent_lsn', behind)} < ${col('flush_lsn', ahead)}`;
}

/**
 * Probes, starts, the xlog_check_count rounds, promotion of node1 and its grading of the standbys
 * (node2 synchronous, node3 asynchronous), as Pacemaker drives a promotable clone with notify=true.
 */
async function promoteNode1(r: ReplicaSet): Promise<void> {
  const [n1, n2, n3] = r.nodes as [Node, Node, Node];
  const all = r.nodes;
  const names = all.map((n) => n.name);
  const attrs = (name: string) => names.map((n) => r.attr(n, name));

  // Probes everywhere, then starts (Pacemaker: pre-start notify goes to active instances only: none yet).
  expect(await Promise.all(all.map(async (n) => (await n.act('monitor')).rc))).toEqual([7, 7, 7]);
  for (const n of all) {
    const s = await n.act('start');
    expect([n.name, s.rc, s.exitReason]).toEqual([n.name, 0, undefined]);
  }
  expect(await r.notify(all, 'post', 'start', { start_uname: names, active_uname: names })).toEqual([0, 0, 0]);
  expect(existsSync(join(n1.pgdata, 'standby.signal'))).toBe(true);
  expect(n1.sql('select pg_is_in_recovery()')).toBe('t');
  expect(attrs('pgsql-status')).toEqual(['HS:alone', 'HS:alone', 'HS:alone']);
  expect(attrs(SCORE)).toEqual(['-1000000', '-1000000', '-1000000']);

  // No primary anywhere: after xlog_check_count (3) rounds that saw the same positions, the newest
  // (all equal here) ask for promotion. node1's first round saw only its own position: 4 rounds.
  for (let round = 0; round < 3; round++) for (const n of all) expect((await n.monitor()).rc).toBe(0);
  expect(attrs(SCORE)).toEqual(['-1000000', '-1000000', '1000']);
  for (const n of all) expect((await n.monitor()).rc).toBe(0);
  expect(attrs(SCORE)).toEqual(['1000', '1000', '1000']);

  // Pacemaker promotes one (node1); the VIP follows the promoted instance.
  expect(await r.notify(all, 'pre', 'promote', { promote_uname: ['node1'], unpromoted_uname: names })).toEqual([0, 0, 0]);
  const promote = await n1.act('promote');
  expect([promote.rc, promote.exitReason]).toEqual([0, undefined]);
  expect(await r.notify(all, 'post', 'promote', { promote_uname: ['node1'] })).toEqual([0, 0, 0]);
  r.moveVip(n1);
  expect(existsSync(join(n1.tmpdir, 'PGSQL.lock'))).toBe(true);
  await r.streaming(n1); // a ceiling under CI load, not a timing claim
  expect((await n1.monitor()).rc).toBe(8);
  expect([(await n2.monitor()).rc, (await n3.monitor()).rc]).toEqual([0, 0]);

  // The primary's monitor grades the standbys: node2 becomes the synchronous one.
  await eventually(
    async () => {
      expect((await n1.monitor()).rc).toBe(8);
      return attrs('pgsql-data-status').join() === 'LATEST,STREAMING|SYNC,STREAMING|ASYNC' ? true : undefined;
    },
    60_000,
    () => `pgsql-data-status ${attrs('pgsql-data-status').join()}`,
  ); // a ceiling under CI load, not a timing claim
  expect(attrs('pgsql-status')).toEqual(['PRI', 'HS:sync', 'HS:async']);
  expect(attrs(SCORE)).toEqual(['1000', '100', '-1000000']);
  expect(n1.sql('select application_name, state, sync_state from pg_stat_replication order by 1')).toBe(
    'node2|streaming|sync\nnode3|streaming|async',
  );
  expect(n1.sql('show synchronous_standby_names')).toBe('"node2"');
}

/** Inserts i, i+1, … one statement (one commit) at a time through psql; `last()` is the last acknowledged value. */
function writeLoad(n: Node, port: number, from: number): { last(): number; done: Promise<void> } {
  const psql = spawn(
    'runuser',
    ['-u', 'postgres', '--', join(PGBIN, 'psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', n.run, '-p', String(port), '-d', 'postgres'],
    { cwd: '/', stdio: ['pipe', 'pipe', 'ignore'] },
  );
  let last = from - 1;
  let buf = '';
  psql.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^ack (\d+)$/.exec(l);
      if (m) last = Number(m[1]);
    }
  });
  psql.stdin.on('error', () => {});
  const script: string[] = [];
  for (let i = from; i < from + 200_000; i++) script.push(`insert into counter values (${i});\n\\echo ack ${i}\n`);
  psql.stdin.end(script.join(''));
  const done = new Promise<void>((resolve) => psql.on('close', () => resolve()));
  return { last: () => last, done };
}

function spawnAsPostgres(argv: string[], stderr: 'inherit' | 'ignore' = 'inherit'): Promise<number | null> {
  return new Promise((resolve) => {
    const c = spawn('runuser', ['-u', 'postgres', '--', ...argv], { cwd: '/', stdio: ['ignore', 'ignore', stderr] });
    c.on('close', (code) => resolve(code));
  });
}
