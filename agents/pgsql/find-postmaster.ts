import { connect } from 'node:net';
import { join } from 'node:path';
import type { Account } from './account';
import { type Ctx, execAsOwner, ownerEnv } from './owner';
import { identifyPostmaster, type Postmaster, readLockFile } from './postmaster';

/** True when a Unix socket accepts a connection within `ms`. */
function socketAccepts(path: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * True when the server socket named in postmaster.pid (socket directory and port, else the
 * agent's socketdir and pgport) accepts connections and its `.lock` file names `pid`: a live
 * server of this data directory with that pid listens there.
 */
async function socketNames(ctx: Ctx, pid: number): Promise<boolean> {
  const { pgdata, socketdir, pgport } = ctx.params;
  const lock = readLockFile(join(pgdata, 'postmaster.pid'));
  const dir = lock?.socketDir || socketdir;
  const port = lock?.port ?? pgport;
  if (!dir) return false;
  const socket = join(dir, `.s.PGSQL.${port}`);
  let owner: number | undefined;
  try {
    owner = readLockFile(`${socket}.lock`)?.pid;
  } catch {
    owner = undefined;
  }
  return owner === pid && (await socketAccepts(socket, Math.min(1000, Math.max(100, ctx.remainingMs() / 4))));
}

/**
 * `pg_ctl status` run as the owner: PostgreSQL's own test (`kill(pid, 0)` as the owner — what
 * ocf:heartbeat:pgsql trusts). Only an answer "no server running" is taken: the pid exists
 * (root's `kill -0` found it) yet the owner cannot signal it, so it is another user's process.
 */
async function ownerSeesNoServer(ctx: Ctx, acct: Account): Promise<boolean> {
  const r = await execAsOwner(ctx, acct, ctx.params.pgctl, ['-D', ctx.params.pgdata, 'status'], {
    env: ownerEnv(ctx),
    cwd: '/',
    check: false,
    timeoutMs: Math.max(1000, Math.min(5000, ctx.remainingMs() / 4)),
  });
  return r.exitCode === 3;
}

/**
 * {@link identifyPostmaster}, then — only where /proc could not tell — the checks that need no
 * /proc: the server socket answering with a lock file naming the pid (proof), and, where /proc
 * hides the process entirely, `pg_ctl status` as the owner (disproof when the owner cannot
 * signal it). What remains `unsure` is treated as possibly running by every action.
 *
 * @example
 * const pm = await findPostmaster(ctx, acct); // { kind: 'live', pid: 4711, how: 'command line -D' }
 */
export async function findPostmaster(ctx: Ctx, acct: Account): Promise<Postmaster> {
  const pm = identifyPostmaster(ctx.params.pgdata, acct.uid);
  if (pm.kind !== 'unsure') return pm;
  if (await socketNames(ctx, pm.pid)) return { kind: 'live', pid: pm.pid, how: 'server socket' };
  if (pm.hidden && (await ownerSeesNoServer(ctx, acct))) {
    return { kind: 'gone', pid: pm.pid, why: `pid ${pm.pid} is not a process of ${acct.name} (pg_ctl status: no server running)` };
  }
  return pm;
}
