import { listPids, readProcStat } from '../process/proc';

/** Parent pid of every process /proc shows (Linux). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of listPids()) {
    const stat = readProcStat(pid); // undefined: the process exited while we looked
    if (stat) map.set(pid, stat.ppid);
  }
  return map;
}

/** `pid` and all its descendants, parents before children. */
function processTree(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, parent] of parents()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    out.push(p);
    queue.push(...(byParent.get(p) ?? []));
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Kills a process and every descendant. Each one is stopped first (top down, repeated until the
 * tree stops growing), so none can fork or be re-parented away, then all get SIGKILL.
 *
 * @example
 * killTree(child.pid);
 */
export function killTree(pid: number): void {
  const stopped = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const tree = processTree(pid).filter((p) => !stopped.has(p));
    if (tree.length === 0) break;
    for (const p of tree) {
      signal(p, 'SIGSTOP');
      stopped.add(p);
    }
  }
  for (const p of stopped) signal(p, 'SIGKILL');
}
