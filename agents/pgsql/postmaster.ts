import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/** A process as /proc/<pid>/status describes it. */
export interface ProcInfo {
  pid: number;
  /** Real uid. */
  uid: number;
  /** One-letter state: R, S, D, T, Z, ... */
  state: string;
  /** The command name (comm), e.g. `postgres`. */
  name: string;
}

/**
 * Reads /proc/<pid>/status; undefined when the process does not exist.
 *
 * @example
 * procInfo(process.pid)?.name // 'node'
 */
export function procInfo(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { pid, uid: Number(field('Uid').split(/\s+/)[0]), state: field('State').charAt(0), name: field('Name') };
}

/**
 * The postmaster pid recorded in `<pgdata>/postmaster.pid` (its first line); undefined when the
 * file is absent or does not start with a pid.
 *
 * @example
 * postmasterPid('/var/lib/postgresql/15/main') // 4711
 */
export function postmasterPid(pgdata: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  const first = text.split('\n')[0]?.trim() ?? '';
  return /^[1-9]\d*$/.test(first) ? Number(first) : undefined;
}

/** Command names PostgreSQL server processes carry. */
export const SERVER_NAMES = /^(postgres|postmaster)$/;

function realDir(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isServer(p: ProcInfo | undefined, uid: number, dir: string, names: RegExp): boolean {
  if (!p || p.uid !== uid || p.state === 'Z' || p.state === 'X' || !names.test(p.name)) return false;
  try {
    return readlinkSync(`/proc/${p.pid}/cwd`) === dir;
  } catch {
    return false;
  }
}

/**
 * True when `pid` is a live server process of the cluster in `pgdata`: a process of `uid`, not a
 * zombie, named postgres, working in the data directory (the postmaster chdirs there before it
 * writes postmaster.pid). A recycled pid — even one of the same user, which PostgreSQL itself
 * would take for a running postmaster — counts as dead. (heartbeat only runs `kill -0` as pgdba.)
 *
 * @example
 * isPostmaster(4711, 101, '/var/lib/postgresql/15/main') // true while the postmaster runs
 */
export function isPostmaster(pid: number, uid: number, pgdata: string, names: RegExp = SERVER_NAMES): boolean {
  const dir = realDir(pgdata);
  return dir !== undefined && isServer(procInfo(pid), uid, dir, names);
}

/**
 * True when `pid` is a live (not zombie) process of `uid`.
 *
 * @example
 * aliveAs(4711, 101) // true while that process runs
 */
export function aliveAs(pid: number, uid: number): boolean {
  const p = procInfo(pid);
  return p !== undefined && p.uid === uid && p.state !== 'Z' && p.state !== 'X';
}

/**
 * Server processes of the cluster in `pgdata` (see {@link isPostmaster} for what counts).
 * After the postmaster died, these are the orphans that still hold its shared memory.
 *
 * @example
 * serverProcesses('/var/lib/postgresql/15/main', 101) // [4712, 4713]
 */
export function serverProcesses(pgdata: string, uid: number, names: RegExp = SERVER_NAMES): number[] {
  const dir = realDir(pgdata);
  if (dir === undefined) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    if (cwd !== dir) continue;
    const p = procInfo(Number(entry));
    if (isServer(p, uid, dir, names) && p) found.push(p.pid);
  }
  return found.sort((a, b) => a - b);
}
