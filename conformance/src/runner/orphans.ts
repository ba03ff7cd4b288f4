import { procCmdline, processesWithEnvEntry } from '@ocfkit/sdk';

/** A live process found carrying a marker. */
export interface MarkedProcess {
  pid: number;
  command: string;
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
  const match = prefix ? (kv: string) => kv.startsWith(needle) : (kv: string) => kv === needle;
  return processesWithEnvEntry(match, 'was left behind').map(describeProcess);
}

/**
 * A pid with its command line (empty when it exited meanwhile).
 *
 * @example
 * describeProcess(4242) // { pid: 4242, command: 'crm_mon --daemonize ...' }
 */
export function describeProcess(pid: number): MarkedProcess {
  return { pid, command: (procCmdline(pid) ?? []).filter(Boolean).join(' ') };
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
