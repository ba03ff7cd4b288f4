import type { QuorumConfig } from '../config/types';
import type { Codec } from './messages';

/** What `no-quorum-policy` does on a node whose partition lost quorum. */
export type NoQuorumPolicy = 'stop' | 'freeze' | 'ignore' | 'suicide';

/** The replicated document: how an update applies to it (pure; an error refuses the update). */
export type ApplyUpdate<C, O> = (content: C, op: O) => { ok: true; content: C } | { ok: false; error: string };

/** Everything a {@link MemberNode} is configured with. Times in ms. */
export interface NodeOptions<C, O> {
  name: string;
  /** Every configured node (ha.cf `node` lines); frames from anyone else are dropped. */
  nodes: readonly string[];
  /** How many media (links) this node sends on; a peer is dead only when every link misses it. */
  links: number;
  keepaliveMs: number;
  deadtimeMs: number;
  warntimeMs: number;
  initdeadMs: number;
  quorum: QuorumConfig;
  codec: Codec<C, O>;
  apply: ApplyUpdate<C, O>;
  /** Resources of the built-in placement (one instance each), when no controller is attached. */
  resources?: readonly string[];
  /** Fence lost nodes before their resources start elsewhere (stonith-enabled). */
  fencing?: boolean;
  noQuorumPolicy?: NoQuorumPolicy;
  /**
   * The largest channel message sent whole, in bytes of its JSON text; a larger one (a big CIB, a
   * node's status) is cut into parts of this size (default 48000: a part with its frame and HMAC
   * header fits a UDP datagram).
   */
  maxMessageBytes?: number;
  /** Retransmission interval of the reliable channel (default keepalive / 2). */
  retransmitMs?: number;
  /**
   * How long a member's heartbeat acknowledgement keeps counting for its DC's quorum. Default
   * deadtime - 2 × keepalive (at least deadtime / 2): a partitioned DC loses quorum before the
   * other side can have elected a DC of its own.
   */
  leaseMs?: number;
}

/** The lease a member grants its DC with each acknowledged beat (see {@link NodeOptions.leaseMs}). */
export function leaseMs(o: Pick<NodeOptions<unknown, unknown>, 'leaseMs' | 'deadtimeMs' | 'keepaliveMs'>): number {
  return o.leaseMs ?? Math.max(o.deadtimeMs - 2 * o.keepaliveMs, Math.floor(o.deadtimeMs / 2));
}

/** The votes needed for quorum: a majority of all configured votes, or 1 with two_node. */
export function quorumThreshold(nodes: readonly string[], q: QuorumConfig): number {
  if (q.twoNode) return 1;
  const total = nodes.reduce((s, n) => s + (q.votes[n] ?? 1), 0);
  return Math.floor(total / 2) + 1;
}
