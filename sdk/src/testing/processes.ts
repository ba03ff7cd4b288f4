import { readFileSync } from 'node:fs';
import { listPids, processStartMs, procUid, readProcStat } from '../process/proc';

/**
 * Pids of live processes whose environment contains `entry` (e.g. `OCF_RESKEY_state=/tmp/x`):
 * how tests find processes an agent left behind, wherever they were re-parented.
 * Zombies (exited, not yet reaped) do not count. A process this test could have started (root:
 * any; otherwise: our own uid) whose environment cannot be read (root without CAP_SYS_PTRACE, on
 * kernels that guard `environ` with ptrace access) throws: "cannot tell" must not pass for "none left".
 *
 * @example
 * expect(processesWithEnv(`OCF_RESOURCE_INSTANCE=${id}`)).toEqual([]);
 */
export function processesWithEnv(entry: string): number[] {
  const me = process.getuid?.() ?? 0;
  const self = processStartMs(process.pid);
  const found: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A process older than this test cannot be one of its leftovers, readable or not.
      const started = processStartMs(pid);
      if (
        code === 'ENOENT' ||
        code === 'ESRCH' ||
        (me !== 0 && procUid(pid) !== me) ||
        (started !== undefined && self !== undefined && started < self)
      )
        continue;
      throw new Error(`cannot tell whether pid ${pid} (${stat.comm}) carries ${entry}: /proc/${pid}/environ: ${code}`);
    }
    if (environ.split('\0').includes(entry)) found.push(pid);
  }
  return found;
}
