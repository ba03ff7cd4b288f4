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

/**
 * True when `pid` is a live (not zombie) process of `uid` — what `kill -0` run as the cluster's
 * owner checks in ocf:heartbeat:pgsql. A recycled pid now owned by someone else counts as dead.
 *
 * @example
 * aliveAs(4711, 101) // true while the postmaster runs
 */
export function aliveAs(pid: number, uid: number): boolean {
  const p = procInfo(pid);
  return p !== undefined && p.uid === uid && p.state !== 'Z' && p.state !== 'X';
}

/** Command names PostgreSQL server processes carry. */
export const SERVER_NAMES = /^(postgres|postmaster)$/;

/**
 * Server processes of the cluster in `pgdata`: live processes of `uid` whose working directory is
 * the data directory (every PostgreSQL server process chdirs there) and whose command name
 * matches `names`. After the postmaster died, these are the orphans that still hold its shared
 * memory.
 *
 * @example
 * serverProcesses('/var/lib/postgresql/15/main', 101) // [4712, 4713]
 */
export function serverProcesses(pgdata: string, uid: number, names: RegExp = SERVER_NAMES): number[] {
  let dir: string;
  try {
    dir = realpathSync(pgdata);
  } catch {
    return [];
  }
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
    if (p && p.uid === uid && names.test(p.name) && p.state !== 'Z' && p.state !== 'X') found.push(p.pid);
  }
  return found.sort((a, b) => a - b);
}
