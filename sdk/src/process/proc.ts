import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * What /proc tells about other processes, with "cannot tell" kept apart from "not running".
 *
 * Readable by anyone for every process (unless /proc is mounted with `hidepid`): `stat`,
 * `status`, `cmdline`, and `kill(pid, 0)` for root. Readable only with ptrace access, i.e. for
 * another user's process only with CAP_SYS_PTRACE — which Docker and Podman drop by default:
 * `cwd`, `exe`, `root`, `fd/`, and (depending on the kernel) `environ`. A failed read of those is
 * never evidence that a process is gone.
 */

/** One process as `/proc/<pid>/stat` describes it (the fields agents need). */
export interface ProcStat {
  pid: number;
  /** The command name (comm, at most 15 characters), e.g. `postgres`. */
  comm: string;
  /** One-letter state: R, S, D, T, t, Z (zombie), X (dead), I, ... */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Start time in clock ticks since boot (field 22). */
  startTicks: number;
  /** CPU time in clock ticks (fields 14–17): user and system, and of its reaped children. */
  cpuTicks: { user: number; system: number; childrenUser: number; childrenSystem: number };
}

/**
 * Parses a `/proc/<pid>/stat` line. comm may hold spaces and parentheses, so the fields after it
 * are found from the last `)`.
 *
 * @example
 * parseProcStat('42 (my (odd) name) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0')
 * // { pid: 42, comm: 'my (odd) name', state: 'S', ppid: 1, pgrp: 42, session: 42, startTicks: 777,
 * //   cpuTicks: { user: 0, system: 0, childrenUser: 0, childrenSystem: 0 } }
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const num = (i: number) => Number(rest[i]);
  const stat = {
    pid: Number(line.slice(0, open).trim()),
    comm: line.slice(open + 1, close),
    state: rest[0] ?? '',
    ppid: num(1),
    pgrp: num(2),
    session: num(3),
    startTicks: num(19),
    cpuTicks: { user: num(11), system: num(12), childrenUser: num(13), childrenSystem: num(14) },
  };
  return Number.isInteger(stat.pid) && stat.state !== '' && Number.isFinite(stat.startTicks) ? stat : undefined;
}

/**
 * Reads `/proc/<pid>/stat`; undefined when there is no such entry — the process is gone, or
 * /proc hides it (`hidepid`): ask {@link processLiveness} to tell those apart.
 *
 * @example
 * readProcStat(process.pid)?.state // 'R'
 */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `alive`, `zombie` (exited, not yet reaped: it still holds its pid) or `gone`. */
export type Liveness = 'alive' | 'zombie' | 'gone';

/**
 * Whether `pid` exists, from `kill(pid, 0)` (EPERM means it exists but belongs to someone we may
 * not signal) and its /proc state. A process /proc does not show (`hidepid`) but kill finds is
 * `alive`: hidden is not gone.
 *
 * @example
 * processLiveness(process.pid) // 'alive'
 */
export function processLiveness(pid: number): Liveness {
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const state = readProcStat(pid)?.state;
  return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
}

/** True when `pid` is a live process (not gone, not a zombie). */
export function isAlive(pid: number): boolean {
  return processLiveness(pid) === 'alive';
}

/**
 * The real uid of `pid` from `/proc/<pid>/status`; undefined when /proc does not show it.
 *
 * @example
 * procUid(process.pid) // 0 when run as root
 */
export function procUid(pid: number): number | undefined {
  try {
    const m = /^Uid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The argument vector of `pid` (`/proc/<pid>/cmdline`); undefined when /proc does not show it,
 * [] for a kernel thread or a zombie. A process may rewrite it (PostgreSQL's children do).
 *
 * @example
 * procCmdline(process.pid)?.[0] // '/usr/local/bin/node'
 */
export function procCmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** A /proc link read: its target, `unreadable` (no ptrace access: EACCES/EPERM), or `gone`. */
export type ProcLink = { target: string } | { unreadable: string } | { gone: true };

/**
 * Reads the `cwd`, `exe` or `root` link of `pid`. Another user's links need CAP_SYS_PTRACE:
 * without it the answer is `unreadable` — which says nothing about whether the process runs.
 *
 * @example
 * const cwd = procLink(pid, 'cwd');
 * if ('target' in cwd && cwd.target === dataDir) // ...
 */
export function procLink(pid: number, name: 'cwd' | 'exe' | 'root'): ProcLink {
  try {
    return { target: readlinkSync(`/proc/${pid}/${name}`) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' || code === 'ESRCH' ? { gone: true } : { unreadable: code };
  }
}

/** Clock ticks per second of /proc's time fields (USER_HZ: 100 on every Linux port Node runs on). */
export const CLOCK_TICKS = 100;

/**
 * When `pid` started, in ms since the epoch: boot time (`btime` in /proc/stat) plus its start
 * ticks. Readable for every visible process without privileges; exact to a tick while the wall
 * clock has not been stepped since.
 *
 * @example
 * processStartMs(process.pid) // ≈ Date.now() - process.uptime() * 1000
 */
export function processStartMs(pid: number): number | undefined {
  const stat = readProcStat(pid);
  if (!stat) return undefined;
  try {
    const m = /^btime\s+(\d+)/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) * 1000 + (stat.startTicks * 1000) / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every pid /proc lists (processes /proc hides are not in it).
 *
 * @example
 * listPids().includes(process.pid) // true
 */
export function listPids(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) if (/^\d+$/.test(entry)) out.push(Number(entry));
  return out;
}

/**
 * Pids of live processes (not this one, not zombies) with an environment entry for which `match`
 * holds: how leftovers are found wherever they were re-parented. A process this caller could have
 * started (root: any; otherwise: its own uid) and that is not older than the caller, whose
 * environment cannot be read (root without CAP_SYS_PTRACE on kernels that guard `environ`), throws
 * naming the pid and `what`: "cannot tell" must not pass for "none left".
 *
 * @example
 * processesWithEnvEntry((kv) => kv === 'OCF_RESKEY_state=/tmp/x', 'carries OCF_RESKEY_state=/tmp/x')
 */
export function processesWithEnvEntry(match: (entry: string) => boolean, what: string): number[] {
  const me = process.getuid?.() ?? 0;
  const self = processStartMs(process.pid);
  const found: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const stat = readProcStat(pid);
    // Z (zombie) and X (dead) are gone for this purpose
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A process older than the caller cannot be one of its leftovers, readable or not.
      const started = processStartMs(pid);
      if (
        code === 'ENOENT' ||
        code === 'ESRCH' ||
        (me !== 0 && procUid(pid) !== me) ||
        (started !== undefined && self !== undefined && started < self)
      )
        continue;
      throw new Error(
        `cannot tell whether pid ${pid} (${stat.comm}) ${what}: /proc/${pid}/environ: ${code} (run as root with CAP_SYS_PTRACE)`,
      );
    }
    if (environ.split('\0').some(match)) found.push(pid);
  }
  return found;
}
