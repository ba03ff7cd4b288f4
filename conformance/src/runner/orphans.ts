import { readdirSync, readFileSync } from 'node:fs';

/** A live process found carrying a marker. */
export interface MarkedProcess {
  pid: number;
  command: string;
}

function alive(pid: string): boolean {
  try {
    // field 3 of /proc/PID/stat is the state; Z (zombie) and X (dead) are gone for our purpose
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Live processes whose environment contains `NAME=value` exactly (scans `/proc/<pid>/environ`;
 * needs root to see other users' processes). The suite gives every op a unique marker, so
 * anything still carrying it after the op ended was left behind by the agent.
 *
 * @example
 * findMarked('OCFKIT_CONFORMANCE_OP', 'run1/7') // [{ pid: 4242, command: 'sleep 300' }]
 */
export function findMarked(name: string, value: string, prefix = false): MarkedProcess[] {
  const needle = `${name}=${value}`;
  const found: MarkedProcess[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    const hit = environ.split('\0').some((kv) => (prefix ? kv.startsWith(needle) : kv === needle));
    if (!hit || !alive(pid)) continue;
    found.push(describeProcess(Number(pid)));
  }
  return found;
}

/**
 * A pid with its command line (empty when it exited meanwhile).
 *
 * @example
 * describeProcess(4242) // { pid: 4242, command: 'crm_mon --daemonize ...' }
 */
export function describeProcess(pid: number): MarkedProcess {
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    // exited meanwhile
  }
  return { pid, command };
}

/**
 * What `find` still returns after a grace: looks every 100 ms and returns `[]` as soon as nothing
 * is found, else the last finding after `graceMs`. A child that is just exiting (a logging
 * subshell) is no orphan.
 *
 * @example
 * const left = await settle(() => findMarked('OCFKIT_CONFORMANCE_OP', mark), 2000);
 */
export async function settle(find: () => MarkedProcess[], graceMs: number, stepMs = 100): Promise<MarkedProcess[]> {
  const until = Date.now() + graceMs;
  for (;;) {
    const found = find();
    if (found.length === 0 || Date.now() >= until) return found;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * SIGKILLs the given processes (cleanup after a check found them), ignoring those already gone.
 *
 * @example
 * killAll(findMarked('OCFKIT_CONFORMANCE_RUN', 'run1', true));
 */
export function killAll(procs: readonly MarkedProcess[]): void {
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
