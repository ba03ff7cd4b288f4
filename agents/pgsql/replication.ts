/**
 * rep_mode async/sync: PostgreSQL streaming replication as a promotable clone, heartbeat pgsql's
 * state machine on PostgreSQL 12+. A start always makes a hot standby; promote turns the one
 * Pacemaker picked (the highest promotion score) into the primary; demote shuts the primary down
 * and, when it shut down cleanly, starts it again as a standby. The primary grades the standbys
 * in every monitor; standbys compare WAL positions when no primary exists. `<tmpdir>/PGSQL.lock`
 * marks a node that was primary and not cleanly shut down: it refuses to start until an operator
 * removes the lock.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { degraded, fail, type State } from '@ocfkit/sdk';
import type { Account } from './account';
import { newestLsn } from './lsn';
import { type Ctx, ownerEnv, runAs } from './owner';
import { repModeConf, slotName, syncNodeOf } from './rep-files';
import { grade, mayClaim, SCORE, type XlogNote, xlogRound } from './rep-grade';
import { promoteRefusal } from './rep-guard';
import { deleteAttr, forgetAttrs, primaryNode, type Rep, readAttr, setAttr, setScore } from './rep-node';
import { prepareStandby, readText, writeOwned } from './rep-prepare';
import { clusterState, ownerSql, type ServerRole, serverRole } from './rep-sql';
import { banFromNode } from './self-ban';
import { shutdown } from './shutdown';
import { startServer } from './startup';
import { walTimeline } from './wal-timeline';

/** The exit reason of a start refused by the lock. */
export function lockReason(lock: string): string {
  return `former primary not cleanly demoted (${lock}): pg_rewind it (README), then remove the lock`;
}

async function pgctl(ctx: Ctx, acct: Account, args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await ctx.exec(ctx.params.pgctl, ['-D', ctx.params.pgdata, ...args], {
    ...runAs(acct),
    env: ownerEnv(ctx),
    cwd: '/',
    check: false,
  });
  return { ok: r.exitCode === 0, out: `${r.stderr}\n${r.stdout}`.replace(/\s+/g, ' ').trim() };
}

/** This server's newest WAL position as a sortable key (primary: current; standby: received or replayed). */
async function myLocation(ctx: Ctx, acct: Account): Promise<string | undefined> {
  const role = await serverRole(ctx, acct);
  if ('error' in role) {
    ctx.log.warn(`can't get my WAL location: ${role.error}`);
    return undefined;
  }
  return newestLsn(role.written, role.replayed);
}

/** Publishes `<rsc>-timeline`: the latest timeline this node's WAL knows. */
async function publishTimeline(ctx: Ctx, rep: Rep): Promise<number | undefined> {
  const tli = walTimeline(ctx.params.pgdata);
  if (tli !== undefined) await setAttr(ctx, rep, rep.attr.timeline, String(tli));
  return tli;
}

/** A node attribute as a timeline number; undefined when unset or not a number. */
async function timelineOf(rep: Rep, node: string): Promise<number | undefined> {
  const n = Number.parseInt((await readAttr(rep, rep.attr.timeline, node)) ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Why this node must not be promoted (rep-guard.ts's rules on what the nodes published); undefined: it may. */
async function refusePromotion(ctx: Ctx, acct: Account, rep: Rep): Promise<string | undefined> {
  const others = [];
  for (const node of rep.nodes) {
    if (node === rep.me) continue;
    others.push({ node, timeline: await timelineOf(rep, node), loc: await readAttr(rep, rep.attr.xlogLoc, node) });
  }
  return promoteRefusal({
    me: rep.me,
    mode: rep.mode,
    rsc: rep.rsc,
    dataStatus: await readAttr(rep, rep.attr.dataStatus, rep.me),
    timeline: walTimeline(ctx.params.pgdata),
    loc: await myLocation(ctx, acct),
    others,
  });
}

/** start: the node's attributes reset, the lock checked, then a hot standby. */
export async function repStart(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  await setAttr(ctx, rep, rep.attr.status, 'STOP');
  await deleteAttr(rep, rep.attr.baseline);
  await deleteAttr(rep, rep.attr.xlogLoc);
  await setScore(ctx, rep, SCORE.cannot);
  if (existsSync(rep.paths.lock)) fail.generic(lockReason(rep.paths.lock));
  prepareStandby(ctx, acct, rep);
  rmSync(rep.paths.xlogNote, { force: true });
  await startServer(ctx, acct, { config: rep.paths.wrapper });
  const names = await ownerSql(ctx, acct, 'show synchronous_standby_names');
  if ('rows' in names && (names.rows[0]?.[0] ?? '') !== '') {
    fail.configured(
      `synchronous_standby_names is set (${names.rows[0]?.[0]}); with rep_mode the agent manages it: remove it from the configuration`,
    );
  }
  await publishTimeline(ctx, rep);
  await setAttr(ctx, rep, rep.attr.status, 'HS:alone');
}

/** A clean primary shutdown ("shut down" in pg_control) lifts the lock; anything else keeps it. */
async function releaseLockIfClean(ctx: Ctx, acct: Account, rep: Rep): Promise<string | undefined> {
  const state = await clusterState(ctx, acct);
  if (state === 'shut down' && existsSync(rep.paths.lock)) {
    rmSync(rep.paths.lock, { force: true });
    ctx.log.info(`removed ${rep.paths.lock}: PostgreSQL shut down cleanly as primary`);
  }
  return state;
}

/** stop of a running server (the SDK skips stop when already stopped; {@link repStopped} covers both). */
export async function repStop(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  await setScore(ctx, rep, SCORE.cannot);
  await deleteAttr(rep, rep.attr.xlogLoc);
  const wasPrimary = existsSync(rep.paths.lock);
  await shutdown(ctx, acct, wasPrimary ? ctx.params.stop_escalate : ctx.params.stop_escalate_in_slave);
  if (wasPrimary) await releaseLockIfClean(ctx, acct, rep);
  if (rep.mode === 'sync' && existsSync(rep.paths.repMode)) writeOwned(rep.paths.repMode, repModeConf(undefined), acct);
  await deleteAttr(rep, rep.attr.baseline);
}

/** What every stop that ends stopped publishes: status STOP, no promotion. */
export async function repStopped(ctx: Ctx, rep: Rep): Promise<void> {
  await setScore(ctx, rep, SCORE.cannot);
  await setAttr(ctx, rep, rep.attr.status, 'STOP');
}

/** promote: the others marked DISCONNECT, the lock taken, `pg_ctl promote` (or a restart). */
export async function repPromote(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  const p = ctx.params;
  const refusal = await refusePromotion(ctx, acct, rep);
  if (refusal) {
    // Pacemaker then picks another node: this one no longer asks for promotion.
    await setScore(ctx, rep, SCORE.cannot);
    ctx.log.error(`refusing to promote: ${refusal}`);
    fail.generic(refusal);
  }
  for (const node of rep.nodes) {
    if (node === rep.me) continue;
    await setAttr(ctx, rep, rep.attr.dataStatus, 'DISCONNECT', node);
    await setScore(ctx, rep, SCORE.cannot, node);
  }
  ctx.log.info(`Creating ${rep.paths.lock}`);
  writeOwned(rep.paths.lock, `${rep.me}\n`, acct);
  const baseline = await myLocation(ctx, acct);
  if (baseline) await setAttr(ctx, rep, rep.attr.baseline, baseline);
  rmSync(rep.paths.xlogNote, { force: true });
  if (p.restart_on_promote) {
    ctx.log.info('Restarting PostgreSQL instead of promote');
    await shutdown(ctx, acct, p.stop_escalate_in_slave);
    rmSync(join(p.pgdata, 'standby.signal'), { force: true });
    await startServer(ctx, acct, { config: rep.paths.wrapper });
  } else {
    const waitS = Math.max(1, Math.floor((ctx.remainingMs() - 1000) / 1000));
    const r = await pgctl(ctx, acct, ['-w', '-t', String(waitS), 'promote']);
    if (!r.ok) fail.generic(`Can't promote PostgreSQL: ${r.out}`);
    ctx.log.info(`pg_ctl promote: ${r.out}`);
  }
  if (p.replication_slot_name) await createSlots(ctx, acct, rep);
  await setAttr(ctx, rep, rep.attr.dataStatus, 'LATEST');
  await setScore(ctx, rep, SCORE.promoteMe);
  await publishTimeline(ctx, rep);
  await setAttr(ctx, rep, rep.attr.status, 'PRI');
}

async function createSlots(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  for (const node of rep.nodes) {
    if (node === rep.me) continue;
    const slot = slotName(ctx.params.replication_slot_name, node);
    // slot names are [a-z0-9_] only (validated), so they are safe inside the SQL literal
    const r = await ownerSql(
      ctx,
      acct,
      `select pg_drop_replication_slot('${slot}') from pg_replication_slots where slot_name = '${slot}'; select pg_create_physical_replication_slot('${slot}');`,
    );
    if ('error' in r) fail.generic(`PostgreSQL can't create replication slot ${slot}: ${r.error}`);
    ctx.log.info(`created replication slot ${slot}`);
  }
}

/** demote: a clean shutdown lifts the lock and the server comes back as a standby; an unclean one keeps the lock and fails. */
export async function repDemote(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  await setScore(ctx, rep, SCORE.cannot);
  await deleteAttr(rep, rep.attr.baseline);
  ctx.log.info('Stopping PostgreSQL on demote');
  await shutdown(ctx, acct, ctx.params.stop_escalate);
  const state = await releaseLockIfClean(ctx, acct, rep);
  if (existsSync(rep.paths.lock)) {
    await setAttr(ctx, rep, rep.attr.status, 'STOP');
    fail.generic(`PostgreSQL did not shut down cleanly on demote (cluster state: ${state ?? 'unknown'}); ${rep.paths.lock} kept`);
  }
  prepareStandby(ctx, acct, rep);
  await startServer(ctx, acct, { config: rep.paths.wrapper });
  await setAttr(ctx, rep, rep.attr.status, 'HS:alone');
}

/** The primary's monitor: itself LATEST/PRI/1000, every other node graded from pg_stat_replication. */
async function controlStandbys(ctx: Ctx, acct: Account, rep: Rep, again = true): Promise<string | undefined> {
  const r = await ownerSql(ctx, acct, 'select application_name, upper(state), upper(sync_state) from pg_stat_replication');
  if ('error' in r) return `Can't get PostgreSQL replication status: ${r.error}`;
  const rows = r.rows.map(([name = '', state = '', syncState = '']) => ({ name: name.toLowerCase(), state, syncState }));
  const current = syncNodeOf(readText(rep.paths.repMode));
  const g = grade({ nodes: rep.nodes, me: rep.me, mode: rep.mode, rows, syncNode: current });
  for (const x of g.grades) {
    await setAttr(ctx, rep, rep.attr.dataStatus, x.dataStatus, x.node);
    await setScore(ctx, rep, x.score, x.node);
    if (x.status) {
      // A node that says it is stopped (or unknown) keeps saying so: its own agent knows better.
      const now = await readAttr(rep, rep.attr.status, x.node);
      if (now === 'STOP' || now === 'UNKNOWN')
        ctx.log.warn(`Changing ${rep.attr.status} on ${x.node} : ${now}->${x.status} by ${rep.me} is prohibited`);
      else await setAttr(ctx, rep, rep.attr.status, x.status, x.node);
    }
  }
  if (g.syncNode !== undefined) {
    ctx.log.info(g.syncNode ? `Setup ${g.syncNode} into sync mode` : `Setup ${current} into async mode`);
    writeOwned(rep.paths.repMode, repModeConf(g.syncNode ?? undefined), acct);
    const reload = await pgctl(ctx, acct, ['reload']);
    if (!reload.ok) return `Can't reload configuration file: ${reload.out}`;
    if (g.syncNode && again) {
      await ctx.sleep(Math.min(1000, ctx.remainingMs() / 4));
      forgetAttrs(rep);
      return controlStandbys(ctx, acct, rep, false);
    }
  }
  return undefined;
}

function readNote(path: string): XlogNote | undefined {
  try {
    const n = JSON.parse(readText(path) ?? '') as XlogNote;
    return typeof n.count === 'number' && typeof n.round === 'object' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** heartbeat's have_master_right: with no primary, the standby with the newest WAL (stable for xlog_check_count rounds) asks for promotion. */
async function claimIfNewest(ctx: Ctx, acct: Account, rep: Rep, role: ServerRole): Promise<void> {
  const ds = await readAttr(rep, rep.attr.dataStatus, rep.me);
  if (!mayClaim(rep.mode, ds)) {
    ctx.log.warn(`My data is out-of-date. status=${ds}`);
    return;
  }
  const loc = newestLsn(role.written, role.replayed);
  if (!loc) return;
  await setAttr(ctx, rep, rep.attr.xlogLoc, loc);
  const round: Record<string, string> = {};
  for (const node of rep.nodes) {
    const v = await readAttr(rep, rep.attr.xlogLoc, node);
    if (v !== undefined) round[node] = v;
  }
  const { note, verdict } = xlogRound(readNote(rep.paths.xlogNote), round, rep.me, ctx.params.xlog_check_count);
  if (verdict === 'newest') {
    ctx.log.info(`I have the newest WAL (${loc}) of ${Object.keys(round).join(' ')}: asking for promotion`);
    await setScore(ctx, rep, SCORE.promoteMe);
  } else if (verdict === 'behind') {
    ctx.log.info(`I don't have the newest data (${loc} of ${JSON.stringify(round)})`);
    await setAttr(ctx, rep, rep.attr.dataStatus, 'DISCONNECT');
    note.count = 0;
  }
  writeOwned(rep.paths.xlogNote, JSON.stringify(note), acct);
}

/**
 * The monitor's replication bookkeeping, after the role is known: the primary grades the standbys;
 * a standby says HS:alone when it lost its primary and, with no primary, runs the WAL comparison.
 * Returns the state to report (a standby not streaming while a primary exists is degraded with
 * check_wal_receiver).
 */
export async function repMonitor(ctx: Ctx, acct: Account, rep: Rep, role: ServerRole): Promise<State> {
  const p = ctx.params;
  const mine = await publishTimeline(ctx, rep);
  if (role.primary) {
    await setAttr(ctx, rep, rep.attr.dataStatus, 'LATEST');
    await setAttr(ctx, rep, rep.attr.status, 'PRI');
    await setScore(ctx, rep, SCORE.promoteMe);
    if (p.check_wal_receiver) await setAttr(ctx, rep, rep.attr.receiver, 'normal (master)');
    const problem = await controlStandbys(ctx, acct, rep);
    return problem ? { state: 'failed', reason: problem, promoted: true } : 'promoted';
  }
  if (ctx.meta.probe) await setScore(ctx, rep, SCORE.cannot);
  const primary = await primaryNode(rep);
  if (primary) {
    if ((await readAttr(rep, rep.attr.dataStatus, rep.me)) === 'DISCONNECT') await setAttr(ctx, rep, rep.attr.status, 'HS:alone');
  } else {
    await setAttr(ctx, rep, rep.attr.status, 'HS:alone');
    await claimIfNewest(ctx, acct, rep, role);
  }
  if (p.check_wal_receiver) {
    const streaming = role.receiver === 'streaming';
    await setAttr(ctx, rep, rep.attr.receiver, streaming ? 'normal' : 'ERROR');
    if (!streaming && primary) return degraded(await notStreaming(rep, role, primary, mine, p.master_ip));
  }
  return 'running';
}

/** The monitor's reason for a standby that does not stream while `primary` runs: a newer timeline there, or the positions. */
async function notStreaming(rep: Rep, role: ServerRole, primary: string, mine: number | undefined, masterIp: string): Promise<string> {
  const receiver = role.receiver || 'down';
  const theirs = await timelineOf(rep, primary);
  if (theirs !== undefined && mine !== undefined && theirs > mine)
    return `not following ${primary}: it is on timeline ${theirs}, my WAL on ${mine} (WAL receiver ${receiver}); if it stays so, pg_rewind me (README)`;
  return `WAL receiver ${receiver}: not streaming from ${primary} at ${masterIp} (timeline ${mine ?? '?'}, replayed ${role.replayed || '-'})`;
}

/**
 * heartbeat's pre-promote self-ban: a standby whose data is newer than the node being promoted
 * cannot follow it (its WAL has records the new timeline lacks), so it takes itself out: no
 * promotion score, and under Pacemaker a ban of the clone from this node (self-ban.ts; the
 * bundled engine has no ban an agent can reach: there the failed notify and the score do it).
 */
async function banMyself(ctx: Ctx, rep: Rep): Promise<void> {
  await setScore(ctx, rep, SCORE.cannot);
  if (rep.attrs.backend !== 'pacemaker') return;
  ctx.log.warn(await banFromNode(ctx, rep.rsc, rep.me));
}

/** notify: heartbeat's pre-promote check (sync, 3+ nodes), post-promote/-demote bookkeeping, re-grading on post-start/-stop. */
export async function repNotify(ctx: Ctx, acct: Account, rep: Rep): Promise<void> {
  const n = ctx.meta.notify;
  if (!n) return;
  const first = (list: string) => n.lists[list]?.[0]?.toLowerCase();
  const promoted = [...(n.lists.promoted_uname ?? []), ...(n.lists.master_uname ?? [])].map((x) => x.toLowerCase());
  ctx.log.debug(`notify: ${n.type} for ${n.operation}`);
  if (n.type === 'pre' && n.operation === 'promote') {
    const target = first('promote_uname');
    if (rep.mode === 'sync' && rep.nodes.length >= 3 && target && target !== rep.me) {
      const theirs = await readAttr(rep, rep.attr.baseline, target);
      const mine = await readAttr(rep, rep.attr.baseline, rep.me);
      if (theirs !== undefined && mine !== undefined && mine > theirs) {
        await banMyself(ctx, rep);
        fail.generic(`My data is newer than new master's one. New master's location : ${theirs}`);
      }
    }
  } else if (n.type === 'post' && n.operation === 'promote') {
    await deleteAttr(rep, rep.attr.xlogLoc);
    rmSync(rep.paths.xlogNote, { force: true });
    if (first('promote_uname') !== rep.me) await deleteAttr(rep, rep.attr.baseline);
  } else if (n.type === 'post' && n.operation === 'demote') {
    if (first('demote_uname') !== rep.me && !promoted.includes(rep.me)) {
      const loc = await myLocation(ctx, acct);
      if (loc) await setAttr(ctx, rep, rep.attr.baseline, loc);
      await setAttr(ctx, rep, rep.attr.status, 'HS:alone');
    }
  } else if (n.type === 'post' && (n.operation === 'start' || n.operation === 'stop')) {
    if (promoted[0] === rep.me) {
      const problem = await controlStandbys(ctx, acct, rep);
      if (problem) ctx.log.warn(problem);
    }
  }
}

export { serverRole };
