import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ExecOptions,
  HELPER_ACTION,
  type Helper,
  listPids,
  procCmdline,
  processLiveness,
  readProcStat,
  readSmallFile,
} from '@ocfkit/sdk';
import { type CheckSettings, checkAndRecord } from './record';

/** Marks the checker in its command line, so a recycled pid is never mistaken for it. */
export const CHECKER_MARK = 'ocfkit-diskcheck-checker';

/** The agent helper that is the checker (`<agent> ocfkit-helper checker ...`). */
export const CHECKER_HELPER = 'checker';

/** A write of the attribute (attrd_updater) that has not returned after this long is given up. */
const ATTR_WRITE_TIMEOUT_MS = 10_000;

interface CheckerSpec {
  /** The agent executable (its own path): the checker is the agent, run as its helper. */
  agent: string;
  intervalMs: number;
  /** Time one check may take, attribute write included. */
  budgetMs: number;
  settings: CheckSettings;
  /** The agent's environment (log settings, the attrd socket), passed on to the checker. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts the checker in its own session (so the start operation's process group, which
 * Pacemaker kills on timeout, does not include it) and records its pid. argv: agent,
 * `ocfkit-helper checker`, mark, pidfile, interval ms, budget ms, settings JSON.
 *
 * @example
 * const pid = startChecker({ agent: process.argv[1], intervalMs: 30_000, budgetMs: 25_000, settings, env: ctx.env });
 */
export function startChecker(spec: CheckerSpec): number {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) if (v !== undefined) env[k] = v;
  // The checker's stderr goes nowhere: without a configured log, its status changes go to syslog.
  if (!env.HA_LOGFILE && !env.HA_LOGFACILITY) env.HA_LOGFACILITY = 'daemon';
  const { pidfile } = spec.settings;
  const argv = [spec.agent, HELPER_ACTION, CHECKER_HELPER, CHECKER_MARK, pidfile, String(spec.intervalMs), String(spec.budgetMs)];
  const child = spawn(process.execPath, [...argv, JSON.stringify(spec.settings)], { detached: true, stdio: 'ignore', env, cwd: '/' });
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start the checker with ${process.execPath}`);
  mkdirSync(dirname(pidfile), { recursive: true, mode: 0o755 });
  writeFileSync(pidfile, `${child.pid}\n`, { mode: 0o644 });
  return child.pid;
}

/**
 * The checker: one check every interval, counted from the start of the previous one (a check
 * that runs longer delays the next, never overlaps it), inside this long-lived process — only
 * `dd`/`rm` and the attribute writer are spawned. Ends when SIGTERM aborts its signal.
 */
export const checker: Helper = async ({ args, env, log, exec, signal }) => {
  const [mark, pidfile, intervalText, budgetText, json] = args;
  const intervalMs = Number(intervalText);
  const budgetMs = Number(budgetText);
  const settings = JSON.parse(json ?? 'null') as CheckSettings | null;
  if (settings === null || mark !== CHECKER_MARK || settings.pidfile !== pidfile || !(intervalMs > 0) || !(budgetMs > 0)) {
    throw new Error(`bad checker arguments: ${JSON.stringify(args)}`);
  }
  const boundedExec: typeof exec = (file, argv, options: ExecOptions = {}) =>
    exec(file, argv, { timeoutMs: ATTR_WRITE_TIMEOUT_MS, ...options });
  const host = { env, exec: boundedExec, signal, log };
  while (!signal.aborted) {
    const started = Date.now();
    await checkAndRecord(host, settings, budgetMs).catch((err: Error) => log.warn(err.message));
    await pause(Math.max(0, started + intervalMs - Date.now()), signal);
  }
};

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The pid recorded in the pidfile, or undefined when there is none. */
export function recordedPid(pidfile: string): number | undefined {
  const text = readSmallFile(pidfile);
  if (text === undefined) return undefined;
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/**
 * Whether `pid` is a live (not zombie) checker for this pidfile.
 *
 * @example
 * checkerAlive(4711, '/run/resource-agents/diskcheck-disk.pid') // false after the checker died
 */
export function checkerAlive(pid: number, pidfile: string): boolean {
  if (processLiveness(pid) !== 'alive') return false;
  const argv = procCmdline(pid);
  // A live pid whose command line /proc will not show (hidepid) cannot be told apart from our
  // checker: taken for it, so no second checker starts and stop still ends it.
  if (argv === undefined) return true;
  return argv.includes(CHECKER_MARK) && argv.includes(pidfile);
}

/**
 * Ends the checker's whole process group (the loop and a running check): SIGTERM, then SIGKILL
 * when it has not gone within `graceMs`. A check blocked in the kernel may outlive this; it holds
 * nothing and ends when the disk answers. Removes the pidfile.
 *
 * @example
 * await stopChecker(pidfile, 5000);
 */
export async function stopChecker(pidfile: string, graceMs: number): Promise<void> {
  const recorded = recordedPid(pidfile);
  // A start killed between spawning its checker and writing the pidfile leaves a checker that no
  // pidfile names; it would set the attribute after this stop. Node's spawn returns only once the
  // child has exec'd, so such a checker already shows the mark and this pidfile in /proc.
  const pids = unrecordedCheckers(pidfile, recorded);
  if (recorded !== undefined && checkerAlive(recorded, pidfile)) pids.push(recorded);
  const signal = (pid: number, s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const end = Date.now() + graceMs;
  const alive = () => pids.filter((pid) => checkerAlive(pid, pidfile));
  while (alive().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  for (const pid of alive()) signal(pid, 'SIGKILL');
  rmSync(pidfile, { force: true });
}

/**
 * Live checkers for `pidfile` other than `recorded`, found by their command line. A checker leads
 * its own session, which tells it from its children between fork and exec (they show its command line).
 */
export function unrecordedCheckers(pidfile: string, recorded: number | undefined): number[] {
  const found: number[] = [];
  for (const pid of listPids()) {
    if (pid === recorded || pid === process.pid || readProcStat(pid)?.session !== pid) continue;
    const argv = procCmdline(pid);
    if (argv?.includes(CHECKER_MARK) && argv.includes(pidfile) && processLiveness(pid) === 'alive') found.push(pid);
  }
  return found;
}
