import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { listPids, procCmdline, processLiveness, processStartMs, procLink, procUid, readProcStat } from '@ocfkit/sdk';

/**
 * `<pgdata>/postmaster.pid` as PostgreSQL (≥ 10) writes it: pid, data directory, start time
 * (epoch seconds), port, first socket directory, first listen address, shared memory key and id,
 * status. Only the pid is always there; the rest is filled in while the postmaster starts.
 */
interface LockFile {
  pid: number;
  dataDir?: string;
  /** Start time of the postmaster, seconds since the epoch. */
  startSec?: number;
  port?: number;
  socketDir?: string;
  /** The System V shared memory segment (key and id) every server process stays attached to. */
  shmKey?: number;
  shmId?: number;
  /** `starting`, `stopping`, `ready` or `standby`. */
  status?: string;
}

/**
 * Parses postmaster.pid (or a socket's `.s.PGSQL.<port>.lock`, which has the same first lines).
 *
 * @example
 * parseLockFile('4711\n/var/lib/pg\n1700000000\n5432\n/run/postgresql\n\n  5432001     32768\nready   \n')
 * // { pid: 4711, dataDir: '/var/lib/pg', startSec: 1700000000, port: 5432, socketDir: '/run/postgresql', shmKey: 5432001, shmId: 32768, status: 'ready' }
 */
export function parseLockFile(text: string): LockFile | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const int = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);
  const pid = int(lines[0]);
  if (pid === undefined || pid <= 0) return undefined;
  const out: LockFile = { pid };
  if (lines[1]) out.dataDir = lines[1];
  const startSec = int(lines[2]);
  if (startSec !== undefined) out.startSec = startSec;
  const port = int(lines[3]);
  if (port !== undefined) out.port = port;
  if (lines[4]) out.socketDir = lines[4];
  const [key, id] = (lines[6] ?? '').split(/\s+/);
  const shmKey = int(key);
  const shmId = int(id);
  if (shmKey !== undefined && shmId !== undefined) Object.assign(out, { shmKey, shmId });
  if (lines[7]) out.status = lines[7];
  return out;
}

/** Reads a lock file; undefined when absent or without a pid. Other errors (EACCES, EIO) throw. */
export function readLockFile(path: string): LockFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  return parseLockFile(text);
}

/** Command names PostgreSQL server processes carry. */
const SERVER_NAMES = /^(postgres|postmaster)$/;

/** What the pid in postmaster.pid is, as far as this host lets us see. */
export type Postmaster =
  /** Positively identified as the postmaster of this data directory; `how` names the evidence. */
  | { kind: 'live'; pid: number; how: string }
  /** Nothing runs under this lock file: no file, the pid is gone or a zombie, or it is provably another process. */
  | { kind: 'gone'; pid?: number; zombie?: boolean; why: string }
  /**
   * A live process holds the recorded pid and nothing disproves it is the postmaster, but nothing
   * proves it either (/proc unreadable or hidden). PostgreSQL itself would take it for the running
   * postmaster; so do we: never "not running", never remove its lock file.
   */
  | { kind: 'unsure'; pid: number; why: string; hidden: boolean };

function realDir(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The data directory on a postmaster's command line (`-D dir`, `-Ddir`); undefined when absent. */
export function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-D') return argv[i + 1];
    if (a.startsWith('-D') && a.length > 2) return a.slice(2);
  }
  return undefined;
}

/** Allowed difference between postmaster.pid's start time and the process's (whole seconds, tick rounding, a loaded host). */
const START_SLACK_MS = 3000;

/**
 * Identifies the postmaster recorded in `<pgdata>/postmaster.pid` without trusting a failed read
 * as "not running". Disproof (→ gone): no pid, pid dead (`kill -0`) or a zombie, another uid,
 * another command name, a working directory elsewhere, a PostgreSQL child's rewritten command
 * line (`postgres: …`: the postmaster never rewrites its own), `-D` naming another directory.
 * Proof (→ live): working directory = pgdata (needs ptrace access), `-D pgdata` on its command
 * line, or its start time matching the one postmaster.pid records (a recycled pid starts later).
 * Otherwise `unsure`: see {@link Postmaster}.
 *
 * @example
 * identifyPostmaster('/var/lib/postgresql/15/main', 101) // { kind: 'live', pid: 4711, how: 'working directory' }
 */
export function identifyPostmaster(pgdata: string, uid: number, names: RegExp = SERVER_NAMES): Postmaster {
  const lock = readLockFile(join(pgdata, 'postmaster.pid'));
  if (!lock) return { kind: 'gone', why: 'no postmaster.pid' };
  return identifyPid(lock, pgdata, uid, names);
}

/** {@link identifyPostmaster} for an already-read lock file. */
export function identifyPid(lock: LockFile, pgdata: string, uid: number, names: RegExp = SERVER_NAMES): Postmaster {
  const { pid } = lock;
  const live = processLiveness(pid);
  if (live === 'gone') return { kind: 'gone', pid, why: `postmaster ${pid} is gone` };
  if (live === 'zombie') return { kind: 'gone', pid, zombie: true, why: `postmaster ${pid} is gone` };
  const stat = readProcStat(pid);
  if (!stat) return { kind: 'unsure', pid, hidden: true, why: `pid ${pid} exists but /proc hides it (hidepid)` };
  const owner = procUid(pid);
  if (owner !== undefined && owner !== uid) return { kind: 'gone', pid, why: `pid ${pid} now belongs to uid ${owner}` };
  if (!names.test(stat.comm)) return { kind: 'gone', pid, why: `pid ${pid} is now ${stat.comm}` };
  const dir = realDir(pgdata);
  const cwd = procLink(pid, 'cwd');
  if ('gone' in cwd) return { kind: 'gone', pid, why: `postmaster ${pid} is gone` };
  if ('target' in cwd) {
    return dir !== undefined && cwd.target === dir
      ? { kind: 'live', pid, how: 'working directory' }
      : { kind: 'gone', pid, why: `pid ${pid} works in ${cwd.target}, not ${pgdata}` };
  }
  // No ptrace access (CAP_SYS_PTRACE dropped, e.g. Docker's default): /proc says no more about the
  // working directory; the command line and the start time still can.
  const argv = procCmdline(pid);
  if (argv && argv.length > 0 && /^(postgres|postmaster): /.test(argv[0] as string)) {
    return { kind: 'gone', pid, why: `pid ${pid} is now a server child process (${(argv[0] as string).slice(0, 60)})` };
  }
  const arg = argv ? dataDirArg(argv) : undefined;
  if (arg !== undefined) {
    const argDir = realDir(arg);
    if (dir !== undefined && argDir === dir) return { kind: 'live', pid, how: 'command line -D' };
    if (argDir !== undefined) return { kind: 'gone', pid, why: `pid ${pid} is a postmaster of ${arg}, not ${pgdata}` };
  }
  const started = processStartMs(pid);
  if (lock.startSec !== undefined && started !== undefined && Math.abs(started - lock.startSec * 1000) <= START_SLACK_MS) {
    return { kind: 'live', pid, how: 'start time' };
  }
  const seen = [`cwd ${cwd.unreadable}`, arg === undefined ? 'no -D' : `-D ${arg}`];
  if (lock.startSec !== undefined && started !== undefined) {
    seen.push(`started ${Math.round((started - lock.startSec * 1000) / 1000)}s after postmaster.pid says`);
  }
  return { kind: 'unsure', pid, hidden: false, why: `pid ${pid} (${stat.comm}, uid ${uid}) cannot be identified: ${seen.join(', ')}` };
}

/**
 * How many processes are still attached to the postmaster's System V shared memory segment
 * (`nattch` in /proc/sysvipc/shm, readable by anyone) — PostgreSQL's own test for "server
 * processes of a dead postmaster still run". The segment must match key, id, creator pid and
 * owner, so a lock file from another host or container cannot name a local segment by chance.
 * undefined when no such segment exists or the file is unreadable.
 *
 * @example
 * shmAttached({ pid: 4711, shmKey: 5432001, shmId: 32768 }, 101) // 6 while the server runs
 */
export function shmAttached(lock: LockFile, uid: number): number | undefined {
  if (lock.shmId === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync('/proc/sysvipc/shm', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n').slice(1)) {
    // key shmid perms size cpid lpid nattch uid gid cuid ...
    const f = line.trim().split(/\s+/).map(Number);
    if (f[0] === lock.shmKey && f[1] === lock.shmId && f[4] === lock.pid && f[9] === uid) return f[6];
  }
  return undefined;
}

/**
 * Server processes of the cluster in `pgdata` other than a live postmaster — after the postmaster
 * died, the orphans that still hold its shared memory. With ptrace access: live processes of
 * `uid` named postgres working in the data directory. Without it (the working directory is
 * unreadable): live processes of `uid` named postgres with a server child's command line
 * (`postgres: …`) whose parent is no live postgres process (a living cluster's children have their
 * postmaster as parent) and which started no earlier than the postmaster postmaster.pid records —
 * counted only while that postmaster's shared memory segment still has processes attached.
 *
 * @example
 * serverProcesses('/var/lib/postgresql/15/main', 101) // [4712, 4713]
 */
export function serverProcesses(pgdata: string, uid: number, names: RegExp = SERVER_NAMES): number[] {
  const dir = realDir(pgdata);
  if (dir === undefined) return [];
  let lock: LockFile | undefined;
  try {
    lock = readLockFile(join(pgdata, 'postmaster.pid'));
  } catch {
    lock = undefined;
  }
  const found: number[] = [];
  const unreadable: number[] = [];
  for (const pid of listPids()) {
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X' || !names.test(stat.comm) || procUid(pid) !== uid) continue;
    const cwd = procLink(pid, 'cwd');
    if ('target' in cwd) {
      if (cwd.target === dir) found.push(pid);
    } else if ('unreadable' in cwd) unreadable.push(pid);
  }
  if (unreadable.length > 0 && lock && (shmAttached(lock, uid) ?? 0) > 0) {
    const since = lock.startSec === undefined ? undefined : lock.startSec * 1000 - START_SLACK_MS;
    for (const pid of unreadable) {
      if (orphanedChild(pid, uid, names, since)) found.push(pid);
    }
  }
  return found.sort((a, b) => a - b);
}

function orphanedChild(pid: number, uid: number, names: RegExp, since: number | undefined): boolean {
  const argv = procCmdline(pid);
  if (!argv?.[0] || !/^(postgres|postmaster): /.test(argv[0])) return false;
  const ppid = readProcStat(pid)?.ppid;
  const parent = ppid === undefined ? undefined : readProcStat(ppid);
  if (parent && parent.state !== 'Z' && names.test(parent.comm) && procUid(parent.pid) === uid) return false;
  const started = processStartMs(pid);
  return since === undefined || started === undefined || started >= since;
}
