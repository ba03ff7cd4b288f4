/**
 * pgsql — PostgreSQL under Pacemaker; a drop-in for ocf:heartbeat:pgsql in standalone mode.
 *
 * Manages: one PostgreSQL cluster (a data directory) started with pg_ctl as its owner (`pgdba`).
 * "Running" means the postmaster recorded in `<pgdata>/postmaster.pid` is a live server process
 * of `pgdba` for pgdata AND `monitor_sql` succeeds through psql. An unreadable /proc entry (no
 * CAP_SYS_PTRACE, Docker's default) never means "not running": postmaster.ts lists what
 * identifies the postmaster instead. A dead postmaster whose server processes still run is "failed" (1); a dead postmaster with nothing left is "stopped" (7), as in the
 * heartbeat agent.
 * Binaries needed: pg_ctl and psql (Debian: /usr/lib/postgresql/<major>/bin/), runuser, getent.
 * Clones: not supported yet (replication as a promotable clone comes later; `rep_mode` other
 * than `none` is refused with 6). Parameters keep the heartbeat names and defaults.
 */

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineAgent, fail, failed, OCF, OcfError, type State } from '@ocfkit/sdk';
import { type Account, lookupAccount } from './account';
import { confParam } from './conf';
import { findPostmaster } from './find-postmaster';
import { type Ctx, owner, ownerEnv, runAs, writableBy } from './owner';
import { params } from './params';
import { readLockFile, serverProcesses, shmAttached } from './postmaster';
import { psqlArgs, psqlEnv, psqlFailure } from './psql';
import { shutdown } from './shutdown';
import { configFile, startServer } from './startup';

/** Runs monitor_sql as the owner; undefined on success, else why it failed (password-free). */
async function monitorQuery(ctx: Ctx, acct: Account): Promise<string | undefined> {
  const p = ctx.params;
  const secret = p.monitor_password;
  const r = await ctx.exec(p.psql, psqlArgs(p, p.monitor_sql), {
    ...runAs(acct),
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

async function status(ctx: Ctx): Promise<State> {
  const acct = await owner(ctx);
  const { pgdata } = ctx.params;
  const pm = await findPostmaster(ctx, acct);
  if (pm.kind === 'gone') {
    const left = serverProcesses(pgdata, acct.uid);
    if (left.length > 0) return failed(`${pm.why}, yet server processes ${left.join(' ')} still run in ${pgdata}`);
    const lock = pm.pid === undefined ? undefined : readLockFile(join(pgdata, 'postmaster.pid'));
    const attached = lock ? shmAttached(lock, acct.uid) : undefined;
    if (attached) return failed(`${pm.why}, yet ${attached} processes are still attached to its shared memory`);
    return 'stopped';
  }
  // A stop only needs "gone or not": querying a hung server would eat the stop's time budget.
  if (ctx.action === 'stop') return 'running';
  const error = await monitorQuery(ctx, acct);
  if (pm.kind === 'unsure') {
    // Never "not running" for a live process we cannot identify: heartbeat's and PostgreSQL's own
    // rule (the pid in postmaster.pid answers kill -0) decides, and the query says the rest.
    if (error === undefined) {
      ctx.log.warn(`${pm.why}; taking it for the postmaster (it holds postmaster.pid, and the server answers)`);
      return 'running';
    }
    return failed(`${pm.why}; PostgreSQL ${ctx.params.pgdb} isn't answering: ${error}`);
  }
  return error === undefined ? 'running' : failed(`PostgreSQL ${ctx.params.pgdb} isn't answering: ${error}`);
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
  if (!probe && !(await writableBy(ctx, acct, p.pgdata))) fail.perm(`Directory ${p.pgdata} is not writable by ${p.pgdba}`);
  if (p.monitor_user && !p.monitor_password) fail.configured("monitor password can't be empty");
  if (!p.monitor_user && p.monitor_password) fail.configured('monitor_user has to be set if monitor_password is set');
  if (p.rep_mode !== 'none') fail.configured(`rep_mode=${p.rep_mode} is not supported yet; only none (standalone)`);
  runAs(acct); // only root or pgdba can manage the cluster
}

export default defineAgent({
  name: 'pgsql',
  version: '1.0.0',
  shortdesc: 'Manages a PostgreSQL database instance',
  longdesc:
    'Starts, stops and monitors one PostgreSQL cluster with pg_ctl and psql, run as the cluster owner. Drop-in for ocf:heartbeat:pgsql without replication: same parameter names and defaults. On Debian set pgctl and psql to /usr/lib/postgresql/<major>/bin/.',
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
      await startServer(ctx, await owner(ctx));
    },
    async stop(ctx) {
      await shutdown(ctx, await owner(ctx));
    },
    notify() {
      return OCF.SUCCESS;
    },
  },
  timing: {
    start: { timeout: '120s' },
    stop: { timeout: '120s' },
    monitor: { timeout: '30s', interval: '30s', depth: 0 },
    notify: { timeout: '90s' },
    'validate-all': { timeout: '5s' },
    'meta-data': { timeout: '5s' },
  },
});
