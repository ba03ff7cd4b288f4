/**
 * What a node daemon in a cluster derives from its membership view, as pure functions: whether
 * its controller runs (only the DC's does), the node states the DC's controller is told
 * (joined/lost), the status section a new DC starts from, and the application messages the
 * daemons exchange over the membership's authenticated channel.
 */
import type { Cib } from '../core/cib-model.js';
import { unpack } from '../core/unpack.js';
import type { OpOutcome } from '../crmd/controller.js';
import type { ExecAction } from '../crmd/exec-graph.js';
import { clearNode, setLost, setMembership } from '../crmd/status.js';
import type { AdminRequest } from './admin-protocol.js';

/** The part of the membership's view these functions read. */
export interface MembershipView {
  role: 'seeking' | 'member' | 'dc';
  dc: string | null;
  phase: 'collecting' | 'fetching' | 'syncing' | 'stable' | null;
  quorate: boolean;
  /** DC only: joined members, self included. */
  members: string[];
}

/** Messages between the daemons (carried by the membership, authenticated, in order). */
export type ClusterMsg =
  /** DC → member: run an action of the transition on your executor, report with `tag`. */
  | { k: 'exec'; tag: string; action: ExecAction }
  /** DC → member: cancel a recurring op. */
  | { k: 'cancel'; rsc: string; task: string; intervalMs: number }
  /** DC → member: the DC's status section (lrm history of every node, node states) to show. */
  | { k: 'status'; xml: string; haveQuorum: string; dcUuid: string }
  /** member → DC: the result of an action. */
  | { k: 'result'; tag: string; outcome: OpOutcome }
  /** member → DC: the node's committed attributes (attrd), the whole set. */
  | { k: 'attrs'; values: Record<string, string> }
  /** member → DC: an admin request the DC carries out (cleanup: the status is the DC's). */
  | { k: 'admin'; req: Extract<AdminRequest, { op: 'resource' }> };

/** Whether `body` looks like a {@link ClusterMsg} (it was authenticated: this guards against version skew, not attacks). */
export function isClusterMsg(body: unknown): body is ClusterMsg {
  const k = (body as { k?: unknown } | null)?.k;
  return typeof k === 'string' && ['exec', 'cancel', 'status', 'result', 'attrs', 'admin'].includes(k);
}

/**
 * Whether this node's controller runs: on the DC only, once it holds the partition's CIB (the join
 * is complete), or at once when it has no quorum (then the scheduler only applies
 * no-quorum-policy, which needs no newer configuration).
 */
export function runsController(v: MembershipView): boolean {
  return v.role === 'dc' && (v.phase === 'stable' || !v.quorate);
}

export type MemberState = 'joined' | 'lost';

/** Every configured node but `self`: joined when in the DC's membership, else lost. */
export function memberStates(v: MembershipView, nodes: readonly string[], self: string): Map<string, MemberState> {
  const out = new Map<string, MemberState>();
  for (const n of nodes) if (n !== self) out.set(n, v.members.includes(n) ? 'joined' : 'lost');
  return out;
}

/** The nodes whose state changed from `prev` to `next`. */
export function memberChanges(
  prev: ReadonlyMap<string, MemberState>,
  next: ReadonlyMap<string, MemberState>,
): { node: string; state: MemberState }[] {
  const out: { node: string; state: MemberState }[] = [];
  for (const [node, state] of next) if (prev.get(node) !== state) out.push({ node, state });
  return out;
}

/**
 * The status a new DC's controller starts from: the members' history erased (they are probed
 * again, as Pacemaker erases a joining node's history), the others lost (their history kept: with
 * fencing it says what may still run there).
 */
export function dcStartStatus(cib: Cib, states: ReadonlyMap<string, MemberState>): Cib {
  let out = cib;
  for (const [node, state] of states) out = state === 'joined' ? setMembership(clearNode(out, node), node, true) : setLost(out, node);
  return out;
}

/** The resources (history names) active on `node` according to `cib`. */
export function activeOn(cib: Cib, node: string, nowS: number): string[] {
  const ws = unpack(cib, nowS);
  return ws.primitives.filter((p) => p.runningOn.some((n) => n.uname === node)).map((p) => p.id);
}
