/**
 * pgsql — PostgreSQL under Pacemaker; a drop-in for ocf:heartbeat:pgsql in standalone mode.
 *
 * Manages: one PostgreSQL cluster (a data directory) started with pg_ctl as its owner (`pgdba`).
 * "Running" means the postmaster recorded in `<pgdata>/postmaster.pid` is a live server process
 * of `pgdba` for pgdata AND `monitor_sql` succeeds through psql. An unreadable /proc entry (no
 * CAP_SYS_PTRACE, Docker's default) never means "not running": postmaster.ts lists what
 * identifies the postmaster instead. A dead postmaster whose server processes still run is "failed" (1); a dead postmaster with nothing left is "stopped" (7), as in the
 * heartbeat agent.
 * Binaries needed: pg_ctl and psql (Debian: /usr/lib/postgresql/<major>/bin/), runuser, getent; setpriv when present (the checks).
 * Clones: with rep_mode=async|sync a promotable clone of streaming-replicated servers
 * (replication.ts; PostgreSQL 12+, pg_controldata too): unpromoted = hot standby, promoted =
 * primary. Parameters keep the heartbeat names and defaults.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineAgent, fail, failed, OCF, OcfError, type State } from '@ocfkit/sdk';
import { type Account, lookupAccount } from './account';
import { confParam } from './conf';
import { findPostmaster } from './find-postmaster';
import { type Ctx, execAsOwner, owner, ownerEnv, runAs, writableBy } from './owner';
import { params } from './params';
import { readLockFile, serverProcesses, shmAttached } from './postmaster';
import { psqlArgs, psqlEnv, psqlFailure } from './psql';
import { nodeList, promotable, type Rep, repContext, replicating } from './rep-node';
import { repDemote, repMonitor, repNotify, repPromote, repStart, repStop, repStopped, serverRole } from './replication';
import { shutdown } from './shutdown';
import { configFile, startServer } from './startup';

/** Runs monitor_sql as the owner; undefined on success, else why it failed (password-free). */
async function monitorQuery(ctx: Ctx, acct: Account): Promise<string | undefined> {
  const p = ctx.params;
  const secret = p.monitor_password;
  const r = await execAsOwner(ctx, acct, p.psql, psqlArgs(p, p.monitor_sql), {
    env: { ...ownerEnv(ctx), ...psqlEnv(p) },
    cwd: '/',
    check: false,
    redact: secret ? [secret] : [],
    timeoutMs: Math.max(1000, ctx.remainingMs() - 500),
  });
  if (r.exitCode === 0) return undefined;
  const why = r.timedOut ? `psql gave no answer within ${Math.round(r.durationMs / 1000)}s` : psqlFailure(r.exitCode, r.stderr, r.signal);
  return secret ? why.split(secret).join('***') : why;
}

/** What the server answers: the monitor query (standalone), or its replication role and then monitor_sql when not the default. */
async function answer(ctx: Ctx, acct: Account, rep: Rep | undefined): Promise<{ error?: string; state: State }> {
  if (!rep) {
    const error = await monitorQuery(ctx, acct);
    return error === undefined ? { state: 'running' } : { error, state: 'running' };
  }
  const role = await serverRole(ctx, acct);
  if ('error' in role) return { error: `can't get the recovery status: ${role.error}`, state: 'running' };
  if (ctx.params.monitor_sql !== params.monitor_sql.default) {
    const error = await monitorQuery(ctx, acct);
    if (error !== undefined) return { error, state: role.primary ? 'promoted' : 'running' };
  }
  if (ctx.action === 'monitor') return { state: await repMonitor(ctx, acct, rep, role) };
  return { state: role.primary ? 'promoted' : 'running' };
}

async function status(ctx: Ctx): Promise<State> {
  const acct = await owner(ctx);
  const { pgdata } = ctx.params;
  const rep = replicating(ctx.params) ? await repContext(ctx) : undefined;
  // In replication mode the lock marks a primary that has not shut down cleanly: a failure is a promoted one (9).
  const asPrimary = rep !== undefined && existsSync(rep.paths.lock);
  const pm = await findPostmaster(ctx, acct);
  if (pm.kind === 'gone') {
    const left = serverProcesses(pgdata, acct.uid);
    if (left.length > 0) return failed(`${pm.why}, yet server processes ${left.join(' ')} still run in ${pgdata}`, { promoted: asPrimary });
    const lock = pm.pid === undefined ? undefined : readLockFile(join(pgdata, 'postmaster.pid'));
    const attached = lock ? shmAttached(lock, acct.uid) : undefined;
    if (attached) return failed(`${pm.why}, yet ${attached} processes are still attached to its shared memory`, { promoted: asPrimary });
    // The SDK runs a stop's handler only when something runs: every stop ends here, so publish STOP here.
    if (rep && ctx.action === 'stop') await repStopped(ctx, rep);
    return 'stopped';
  }
  // A stop only needs "gone or not": querying a hung server would eat the stop's time budget.
  if (ctx.action === 'stop') return 'running';
  const { error, state } = await answer(ctx, acct, rep);
  const promoted = state === 'promoted' || asPrimary;
  if (pm.kind === 'unsure') {
    // Never "not running" for a live process we cannot identify: heartbeat's and PostgreSQL's own
    // rule (the pid in postmaster.pid answers kill -0) decides, and the query says the rest.
    if (error === undefined) {
      ctx.log.warn(`${pm.why}; taking it for the postmaster (it holds postmaster.pid, and the server answers)`);
      return state;
    }
    return failed(`${pm.why}; PostgreSQL ${ctx.params.pgdb} isn't answering: ${error}`, { promoted });
  }
  return error === undefined ? state : failed(`PostgreSQL ${ctx.params.pgdb} isn't answering: ${error}`, { promoted });
}

function readConfig(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** ocf:heartbeat:pgsql's validate-all for rep_mode=none, in its order. */
async function check(ctx: Ctx): Promise<void> {
  const p = ctx.params;
  const probe = ctx.meta.probe;
  for (const bin of [p.pgctl, p.psql]) if (!ctx.haveBinary(bin)) fail.installed(`Setup problem: couldn't find command: ${bin}`);
  const config = configFile(p);
  const text = readConfig(config);
  if (text === undefined && !probe) fail.installed(`Configuration file ${config} doesn't exist`);
  const sockets = text === undefined ? undefined : confParam(text, 'unix_socket_directories');
  if (sockets && !p.socketdir) {
    fail.configured(`socketdir can't be empty when ${config} sets unix_socket_directories`);
  }
  const acct = await lookupAccount(ctx, p.pgdba);
  if (!acct) return fail.installed(`User ${p.pgdba} doesn't exist`);
  // A start checks its log file and socket directory next (startup.ts): all in one `test` when they exist.
  const alsoCheck = ctx.action === 'start' ? [p.logfile, ...(p.socketdir ? [p.socketdir] : [])] : [];
  if (!probe && !(await writableBy(ctx, acct, p.pgdata, alsoCheck))) fail.perm(`Directory ${p.pgdata} is not writable by ${p.pgdba}`);
  if (p.monitor_user && !p.monitor_password) fail.configured("monitor password can't be empty");
  if (!p.monitor_user && p.monitor_password) fail.configured('monitor_user has to be set if monitor_password is set');
  if (p.rep_mode === 'slave') fail.configured('rep_mode=slave is not supported: use async or sync in a promotable clone');
  if (p.rep_mode !== 'none' && !replicating(p)) fail.configured(`Invalid rep_mode : ${p.rep_mode} (none, async or sync)`);
  if (replicating(p)) {
    const major = Number.parseInt(readText(join(p.pgdata, 'PG_VERSION')) ?? '', 10);
    if (!probe && !(major >= 12))
      fail.installed(`rep_mode=${p.rep_mode} needs PostgreSQL 12 or later (${p.pgdata}/PG_VERSION: ${major || 'unreadable'})`);
    if (!p.master_ip) fail.configured("master_ip can't be empty.");
    if (!promotable(ctx)) fail.configured(`Replication (rep_mode=${p.rep_mode}) requires a promotable clone`);
    if (nodeList(p.node_list).length === 0) fail.configured("node_list can't be empty.");
  }
  runAs(acct); // only root or pgdba can manage the cluster
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Replication actions without rep_mode: heartbeat's 6. */
function notReplicating(): never {
  return fail.configured('Not in a replication mode.');
}

export default defineAgent({
  name: 'pgsql',
  version: '1.0.0',
  shortdesc: 'Manages a PostgreSQL database instance',
  longdesc:
    'Starts, stops and monitors one PostgreSQL cluster with pg_ctl and psql, run as the cluster owner. Drop-in for ocf:heartbeat:pgsql: same parameter names and defaults. With rep_mode=async or sync (PostgreSQL 12+) a promotable clone of streaming-replicated servers: unpromoted is a hot standby, promoted the primary. On Debian set pgctl and psql to /usr/lib/postgresql/<major>/bin/.',
  metadata: 'portable',
  params,
  status,
  async validate(ctx) {
    try {
      await check(ctx);
    } catch (err) {
      // heartbeat answers every monitor with 7 when validation fails (the SDK already does so for probes).
      if (err instanceof OcfError && ctx.action === 'monitor') throw new OcfError(OCF.NOT_RUNNING, err.message);
      throw err;
    }
  },
  actions: {
    async start(ctx) {
      const acct = await owner(ctx);
      if (replicating(ctx.params)) await repStart(ctx, acct, await repContext(ctx));
      else await startServer(ctx, acct);
    },
    async stop(ctx) {
      const acct = await owner(ctx);
      if (replicating(ctx.params)) await repStop(ctx, acct, await repContext(ctx));
      else await shutdown(ctx, acct);
    },
    async promote(ctx) {
      if (!replicating(ctx.params)) notReplicating();
      await repPromote(ctx, await owner(ctx), await repContext(ctx));
    },
    async demote(ctx) {
      if (!replicating(ctx.params)) notReplicating();
      await repDemote(ctx, await owner(ctx), await repContext(ctx));
    },
    async notify(ctx) {
      if (replicating(ctx.params)) await repNotify(ctx, await owner(ctx), await repContext(ctx));
      return OCF.SUCCESS;
    },
  },
  timing: {
    start: { timeout: '120s' },
    stop: { timeout: '120s' },
    promote: { timeout: '120s' },
    demote: { timeout: '120s' },
    monitor: [
      { timeout: '30s', interval: '30s', depth: 0 },
      { timeout: '30s', interval: '29s', depth: 0, role: 'Promoted' },
    ],
    notify: { timeout: '90s' },
    'validate-all': { timeout: '5s' },
    'meta-data': { timeout: '5s' },
  },
});
