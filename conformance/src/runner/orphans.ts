import { readFileSync } from 'node:fs';
import { listPids, procCmdline, processStartMs, procUid, readProcStat } from '@ocfkit/sdk';

/** A live process found carrying a marker. */
export interface MarkedProcess {
  pid: number;
  command: string;
}

function startedBefore(pid: number, self: number | undefined): boolean {
  const started = processStartMs(pid);
  return self !== undefined && started !== undefined && started < self;
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
  const me = process.getuid?.() ?? 0;
  const self = processStartMs(process.pid);
  const found: MarkedProcess[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const stat = readProcStat(pid);
    // Z (zombie) and X (dead) are gone for our purpose
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH' || (me !== 0 && procUid(pid) !== me) || startedBefore(pid, self)) continue;
      // Root without CAP_SYS_PTRACE: "cannot tell" must not pass for "nothing left behind". (A
      // process older than this runner cannot be one of its leftovers, readable or not.)
      throw new Error(
        `cannot tell whether pid ${pid} (${stat.comm}) was left behind: /proc/${pid}/environ: ${code} (run as root with CAP_SYS_PTRACE)`,
      );
    }
    if (!environ.split('\0').some((kv) => (prefix ? kv.startsWith(needle) : kv === needle))) continue;
    found.push({ pid, command: (procCmdline(pid) ?? []).filter(Boolean).join(' ') });
  }
  return found;
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
