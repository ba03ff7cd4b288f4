import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { fail, processLiveness } from '@ocfkit/sdk';
import type { Account } from './account';
import { findPostmaster } from './find-postmaster';
import { type Ctx, ownerEnv, runAs, writableBy } from './owner';
import { identifyPostmaster, serverProcesses } from './postmaster';
import { pgBinary } from './rep-sql';
import { waitUntil } from './shutdown';

/**
 * The configuration file: `config`, else `<pgdata>/postgresql.conf` (heartbeat's default).
 *
 * @example
 * configFile({ pgdata: '/var/lib/pgsql/data' }) // '/var/lib/pgsql/data/postgresql.conf'
 */
export function configFile(p: { config?: string | undefined; pgdata: string }): string {
  return p.config || join(p.pgdata, 'postgresql.conf');
}

/**
 * Quotes a word for /bin/sh: pg_ctl runs the server through `sh -c`, so values we put into
 * `-o` must survive it.
 *
 * @example
 * shellQuote("it's") // `'it'\''s'`
 */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `pg_ctl -o` string: `-c config_file=<config>`, `-h <pghost>` when set, then `start_opt`
 * as the user wrote it (heartbeat's order).
 *
 * @example
 * serverOptions({ config: '/etc/pg.conf', pgdata: '/d', pghost: '', start_opt: '-c work_mem=8MB' }) // "-c config_file='/etc/pg.conf' -c work_mem=8MB"
 */
export function serverOptions(
  p: { config?: string | undefined; pgdata: string; pghost: string; start_opt: string },
  config: string = configFile(p),
): string {
  const parts = [`-c config_file=${shellQuote(config)}`];
  if (p.pghost) parts.push(`-h ${shellQuote(p.pghost)}`);
  if (p.start_opt.trim()) parts.push(p.start_opt.trim());
  return parts.join(' ');
}

function size(file: string): number {
  try {
    const st = statSync(file);
    return st.isFile() ? st.size : -1;
  } catch {
    return -1;
  }
}

/** The last server message written to a regular log file since `from`, for the exit reason. */
function logTail(file: string, from: number): string {
  const end = size(file);
  if (from < 0 || end <= from) return '';
  const fd = openSync(file, 'r');
  try {
    const len = Math.min(end - from, 8192);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, end - len);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l));
    const last = lines[lines.length - 1];
    return last ? `; log: ${last.slice(last.search(/\b(FATAL|PANIC|ERROR):/)).replace(/\s+/g, ' ')}` : '';
  } finally {
    closeSync(fd);
  }
}

async function prepareLogfile(ctx: Ctx, acct: Account): Promise<void> {
  const file = ctx.params.logfile;
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'a', 0o640));
      chownSync(file, acct.uid, acct.gid);
    } catch (err) {
      fail.perm(`PostgreSQL can't write to the log file: ${file} (${(err as Error).message})`);
    }
  }
  if (!(await writableBy(ctx, acct, file))) fail.perm(`PostgreSQL can't write to the log file: ${file}`);
}

async function prepareSocketDir(ctx: Ctx, acct: Account): Promise<void> {
  const dir = ctx.params.socketdir;
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir);
      chownSync(dir, acct.uid, acct.gid);
      chmodSync(dir, 0o2775);
    } catch (err) {
      fail.perm(`Can't create socket directory ${dir}: ${(err as Error).message}`);
    }
    ctx.log.info(`created socket directory ${dir}`);
  } else if (!(await writableBy(ctx, acct, dir))) fail.perm(`${acct.name} can't create files in ${dir}`);
}

/**
 * Clears what a crashed server leaves behind, so the start cannot be refused for it: waits a
 * little for orphaned server processes (they exit when they notice the postmaster is gone; while
 * they hold its shared memory a new postmaster must not start), then removes a postmaster.pid
 * whose pid is verifiably gone or provably another process (PostgreSQL would otherwise refuse to
 * start when that pid was recycled), never one that may name a live postmaster; and on
 * PostgreSQL < 15 an exclusive-backup backup_label (heartbeat does the same; from 15 on a backup_label can only come from a restored base backup,
 * which must keep it).
 */
async function clearCrashLeftovers(ctx: Ctx, acct: Account): Promise<void> {
  const { pgdata } = ctx.params;
  const orphans = () => serverProcesses(pgdata, acct.uid);
  if (!(await waitUntil(ctx, () => orphans().length === 0, Math.min(5000, ctx.remainingMs() / 4)))) {
    fail.generic(`server processes ${orphans().join(' ')} of a dead postmaster still run in ${pgdata}; stop the resource first`);
  }
  const pm = identifyPostmaster(pgdata, acct.uid);
  // A killed postmaster not yet reaped by its parent still "exists" for kill(pid, 0): the new
  // postmaster would refuse the lock files (postmaster.pid, the socket's .lock) that name it.
  const zombies = [pm.pid, socketLockPid(ctx)].filter((x): x is number => x !== undefined && processLiveness(x) === 'zombie');
  if (zombies.length > 0) {
    ctx.log.info(`waiting for the dead postmaster ${zombies.join(' ')} to be reaped`);
    await waitUntil(ctx, () => zombies.every((z) => processLiveness(z) !== 'zombie'), Math.min(3000, ctx.remainingMs() / 4));
  }
  const pidfile = join(pgdata, 'postmaster.pid');
  // Only a lock file whose process is verifiably gone (or provably another process) is removed:
  // removing a live server's lets a second server start on the same data directory.
  const now = await findPostmaster(ctx, acct);
  if (now.kind !== 'gone') {
    return fail.generic(
      `postmaster.pid names pid ${now.pid}, which may be a running postmaster (${now.kind === 'unsure' ? now.why : now.how}); not removing it`,
    );
  }
  if (existsSync(pidfile)) {
    ctx.log.info(`removing stale ${pidfile} (${now.why})`);
    rmSync(pidfile, { force: true });
  }
  const label = join(pgdata, 'backup_label');
  if (existsSync(label)) {
    const major = Number.parseInt(readVersion(pgdata), 10);
    if (major < 15) {
      ctx.log.info(`removing ${label}: the previous exclusive backup might have failed`);
      rmSync(label, { force: true });
    }
  }
}

/** The pid in `<socketdir>/.s.PGSQL.<port>.lock`, when socketdir is configured. */
function socketLockPid(ctx: Ctx): number | undefined {
  const { socketdir, pgport } = ctx.params;
  if (!socketdir) return undefined;
  try {
    const first =
      readFileSync(join(socketdir, `.s.PGSQL.${pgport}.lock`), 'utf8')
        .split('\n')[0]
        ?.trim() ?? '';
    return /^[1-9]\d*$/.test(first) ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function readVersion(pgdata: string): string {
  try {
    return readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * `pg_ctl -p <postgres>` when the server binary sits beside the real pg_ctl (what pg_ctl itself
 * would pick), else nothing. Without `-p` pg_ctl first runs `sh -c "postgres -V"` to find the
 * binary and compare its version string with its own: two more processes before the server
 * starts on a failover's path (80 ms at load 10 in a rig container). The binary beside pg_ctl
 * comes from the same installation; the server still refuses a data directory of another major
 * version (PG_VERSION). pgctl found on PATH (no `/`) keeps pg_ctl's own search.
 *
 * @example
 * serverBinaryOption('/usr/lib/postgresql/15/bin/pg_ctl') // ['-p', '/usr/lib/postgresql/15/bin/postgres']
 */
function serverBinaryOption(pgctl: string): string[] {
  if (!pgctl.includes('/')) return [];
  const postgres = pgBinary(pgctl, 'postgres');
  try {
    accessSync(postgres, constants.X_OK);
  } catch {
    return [];
  }
  return ['-p', postgres];
}

/**
 * Starts the server as the owner with `pg_ctl -w`, after clearing crash leftovers and preparing
 * the log file and socket directory. A postmaster that already runs but does not answer yet
 * (e.g. still in crash recovery) is left alone; the SDK then waits for the monitor to pass.
 * `config` replaces the `config_file` the server gets (replication: the agent's wrapper).
 *
 * @example
 * await startServer(ctx, acct);
 */
export async function startServer(ctx: Ctx, acct: Account, options: { config?: string } = {}): Promise<void> {
  const p = ctx.params;
  const pm = await findPostmaster(ctx, acct);
  if (pm.kind === 'live') {
    ctx.log.info(`postmaster ${pm.pid} already runs but does not answer yet; waiting for it`);
    return;
  }
  if (pm.kind === 'unsure') {
    fail.generic(`not starting a second server: postmaster.pid names live pid ${pm.pid}, maybe the postmaster (${pm.why})`);
  }
  await clearCrashLeftovers(ctx, acct);
  // Each checks its path as the owner (a `runuser test -w` each): side by side, not one after the
  // other, on the failover's path. A log file's problem is reported first, as before.
  const [logfile, socketdir] = await Promise.allSettled([prepareLogfile(ctx, acct), p.socketdir ? prepareSocketDir(ctx, acct) : undefined]);
  for (const r of [logfile, socketdir]) if (r.status === 'rejected') throw r.reason;
  const logFrom = size(p.logfile);
  const waitS = Math.max(1, Math.floor((ctx.remainingMs() - 1000) / 1000));
  const args = [
    // before ctl_opt: a `-p` of the user's comes later and wins (pg_ctl keeps the last)
    ...serverBinaryOption(p.pgctl),
    ...p.ctl_opt.split(/\s+/).filter(Boolean),
    '-D',
    p.pgdata,
    '-l',
    p.logfile,
    '-o',
    serverOptions(p, options.config),
    '-w',
    '-t',
    String(waitS),
    'start',
  ];
  const r = await ctx.exec(p.pgctl, args, { ...runAs(acct), env: ownerEnv(ctx), cwd: '/', check: false });
  if (r.exitCode !== 0) {
    const said = `${r.stderr}\n${r.stdout}`.split('\n').find((l) => l.startsWith('pg_ctl:')) ?? `exit ${r.exitCode ?? r.signal}`;
    fail.generic(`Can't start PostgreSQL: ${said.replace(/\s+/g, ' ').trim()}${logTail(p.logfile, logFrom)}`);
  }
  ctx.log.info(`pg_ctl start: ${r.stdout.trim().split('\n').pop() ?? ''}`);
}
