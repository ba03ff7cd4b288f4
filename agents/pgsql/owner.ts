import { accessSync, constants, existsSync } from 'node:fs';
import { type AgentContext, type ExecOptions, type ExecResult, fail, findExecutable } from '@ocfkit/sdk';
import { type Account, lookupAccount } from './account';
import type { params } from './params';

export type Ctx = AgentContext<typeof params>;

/**
 * The cluster owner's account (`pgdba`); OCF_ERR_INSTALLED when it does not exist.
 *
 * @example
 * const acct = await owner(ctx); // { name: 'postgres', uid: 101, gid: 104 }
 */
export async function owner(ctx: Ctx): Promise<Account> {
  const acct = await lookupAccount(ctx, ctx.params.pgdba);
  if (!acct) return fail.installed(`User ${ctx.params.pgdba} doesn't exist`);
  return acct;
}

/**
 * Exec options that run a command as the owner: through `runuser` when the agent is root,
 * directly when it already runs as the owner. Anyone else cannot manage the cluster (1).
 *
 * @example
 * await ctx.exec(ctx.params.pgctl, ['-D', pgdata, 'status'], runAs(acct));
 */
export function runAs(acct: Account): Pick<ExecOptions, 'user'> {
  const me = process.getuid?.() ?? 0;
  if (me === 0) return { user: acct.name };
  if (me === acct.uid) return {};
  return fail.generic(`the agent must run as root or ${acct.name} (uid ${me})`);
}

/**
 * Runs a check as the owner — `test -w`, `pg_ctl status`, the monitor's psql: with the owner's
 * uid, gid and supplementary groups (`setpriv --init-groups`, the groups `initgroups(3)` gives, as
 * runuser's) and HOME, USER and LOGNAME set as runuser sets them, so permissions, `kill(pid, 0)`
 * and the server's peer authentication see the same identity. What it leaves out is runuser's PAM
 * session (pam_limits, pam_keyinit, pam_unix's session log), which a check does not use and which
 * costs tens of ms per command (0.13–0.28 s each on a loaded rig, several on a failover's path).
 * The server itself is still started and stopped through runuser ({@link runAs}): it keeps the
 * limits of the owner's PAM session, as under heartbeat's `su`. Without setpriv, runuser.
 *
 * @example
 * await execAsOwner(ctx, acct, 'test', ['-w', pgdata], { cwd: '/', check: false });
 */
export async function execAsOwner(
  ctx: Pick<AgentContext, 'exec' | 'env'>,
  acct: Account,
  file: string,
  args: readonly string[],
  options: Omit<ExecOptions, 'user'> = {},
): Promise<ExecResult> {
  const as = runAs(acct);
  if (!as.user || findExecutable('setpriv', (ctx.env.PATH ?? '').split(':')) === undefined)
    return ctx.exec(file, args, { ...options, ...as });
  const env = { HOME: acct.home ?? '/', USER: acct.name, LOGNAME: acct.name, ...options.env };
  const priv = ['--reuid', String(acct.uid), '--regid', String(acct.gid), '--init-groups', '--', file, ...args];
  return ctx.exec('setpriv', priv, { ...options, env });
}

/**
 * Environment for pg_ctl, the server it starts, and psql: `PGPORT` as heartbeat exports it,
 * `pglibs` appended to `LD_LIBRARY_PATH`, and no credentials (a server inherits them, and
 * dblink/postgres_fdw would use an inherited `PGPASSWORD`).
 *
 * @example
 * ownerEnv(ctx) // { PGPORT: '5432', LD_LIBRARY_PATH: '/usr/lib', PGUSER: undefined, PGPASSWORD: undefined, ... }
 */
export function ownerEnv(ctx: Ctx): Record<string, string | undefined> {
  const libs = ctx.params.pglibs;
  const current = ctx.env.LD_LIBRARY_PATH;
  return {
    PGPORT: String(ctx.params.pgport),
    ...(libs ? { LD_LIBRARY_PATH: current ? `${current}:${libs}` : libs } : {}),
    PGUSER: undefined,
    PGPASSWORD: undefined,
    OCF_RESKEY_monitor_password: undefined,
  };
}

/** Paths an earlier check of this invocation found writable by the owner (the `alsoCheck` of {@link writableBy}). */
const knownWritable = new WeakMap<Ctx, Set<string>>();

/**
 * True when the owner can write `path` — `test -w` run as the owner, so groups, ACLs and
 * read-only mounts count exactly as they will for the server. `alsoCheck`: paths a later step of
 * the same invocation checks (those that exist now) go into the same `test` (`-a -w …`): when all
 * are writable, that later check needs no process of its own (a start's log file: one `setpriv`
 * less before `pg_ctl start` on a failover's path); when one is not, `path` is checked alone.
 *
 * @example
 * if (!(await writableBy(ctx, acct, pgdata))) fail.perm(`${pgdata} is not writable by postgres`);
 */
export async function writableBy(ctx: Ctx, acct: Account, path: string, alsoCheck: readonly string[] = []): Promise<boolean> {
  if (knownWritable.get(ctx)?.has(path)) return true;
  if ((process.getuid?.() ?? 0) === acct.uid) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
  const test = async (paths: readonly string[]) => {
    const args = paths.flatMap((p, i) => (i === 0 ? ['-w', p] : ['-a', '-w', p]));
    const r = await execAsOwner(ctx, acct, 'test', args, { cwd: '/', check: false });
    // 126/127: setpriv/runuser (or test) could not run at all — an installation problem, not a permission one.
    if (r.exitCode === 126 || r.exitCode === 127)
      return fail.installed(`cannot check ${paths.join(', ')} as ${acct.name}: ${r.stderr.trim()}`);
    return r.exitCode === 0;
  };
  const others = alsoCheck.filter((p) => p !== path && existsSync(p));
  if (others.length > 0 && (await test([path, ...others]))) {
    const known = knownWritable.get(ctx) ?? new Set<string>();
    for (const p of others) known.add(p);
    knownWritable.set(ctx, known);
    return true;
  }
  return test([path]);
}
