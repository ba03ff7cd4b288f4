import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processLiveness } from '@ocfkit/sdk';
import type { Account } from './account';
import { findPostmaster } from './find-postmaster';
import { type Ctx, ownerEnv, runAs } from './owner';
import { identifyPid, readLockFile, serverProcesses } from './postmaster';
import { stopPlan } from './stop-plan';

/**
 * Polls `done` every 200 ms for up to `budgetMs` (rejects when the action's deadline passes
 * first); returns its last answer.
 *
 * @example
 * const gone = await waitUntil(ctx, () => processLiveness(pid) === 'gone', 5000);
 */
export async function waitUntil(ctx: Ctx, done: () => boolean, budgetMs: number): Promise<boolean> {
  const until = Date.now() + budgetMs;
  while (!done()) {
    const left = until - Date.now();
    if (left <= 0) return false;
    await ctx.sleep(Math.min(200, left));
  }
  return true;
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * Asks for a fast or immediate shutdown through `pg_ctl stop -W`. When pg_ctl cannot do it (gone,
 * broken), sends the postmaster the same signal pg_ctl would (SIGINT fast, SIGQUIT immediate).
 */
async function pgctlStop(ctx: Ctx, acct: Account, mode: 'fast' | 'immediate', pid: number): Promise<void> {
  const p = ctx.params;
  const r = await ctx.exec(p.pgctl, ['-D', p.pgdata, '-m', mode, '-W', 'stop'], {
    ...runAs(acct),
    env: ownerEnv(ctx),
    cwd: '/',
    check: false,
  });
  const out = `${r.stdout}${r.stderr}`.trim().replace(/\s+/g, ' ');
  if (r.exitCode === 0) {
    ctx.log.info(`pg_ctl stop -m ${mode}: ${out || 'signal sent'}`);
    return;
  }
  const sig = mode === 'fast' ? 'SIGINT' : 'SIGQUIT';
  ctx.log.warn(`pg_ctl stop -m ${mode} exited ${r.exitCode ?? r.signal}: ${out}; sending ${sig} to postmaster ${pid} instead`);
  signal([pid], sig);
}

/**
 * Stops the cluster: `pg_ctl stop -m fast`, then `-m immediate` once stop_escalate (capped, see
 * {@link stopPlan}) has passed, then — just before the deadline — SIGKILL of a postmaster that
 * still ignores both (a stopped or wedged process). Server processes left behind by a dead
 * postmaster get SIGQUIT (PostgreSQL's immediate-exit signal), then SIGKILL. Ends by removing a
 * stale postmaster.pid. A SIGKILL is a crash from PostgreSQL's point of view (WAL replay on the
 * next start), exactly what immediate mode already implies, and far less than the node fencing a
 * failed stop would cause. `escalateS` replaces stop_escalate (a standby: stop_escalate_in_slave).
 *
 * @example
 * await shutdown(ctx, acct);
 */
export async function shutdown(ctx: Ctx, acct: Account, escalateS: number = ctx.params.stop_escalate): Promise<void> {
  const p = ctx.params;
  const plan = stopPlan({ stopEscalateS: escalateS, timeoutMs: ctx.meta.timeoutMs, remainingMs: ctx.remainingMs() });
  const pm = await findPostmaster(ctx, acct);
  const lock = readLockFile(join(p.pgdata, 'postmaster.pid'));
  // Until it is verifiably gone, a postmaster we could not identify counts as running.
  const alive = () => pm.kind !== 'gone' && lock?.pid === pm.pid && identifyPid(lock, p.pgdata, acct.uid).kind !== 'gone';
  const untilKill = () => ctx.remainingMs() - plan.killAtRemainingMs;

  if (pm.kind !== 'gone' && alive()) {
    const { pid } = pm;
    if (pm.kind === 'unsure') ctx.log.warn(`${pm.why}; stopping it as the postmaster (it holds postmaster.pid)`);
    if (plan.fastMs > 0) {
      await pgctlStop(ctx, acct, 'fast', pid);
      await waitUntil(ctx, () => !alive(), Math.min(plan.fastMs, untilKill()));
    }
    if (alive()) {
      ctx.log.info(`PostgreSQL did not stop within ${Math.round(plan.fastMs / 1000)}s of a fast shutdown; trying -m immediate`);
      await pgctlStop(ctx, acct, 'immediate', pid);
      await waitUntil(ctx, () => !alive(), untilKill());
    }
    if (alive()) {
      ctx.log.warn(`postmaster ${pid} ignored fast and immediate shutdown; sending SIGKILL`);
      signal([pid], 'SIGKILL');
      // Until its parent reaps it, the dead postmaster still "exists" for kill(pid, 0), and the
      // next postmaster would refuse the socket lock file naming it.
      await waitUntil(ctx, () => processLiveness(pid) === 'gone', Math.max(0, Math.min(3000, ctx.remainingMs() - 600)));
    }
  }

  const orphans = () => serverProcesses(p.pgdata, acct.uid);
  const left = orphans();
  if (left.length > 0) {
    ctx.log.warn(`server processes ${left.join(' ')} outlived the postmaster; sending SIGQUIT`);
    signal(left, 'SIGQUIT');
    if (!(await waitUntil(ctx, () => orphans().length === 0, Math.max(0, Math.min(2000, untilKill()))))) {
      const stuck = orphans();
      ctx.log.warn(`server processes ${stuck.join(' ')} ignored SIGQUIT; sending SIGKILL`);
      signal(stuck, 'SIGKILL');
      await waitUntil(ctx, () => orphans().length === 0, Math.min(1000, ctx.remainingMs()));
    }
  }

  // The lock file goes only when its process is verifiably gone and nothing of the server is left.
  const pidfile = join(p.pgdata, 'postmaster.pid');
  if (existsSync(pidfile) && (await findPostmaster(ctx, acct)).kind === 'gone' && orphans().length === 0) {
    rmSync(pidfile, { force: true });
    ctx.log.info(`removed stale ${pidfile}`);
  }
}
