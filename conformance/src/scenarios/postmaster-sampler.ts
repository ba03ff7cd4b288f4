import type { Rig } from '../rigs/rig';

/** Postmaster pids by node, in one sample of every node. */
type PostmasterSample = ReadonlyMap<string, readonly string[]>;

/**
 * One sample of every node at once: the pids of the processes matching `pattern` (`pgrep -f`,
 * a postmaster's command line) on each node that answers. A node that is down or does not answer
 * runs nothing (a killed node's processes went with it).
 */
export async function samplePostmasters(rig: Rig, pattern: string, timeoutMs: number): Promise<PostmasterSample> {
  const found = await Promise.all(
    rig.nodes.map(async (n): Promise<[string, string[]]> => {
      const r = await rig.exec(n, ['pgrep', '-f', pattern], { timeoutMs }).catch(() => undefined);
      const pids = r?.code === 0 ? r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())) : [];
      return [n, pids.map((p) => p.trim())];
    }),
  );
  return new Map(found.filter(([, pids]) => pids.length > 0));
}

/**
 * The nodes that ran a postmaster at one and the same moment, proven by two samples taken one
 * after the other: a pid seen on a node in both ran there from the first sample to the second,
 * so two such nodes overlapped (a pid seen once may have exited before the other node's started:
 * a clean handover, not an overlap). Nothing when fewer than two nodes kept a postmaster.
 *
 * @example
 * overlapOf(new Map([['node1', ['565']], ['node2', ['812']]]), new Map([['node1', ['565']], ['node2', ['812']]]))
 * // [['node1', ['565']], ['node2', ['812']]]
 */
export function overlapOf(first: PostmasterSample, second: PostmasterSample): [string, string[]][] {
  const kept: [string, string[]][] = [];
  for (const [node, pids] of first) {
    const still = pids.filter((p) => second.get(node)?.includes(p));
    if (still.length > 0) kept.push([node, still]);
  }
  return kept.length > 1 ? kept : [];
}

/** The sampler's finding about an overlap: the nodes and their pids. */
export function describeOverlap(overlap: readonly (readonly [string, readonly string[]])[], pgdata: string, apartMs: number): string {
  const who = overlap.map(([n, pids]) => `${n} (pid ${pids.join(', ')})`).join(' and ');
  return `postmasters ran on ${who} at once, on the shared data directory ${pgdata} (seen in two samples ${Math.round(apartMs / 100) / 10} s apart)`;
}
