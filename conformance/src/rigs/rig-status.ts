import { parseCrmMon } from './crm-mon';
import type { ExecResult } from './docker-nodes';
import type { ClusterStatus } from './rig';

/** How {@link statusOfNodes} asks a rig's nodes. */
interface StatusSources {
  nodes: readonly string[];
  /** Ask only this node (its view, quorate or not). */
  via?: string | undefined;
  /** Nodes cut off from the cluster: asked last, their minority view says nothing about the cluster. */
  isolated: ReadonlySet<string>;
  isRunning(node: string): Promise<boolean>;
  /** Runs the stack's status command (crm_mon XML) in the node. */
  ask(node: string): Promise<ExecResult>;
}

/**
 * The cluster's view from `via`, or else from the first running node that answers with quorum
 * (a minority's view only when no node has quorum); throws with the last node's error when none answers.
 */
export async function statusOfNodes(o: StatusSources): Promise<ClusterStatus> {
  const candidates = o.via ? [o.via] : [...o.nodes.filter((n) => !o.isolated.has(n)), ...o.nodes.filter((n) => o.isolated.has(n))];
  let lastErr = 'no node is running';
  let minority: ClusterStatus | undefined;
  for (const n of candidates) {
    if (!o.via && !(await o.isRunning(n))) continue;
    const r = await o.ask(n);
    if (r.code === 0) {
      const st = parseCrmMon(r.stdout, n);
      if (o.via || st.quorate) return st;
      minority ??= st;
      continue;
    }
    lastErr = `${n}: ${r.stderr.trim() || r.stdout.trim()} (exit ${r.code})`;
  }
  if (minority) return minority;
  throw new Error(`cluster status unavailable: ${lastErr}`);
}

/**
 * Polls `status` until every node is online with a DC (90 s × OCFKIT_RIG_TIME_SCALE); on timeout
 * throws with what was last seen and `logs()`.
 */
export async function waitFormed(
  nodes: readonly string[],
  status: () => Promise<ClusterStatus>,
  logs: () => Promise<string>,
  progress: (line: string) => void,
): Promise<void> {
  const t0 = Date.now();
  const limit = 90_000 * Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);
  let last = '';
  while (Date.now() - t0 < limit) {
    const st = await status().catch((e: Error) => e);
    if (!(st instanceof Error)) {
      last = `${st.online.length}/${nodes.length} online, DC ${st.dc ?? 'none'}`;
      if (st.dc && st.online.length === nodes.length) {
        progress(`cluster formed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${last})`);
        return;
      }
    } else last = st.message;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the cluster did not form within ${limit / 1000} s (${last}); ${nodes[0]}'s log:\n${await logs()}`);
}
