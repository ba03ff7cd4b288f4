import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { procCmdline, processLiveness } from '@ocfkit/sdk';

/** Marks the checker in its command line, so a recycled pid is never mistaken for it. */
export const CHECKER_MARK = 'ocfkit-diskcheck-checker';

/** The environment variable that makes the agent run one check (the checker's children). */
export const CHECK_ROLE_ENV = 'OCFKIT_DISKCHECK_ROLE';

/**
 * The checker: a small loop (run with `node -e`, so the single-file agent needs no second file)
 * that starts `<agent> monitor` with `OCFKIT_DISKCHECK_ROLE=check` every interval, counted from
 * the start of the previous check. Each such child does one check with its own I/O timeout and
 * writes the attribute. A child that outlives its budget is killed; SIGTERM ends the loop and
 * the running check. argv: mark, pidfile, agent, interval ms, budget ms.
 */
const LOOP = `'use strict';
const { spawn } = require('node:child_process');
const [, , , agent, intervalText, budgetText] = process.argv;
const interval = Number(intervalText), budget = Number(budgetText);
let child = null, timer = null;
function check() {
  const started = Date.now();
  if (child === null) {
    const c = spawn(process.execPath, [agent, 'monitor'], { stdio: 'ignore', env: process.env });
    child = c;
    const kill = setTimeout(() => c.kill('SIGKILL'), budget + 5000);
    const done = () => { clearTimeout(kill); if (child === c) child = null; };
    c.on('exit', done);
    c.on('error', done);
  }
  timer = setTimeout(check, Math.max(0, started + interval - Date.now()));
}
process.on('SIGTERM', () => { clearTimeout(timer); if (child) child.kill('SIGKILL'); process.exit(0); });
check();
`;

export interface CheckerSpec {
  pidfile: string;
  /** The agent executable (its own path). */
  agent: string;
  intervalMs: number;
  /** Time one check may take: the checks' `CRM_meta_timeout`. */
  budgetMs: number;
  /** The agent's environment (parameters included), passed on to every check. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts the checker in its own session (so the start operation's process group, which
 * Pacemaker kills on timeout, does not include it) and records its pid.
 *
 * @example
 * const pid = startChecker({ pidfile, agent: process.argv[1], intervalMs: 30_000, budgetMs: 25_000, env: ctx.env });
 */
export function startChecker(spec: CheckerSpec): number {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) if (v !== undefined) env[k] = v;
  env[CHECK_ROLE_ENV] = 'check';
  // The checks' stderr goes nowhere: without a configured log, their status changes go to syslog.
  if (!env.HA_LOGFILE && !env.HA_LOGFACILITY) env.HA_LOGFACILITY = 'daemon';
  env.OCF_RESKEY_CRM_meta_timeout = String(spec.budgetMs);
  env.OCF_RESKEY_CRM_meta_interval = String(spec.intervalMs);
  const child = spawn(
    process.execPath,
    ['-e', LOOP, CHECKER_MARK, spec.pidfile, spec.agent, String(spec.intervalMs), String(spec.budgetMs)],
    { detached: true, stdio: 'ignore', env, cwd: '/' },
  );
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start the checker with ${process.execPath}`);
  mkdirSync(dirname(spec.pidfile), { recursive: true, mode: 0o755 });
  writeFileSync(spec.pidfile, `${child.pid}\n`, { mode: 0o644 });
  return child.pid;
}

/** The pid recorded in the pidfile, or undefined when there is none. */
export function recordedPid(pidfile: string): number | undefined {
  if (!existsSync(pidfile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidfile, 'utf8'), 10);
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
  const pid = recordedPid(pidfile);
  if (pid !== undefined && checkerAlive(pid, pidfile)) {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const end = Date.now() + graceMs;
    while (checkerAlive(pid, pidfile) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    if (checkerAlive(pid, pidfile)) signal('SIGKILL');
  }
  rmSync(pidfile, { force: true });
}
