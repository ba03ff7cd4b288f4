/**
 * What a node daemon in a cluster derives from its membership view, as pure functions: whether
 * its controller runs (only the DC's does), the node states the DC's controller is told
 * (joined/lost), the status section a new DC starts from, and the application messages the
 * daemons exchange over the membership's authenticated channel.
 */
import type { Cib, NodeState } from '../core/cib-model.js';
import { unpack } from '../core/unpack.js';
import type { OpOutcome } from '../crmd/controller.js';
import type { ExecAction } from '../crmd/exec-graph.js';
import { clearNode, setLost, setMembership, setPending, updateNode } from '../crmd/status.js';
import type { HistoryEntry } from '../fencing/fencer.js';
import type { FenceExec, FenceExecResult } from '../fencing/service.js';
import type { AdminRequest } from './admin-protocol.js';
import type { StatusMsg } from './status-sync.js';

/** The part of the membership's view these functions read. */
interface MembershipView {
  role: 'seeking' | 'member' | 'dc';
  dc: string | null;
  phase: 'collecting' | 'fetching' | 'syncing' | 'stable' | null;
  quorate: boolean;
  /** DC only: joined members, self included. */
  members: string[];
  /** Nodes heard within deadtime, self included. */
  alive: string[];
  /** The DC's term (a member: the term it joined in). */
  term: { n: number; dc: string } | null;
}

/** Messages between the daemons (carried by the membership, authenticated, in order). */
export type ClusterMsg =
  /** DC → member: run an action of the transition on your executor, report with `tag`. */
  | { k: 'exec'; tag: string; action: ExecAction }
  /** DC → member: cancel a recurring op. */
  | { k: 'cancel'; rsc: string; task: string; intervalMs: number }
  /** DC → member: the DC's status section (lrm history of every node, node states) to show, as differences (status-sync.ts). */
  | StatusMsg
  /** member → DC: a status difference did not fit this member's copy: send a full one. */
  | { k: 'status-resync' }
  /** member → DC: status version `v` of stream `src` applied. */
  | { k: 'status-ack'; src: string; v: number }
  /** member → DC: the result of an action. */
  | { k: 'result'; tag: string; outcome: OpOutcome }
  /**
   * member → DC, on joining a new DC: the node's own `node_state` (its operation history and
   * transient attributes) as its previous DC last recorded it, null when it has none. A new DC
   * starts from these instead of probing every member again (Pacemaker's join asks each node for
   * its lrm state).
   */
  | { k: 'history'; state: NodeState | null }
  /** member → DC: the node's committed attributes (attrd), the whole set. */
  | { k: 'attrs'; values: Record<string, string> }
  /** member → DC: an admin request the DC carries out (cleanup: the status is the DC's). */
  | { k: 'admin'; req: Extract<AdminRequest, { op: 'resource' }> }
  /** DC → member: run a fence device here for the DC's fencer. */
  | { k: 'fence-exec'; exec: FenceExec }
  /** member → DC: how that went. */
  | { k: 'fence-result'; result: FenceExecResult }
  /** Either way: fencing operations to add to the receiver's history (new or changed ones, or a joining node's catch-up). */
  | { k: 'fence-history'; entries: HistoryEntry[] };

/** Whether `body` looks like a {@link ClusterMsg} (it was authenticated: this guards against version skew, not attacks). */
export function isClusterMsg(body: unknown): body is ClusterMsg {
  const k = (body as { k?: unknown } | null)?.k;
  return (
    typeof k === 'string' &&
    [
      'exec',
      'cancel',
      'status',
      'status-resync',
      'status-ack',
      'result',
      'history',
      'attrs',
      'admin',
      'fence-exec',
      'fence-result',
      'fence-history',
    ].includes(k)
  );
}

/**
 * Whether this node's controller runs: only on a DC. It starts once the join is complete and the
 * partition has quorum, and keeps running while the node stays DC (quorum lost or not: the
 * scheduler applies `no-quorum-policy`). A DC that gets no quorum within `graceMs` of its
 * election (a partition too small: members would have joined within a few keepalives) starts it
 * anyway, so that `no-quorum-policy` applies to what runs on its side. A member or a node
 * between two DCs never runs one.
 *
 * @example
 * runsController(view, { running: false, dcForMs: 0, graceMs: 1000 })
 */
export function runsController(v: MembershipView, o: { running: boolean; dcForMs: number; graceMs: number }): boolean {
  if (v.role !== 'dc') return false;
  // The join completes before quorum (members' acknowledgements grant it): wait for both.
  return (v.phase === 'stable' && v.quorate) || o.running || (!v.quorate && o.dcForMs >= o.graceMs);
}

/**
 * Which DC, in which term, this node has joined as a member ('' when it is not a member). A
 * member hands its history to its DC whenever this changes: on joining a new DC, and on joining
 * the same DC again in a new term (a DC that re-termed dropped what was sent in the old one).
 *
 * @example
 * joinedDc({ role: 'member', dc: 'n1', term: { n: 7, dc: 'n1' } }) // 'n1 7/n1'
 */
export function joinedDc(v: Pick<MembershipView, 'role' | 'dc' | 'term'>): string {
  if (v.role !== 'member' || v.dc === null) return '';
  return `${v.dc} ${v.term ? `${v.term.n}/${v.term.dc}` : ''}`;
}

export type MemberState = 'joined' | 'lost' | 'pending';

/**
 * Every configured node but `self`: joined when in the DC's membership, pending when heard but not
 * joined yet (not fenced while it joins, as Pacemaker's join timeout allows), else lost.
 */
export function memberStates(v: MembershipView, nodes: readonly string[], self: string): Map<string, MemberState> {
  const out = new Map<string, MemberState>();
  for (const n of nodes) if (n !== self) out.set(n, v.members.includes(n) ? 'joined' : v.alive.includes(n) ? 'pending' : 'lost');
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
 * The status a new DC's controller starts from. A joined member's history is the one it sent at
 * the join (`histories`): what runs there keeps running, nothing is probed again; a joined member
 * that sent none (it has no history, or it did not answer in time) is probed, as Pacemaker erases a
 * joining node's history. Nodes still joining are pending; the others lost (their history kept:
 * with fencing it says what may still run there). Recurring entries are dropped from every kept
 * history, the DC's own included, so the scheduler asks for the monitors again: the executors keep
 * running them and report under the new DC's tags from then on.
 */
export function dcStartStatus(
  cib: Cib,
  states: ReadonlyMap<string, MemberState>,
  histories: ReadonlyMap<string, NodeState | null> = new Map(),
  self?: string,
): Cib {
  let out = self === undefined ? cib : withoutRecurring(cib, self);
  for (const [node, state] of states) {
    const history = histories.get(node);
    if (state === 'joined') {
      const taken = history
        ? withoutRecurring(
            updateNode(out, node, (s) => ({ ...s, lrm: history.lrm, transient: history.transient })),
            node,
          )
        : clearNode(out, node);
      out = setMembership(taken, node, true);
    } else out = state === 'pending' ? setPending(out, node) : setLost(out, node);
  }
  return out;
}

/** A node's history without its recurring entries (`<rsc>_last_failure_0` stays, as after a stop). */
function withoutRecurring(cib: Cib, node: string): Cib {
  return updateNode(cib, node, (s) => ({
    ...s,
    lrm: s.lrm.map((r) => ({ ...r, ops: r.ops.filter((o) => o.intervalMs === 0 || o.id.endsWith('_last_failure_0')) })),
  }));
}

/** The resources (history names) active on `node` according to `cib`. */
export function activeOn(cib: Cib, node: string, nowS: number): string[] {
  const ws = unpack(cib, nowS);
  return ws.primitives.filter((p) => p.runningOn.some((n) => n.uname === node)).map((p) => p.id);
}
