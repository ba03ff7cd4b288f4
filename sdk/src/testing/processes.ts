import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of live processes whose environment contains `entry` (e.g. `OCF_RESKEY_state=/tmp/x`):
 * how tests find processes an agent left behind, wherever they were re-parented.
 * Zombies (exited, not yet reaped) do not count.
 *
 * @example
 * expect(processesWithEnv(`OCF_RESOURCE_INSTANCE=${id}`)).toEqual([]);
 */
export function processesWithEnv(entry: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry)) found.push(Number(pid));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
