import { createActions, endRole, finalNodes, type ResourceChange, unreadAfter, willFence } from './actions.js';
import { assignResource, isManaged, nodesByName, sortNodes } from './assign.js';
import { applyBlocking, applyUnrunnableStops } from './blocking.js';
import { connectionsBefore } from './bundles.js';
import type { Cib } from './cib-model.js';
import { addColocation, locationPlacements, unpackConstraints } from './constraints.js';
import { containerConstraints, guestRestartOrderings, resetGuestsWithFailedContainers } from './containers.js';
import { checkDefinitions } from './definition-change.js';
import { thresholdReached } from './failcount.js';
import { failCountsCleared } from './failcount-clear.js';
import type { TransitionGraph } from './graph.js';
import { describeGraph } from './graph-xml.js';
import { malformedValues } from './malformed-values.js';
import { healthLocations } from './node-health.js';
import { addNotifications } from './notifications.js';
import { isTrue } from './nvsets.js';
import { describeCycle, orderingCycles, withoutUnrunnable } from './order-cycles.js';
import {
  avoidRemoteNodes,
  fenceUnknownOnUnrecoverable,
  fenceUnrecoverableRemotes,
  isRemoteConnection,
  remoteConnectionAssigned,
} from './remote-nodes.js';
import { countedActive, needsFencing, needsQuorum } from './requires-fencing.js';
import { applyExclusiveDiscovery, noteDiscovery } from './resource-discovery.js';
import { expandedConstraints } from './resource-sets.js';
import { addScores, INFINITY } from './score.js';
import { applyShutdownLocks } from './shutdown-locks.js';
import { summarize } from './summary.js';
import { applyTickets } from './tickets.js';
import { withUnfencing } from './unfencing.js';
import { unmodelledFeatures } from './unmodelled.js';
import { ban, leaves, unpack } from './unpack.js';
import type { UnpackMemo } from './unpack-memo.js';
import { initUtilization, sortResourcesForPlacement } from './utilization.js';
import { stopCannotRunOn, type WNode, type WorkingSet, type WRsc } from './working-set.js';

/** Input of {@link schedule}: the CIB and the current time in seconds since the epoch. */
export interface ScheduleInput {
  cib: Cib;
  now: number;
  /**
   * Called with each allocation and promotion score line (crm_simulate `-s` format) as it is
   * computed, so a caller can stream them; without it no score line is formatted or kept.
   */
  onScore?: (line: string) => void;
  /**
   * Kept between runs on successive CIBs (a controller's): the unchanged parts of the status
   * section are not read again. The result is the same with or without it.
   */
  memo?: UnpackMemo;
  /**
   * Run as crm_simulate does by default: a resource whose history says only its private
   * parameters changed (crm_report masks them) is left alone. A live cluster restarts it.
   */
  sanitized?: boolean;
}

/** Where one resource ends up after the transition. */
export interface Placement {
  rsc: string;
  role: 'Stopped' | 'Started' | 'Unpromoted' | 'Promoted';
  node?: string;
  /** Every node it will be active on (more than one only for an unmanaged resource active on several). */
  nodes: string[];
}

/** Output of {@link schedule}. */
export interface ScheduleResult {
  graph: TransitionGraph;
  /** A crm_simulate-style human summary. */
  summary: string;
  /** Final role and node of every primitive, in configuration order. */
  placements: Placement[];
  warnings: string[];
  /**
   * What makes the configuration unrunnable as it stands: ordering cycles. Their actions, and
   * every action ordered after them, are left out of `graph` (which can therefore run to the end).
   */
  errors: string[];
}

function addScore(r: WRsc, node: string, score: number): void {
  r.allowed.set(node, addScores(r.allowed.get(node) ?? 0, score));
}

/**
 * Applies location scores to a resource as a location constraint does: a group gives them to its
 * first member only (when collocated: later members just become allowed there); a clone passes
 * them on to its instances.
 */
function applyPlacements(rsc: WRsc, placements: readonly { node: WNode; score: number }[], discovery?: string): void {
  const apply = (r: WRsc, reset: boolean) => {
    for (const p of placements) {
      noteDiscovery(r, p.node.uname, discovery);
      if (!r.allowed.has(p.node.uname)) r.allowed.set(p.node.uname, reset ? 0 : p.score);
      else if (!reset) addScore(r, p.node.uname, p.score);
    }
  };
  const applyTo = (r: WRsc): void => {
    apply(r, false);
    if (r.variant === 'group') {
      const colocated = r.meta.get('collocated') === undefined || isTrue(r.meta.get('collocated'));
      r.children.forEach((m, i) => {
        apply(m, colocated && i > 0);
      });
    } else r.children.forEach(applyTo);
  };
  applyTo(rsc);
}

function applyLocations(ws: WorkingSet): void {
  // Node health comes first, as Pacemaker creates its location constraints before the CIB's.
  for (const h of healthLocations(ws)) applyPlacements(h.rsc, h.placements);
  for (const c of expandedConstraints(ws.cib)) {
    if (c.kind !== 'location') continue;
    const rsc = ws.byId.get(c.rsc);
    if (!rsc) continue;
    const next = rsc.nextRole?.toLowerCase();
    const placements = locationPlacements(ws, c, (role) => role === undefined || role === next);
    if (placements.length === 0) continue;
    applyPlacements(rsc, placements, c.resourceDiscovery);
  }
}

function applyStickiness(ws: WorkingSet): void {
  for (const p of ws.primitives) {
    const node = p.runningOn[0];
    if (!p.managed || p.stickiness < 1 || p.runningOn.length !== 1 || !node) continue;
    if (!ws.symmetric && !p.allowed.has(node.uname)) continue;
    addScore(p, node.uname, p.stickiness);
  }
}

function applyFailureThresholds(ws: WorkingSet, cleared: ReadonlySet<string>): void {
  for (const node of ws.nodes) {
    for (const top of ws.resources) {
      for (const p of leaves(top)) {
        // A fail count about to be cleared bans nothing (failcount-clear.ts).
        if (cleared.has(`${p.id}@${node.uname}`)) continue;
        const failed = thresholdReached(ws, p, node);
        if (!failed) continue;
        ban(failed, node.uname);
      }
    }
  }
}

function groupInternalColocations(ws: WorkingSet): void {
  for (const r of ws.byId.values()) {
    if (r.variant !== 'group') continue;
    if (!(r.meta.get('collocated') === undefined || isTrue(r.meta.get('collocated')))) continue;
    for (let i = 1; i < r.children.length; i++) {
      const member = r.children[i] as WRsc;
      addColocation(ws, {
        id: 'group:internal_colocation',
        dependent: member,
        primary: r.children[i - 1] as WRsc,
        score: INFINITY,
        influence: member.critical,
      });
    }
  }
}

/**
 * A primitive active on cluster nodes that left cleanly (their history read because of
 * `shutdown-lock`) and on one online, clean node, where it was assigned and has nothing to
 * recover: Pacemaker's stops are all optional (not multiply active, as it needs no fencing and
 * counts only online, clean nodes; not moving, failed or stopping), so nothing is done and it stays
 * active on all of them, the nodes that left made unclean by their unrunnable optional stop
 * (pcmk__primitive_create_actions, stop_resource, update_resource_action_runnable).
 *
 * @example
 * staysWithOptionalStops(ws, web, new Set([node4])) // true: web started on node3 and on node4
 */
function staysWithOptionalStops(ws: WorkingSet, p: WRsc, leftCleanly: ReadonlySet<WNode>): boolean {
  const counted = countedActive(ws, p);
  const here = counted[0];
  return (
    here !== undefined &&
    counted.length === 1 &&
    !needsFencing(ws, p) &&
    isManaged(ws, p) &&
    p.assignedTo === here &&
    p.nextRole !== 'Stopped' &&
    !p.failed &&
    !p.blocked &&
    !p.failedOn.includes(here) &&
    !(p.definitionChangedOn?.includes(here) ?? false) &&
    p.runningOn.every((n) => n === here || leftCleanly.has(n))
  );
}

function finalRoles(ws: WorkingSet): void {
  const stopAll = !ws.haveQuorum && ws.noQuorumPolicy === 'stop';
  const demoteOnly = !ws.haveQuorum && ws.noQuorumPolicy === 'demote';

  // A managed resource active on a cluster node that is down and clean needs a stop there that
  // cannot run: the node becomes unclean, and cannot be fenced.
  const leftCleanly = new Set(ws.nodes.filter(stopCannotRunOn));
  for (const p of ws.primitives) for (const n of p.runningOn) if (leftCleanly.has(n) && isManaged(ws, p)) n.unclean = true;
  for (const p of ws.primitives) {
    const stuck = p.runningOn.find((n) => n.unclean && !willFence(ws, n));
    if (stuck && !stopAll && !demoteOnly && staysWithOptionalStops(ws, p, leftCleanly)) {
      // Nothing asks for its stops: the one on the node that left stays optional (and unrunnable).
      p.keptOn = p.runningOn.filter((n) => leftCleanly.has(n));
    } else if (stuck) {
      // Active on an unclean node that will not be fenced: it cannot be stopped there, so nothing moves.
      p.assignedTo = stuck;
      p.nextRole = p.role;
      // Pacemaker still creates its stop there, unrunnable: "Stop X (node) blocked".
      if (!stuck.online && isManaged(ws, p)) p.blockedStop = true;
      continue;
    }
    if (!isManaged(ws, p)) {
      // Unmanaged resources keep their current role wherever they are (an orphan clone instance too).
      p.assignedTo ??= p.runningOn[0];
      p.nextRole = p.assignedTo ? p.role : 'Stopped';
      continue;
    }
    // no-quorum-policy=freeze only keeps stopped resources from starting (see assignPrimitive); an
    // active resource may still move.
    // no-quorum-policy=demote: active instances of a promotable clone stay (demoted, never promoted),
    // everything else is treated as under no-quorum-policy=stop (Pacemaker's effective_quorum_policy).
    const keptByDemote = demoteOnly && (p.role === 'Promoted' || p.role === 'Unpromoted');
    if ((stopAll || (demoteOnly && !keptByDemote)) && needsQuorum(p)) {
      // Its start cannot run: a stopped resource stays stopped ("Start ... due to no quorum (blocked)").
      if (p.runningOn.length === 0 && p.assignedTo && p.nextRole !== 'Stopped') {
        p.blockedStartOn = p.assignedTo;
        p.blockedStartPromoted = p.nextRole === 'Promoted';
      }
      p.nextRole = 'Stopped';
    }
    if (p.nextRole === 'Stopped' || !p.assignedTo) {
      p.nextRole = 'Stopped';
      continue;
    }
    // Outside a promotable clone nothing promotes: a primitive found Promoted ends Started (demoted).
    p.nextRole ??= p.promotable && (p.role === 'Promoted' || p.role === 'Unpromoted') ? p.role : 'Started';
    if (demoteOnly && p.nextRole === 'Promoted' && needsQuorum(p)) p.nextRole = 'Unpromoted';
  }
}

/**
 * Pacemaker's policy engine as a pure function: from the CIB and the time, decide where every
 * resource runs and which actions get there. No I/O, no clock, no randomness.
 *
 * @example
 * const { graph, summary } = schedule({ cib: importCib(xml), now: 1_700_000_000, onScore: (line) => print(line) });
 */
export function schedule(input: ScheduleInput): ScheduleResult {
  const ws = unpack(input.cib, input.now, input.memo);
  ws.onScore = input.onScore;
  ws.warnings.push(...unmodelledFeatures(ws.cib), ...malformedValues(ws.cib));
  for (const r of ws.byId.values())
    if (r.configuredMax !== undefined)
      ws.warnings.push(
        `${r.id}: clone-max=${r.configuredMax} is more than its ${ws.nodes.length} node(s) can run; only ${r.children.length} instance(s) considered`,
      );
  checkDefinitions(ws, { sanitized: input.sanitized === true, ...(input.memo ? { memo: input.memo } : {}) });
  unpackConstraints(ws);
  applyTickets(ws);
  applyShutdownLocks(ws);
  applyLocations(ws);
  applyStickiness(ws);
  applyFailureThresholds(ws, failCountsCleared(ws, input.sanitized === true));
  applyExclusiveDiscovery(ws);
  groupInternalColocations(ws);
  containerConstraints(ws);
  initUtilization(ws);
  // Connections and fence devices avoid remote nodes before resources are sorted for placement
  // (pcmk__create_internal_constraints comes before allocate_resources' sort in Pacemaker).
  avoidRemoteNodes(ws);
  // Pacemaker sorts its node list (by name), not a node table, to order the resources.
  sortResourcesForPlacement(
    ws,
    sortNodes(
      ws,
      nodesByName(ws).map((n) => [n.uname, 0]),
      undefined,
      false,
    ).map(([n]) => n),
  );
  // Remote connections are assigned first: where they go decides which remote nodes can run resources.
  for (const r of ws.resources) {
    // (Not a bundle's: Pacemaker assigns those with their bundle.)
    if (r.primitive === undefined || !isRemoteConnection(r.primitive) || r.bundleImplied) continue;
    // A connection in the middle of a migration prefers to finish it (its target).
    assignResource(ws, r, r.migration?.partial?.target);
    remoteConnectionAssigned(ws, r);
  }
  for (const r of ws.resources) {
    for (const conn of connectionsBefore(ws, r)) {
      assignResource(ws, conn);
      remoteConnectionAssigned(ws, conn);
    }
    assignResource(ws, r);
    if (r.primitive !== undefined && isRemoteConnection(r.primitive) && r.bundleImplied) remoteConnectionAssigned(ws, r);
  }
  finalRoles(ws);
  applyBlocking(ws);
  applyUnrunnableStops(ws);
  resetGuestsWithFailedContainers(ws);
  fenceUnrecoverableRemotes(ws);
  guestRestartOrderings(ws);
  const created = withUnfencing(ws, () => {
    const first = createActions(ws);
    return fenceUnknownOnUnrecoverable(ws, first.graph) ? createActions(ws) : first;
  });
  const { changes } = created;
  const { graph, errors } = withoutCycles(addNotifications(ws, created.graph), changes);
  const unread = unreadAfter(ws, changes);
  return {
    // Self-contained actions (agent, parameters, meta, target rc), described from a fresh unpack
    // of the same input: scheduling has changed the working set's priorities and roles.
    graph: describeGraph(graph, input),
    summary: summarize(ws, graph, changes, unread),
    placements: changes.map((c: ResourceChange): Placement => {
      const on = finalNodes(ws, c, unread);
      return {
        rsc: c.rsc.id,
        role: (on.length > 0 ? endRole(c) : 'Stopped') as Placement['role'],
        node: on.length > 0 ? c.to?.uname : undefined,
        nodes: on.map((n) => n.uname),
      };
    }),
    warnings: ws.warnings,
    errors,
  };
}

/**
 * Leaves ordering cycles out of the graph (with everything ordered after them) and makes the
 * changes say what will really happen: a resource whose start cannot run stays stopped (shown as
 * a blocked start), one whose stop or demote cannot run stays as it is.
 */
function withoutCycles(graph: TransitionGraph, changes: ResourceChange[]): { graph: TransitionGraph; errors: string[] } {
  const cycles = orderingCycles(graph);
  if (cycles.length === 0) return { graph, errors: [] };
  const errors = cycles.map(
    (c) => `ordering cycle: ${describeCycle(graph, c)} — these actions can never run (check the order constraints between them)`,
  );
  const { graph: runnable, dropped } = withoutUnrunnable(graph, new Set(cycles.flat()));
  const lost = new Map<string, Set<string>>();
  for (const id of dropped) {
    const a = graph.actions[id];
    if (!a?.rsc || a.probe || a.task === 'monitor') continue;
    lost.set(a.rsc, (lost.get(a.rsc) ?? new Set()).add(a.task));
  }
  for (const c of changes) {
    const tasks = lost.get(c.rsc.id);
    if (!tasks) continue;
    if (tasks.has('stop') || tasks.has('demote')) {
      c.to = c.from[0];
      c.toRole = c.fromRole;
      delete c.finalRole;
    } else if (tasks.has('start')) {
      if (c.from.length === 0) c.rsc.blockedStartOn = c.to;
      c.to = undefined;
      c.toRole = 'Stopped';
    } else if (tasks.has('promote')) c.toRole = 'Unpromoted';
  }
  return { graph: runnable, errors };
}
