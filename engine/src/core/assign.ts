import { keepReplicasFirst, nestedConnection } from './bundles.js';
import { assignClone } from './clone.js';
import { addColocatedNodeScores, anyNodeAvailable, applyColocationScore, colocationHasInfluence, nodeAvailable } from './colocation.js';
import { insertThisWith, insertWithThis } from './constraints.js';
import { glibHashValuesOrder, glibListSort } from './glib-order.js';
import { compatibleInstance, interleavedColocation } from './interleave.js';
import { probeBlocksStart } from './pending-node.js';
import { currentNode, needsQuorum } from './requires-fencing.js';
import { formatScore, INFINITY } from './score.js';
import { banInsufficientCapacity, compareCapacities, consumeCapacity, releaseCapacity } from './utilization.js';
import type { Coloc, WNode, WorkingSet, WRsc } from './working-set.js';

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Pacemaker's node list order (`pe__cmp_node_name`): by name, case-insensitive, numeric portions
 * as numbers — here a numeric, case-insensitive collation, which agrees on names of letters and
 * digits (punctuation may order differently).
 */
const byNodeName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The cluster's nodes in Pacemaker's node list order (names compared as `pe__cmp_node_name` does). */
export function nodesByName(ws: WorkingSet): WNode[] {
  return [...ws.nodes].sort((a, b) => byNodeName.compare(a.uname, b.uname));
}

/**
 * Sorts candidate nodes best first: score (unavailable nodes count as -INFINITY), then (with
 * `placement-strategy=balanced`) more capacity left, then fewer resources already assigned, then
 * the node the resource is active on, then node name (only the name with `minimal`).
 *
 * @example
 * sortNodes(ws, [...rsc.allowed], current)[0] // the best node and its score
 */
export function sortNodes(ws: WorkingSet, entries: [string, number][], active: WNode | undefined, fromTable = true): [WNode, number][] {
  const list = entries.map(([name, score]) => [ws.nodeByName.get(name) as WNode, score] as [WNode, number]);
  const eff = (n: WNode, s: number) => (nodeAvailable(n, s, false) ? s : -INFINITY);
  const strategy = ws.placementStrategy ?? 'default';
  const cmp = ([a, sa]: [WNode, number], [b, sb]: [WNode, number]): number => {
    const wa = eff(a, sa);
    const wb = eff(b, sb);
    if (wa !== wb) return wa > wb ? -1 : 1;
    if (strategy === 'minimal') return strcmp(a.uname, b.uname);
    if (strategy === 'balanced') {
      const c = compareCapacities(a, b);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    if (a.numResources !== b.numResources) return a.numResources < b.numResources ? -1 : 1;
    if (active) {
      if (active === a) return -1;
      if (active === b) return 1;
    }
    return strcmp(a.uname, b.uname);
  };
  if (strategy !== 'balanced') return list.sort(cmp);
  // Capacity votes are not transitive: the outcome depends on the order Pacemaker sorts in — a
  // node table's (a resource's allowed nodes), or the list as given (the cluster's node list).
  if (!fromTable) return glibListSort(list, cmp);
  const byId = new Map(list.map((e) => [e[0].id, e]));
  return glibListSort(
    glibHashValuesOrder(list.map(([n]) => n.id)).map((id) => byId.get(id) as [WNode, number]),
    cmp,
  );
}

function showScores(ws: WorkingSet, fn: string, rsc: WRsc, table: ReadonlyMap<string, number>): void {
  const onScore = ws.onScore;
  if (!onScore || rsc.orphan) return; // Pacemaker shows no scores for orphans
  const names = [...table.keys()].sort(strcmp);
  for (const n of names) onScore(`${fn}: ${rsc.id} allocation score on ${n}: ${formatScore(table.get(n) ?? 0)}`);
}

function finalize(rsc: WRsc, chosen: WNode | undefined, score: number, force: boolean): boolean {
  if (!force && chosen && (score < 0 || !nodeAvailable(chosen, score, true))) {
    rsc.nextRole = 'Stopped';
    chosen = undefined;
  }
  rsc.assignedTo = undefined;
  rsc.provisional = false;
  if (!chosen) {
    rsc.nextRole = 'Stopped';
    return false;
  }
  rsc.assignedTo = chosen;
  rsc.assignedScore = score;
  chosen.numResources++;
  consumeCapacity(chosen, rsc);
  return true;
}

function assignBestNode(ws: WorkingSet, rsc: WRsc, prefer?: WNode): boolean {
  if (!rsc.provisional) return rsc.assignedTo !== undefined;
  // Nodes without room are banned even when a node is preferred (a clone instance's current node).
  const mostFree = banInsufficientCapacity(ws, rsc);
  prefer ??= mostFree;
  const current = currentNode(ws, rsc);
  const nodes = sortNodes(ws, [...rsc.allowed], current);
  const best = nodes[0];
  let chosen: [WNode, number] | undefined;
  if (prefer && best) {
    // The preferred node wins when it is as good as the best one and can run resources.
    const score = rsc.allowed.get(prefer.uname);
    if (score !== undefined && score >= best[1] && nodeAvailable(prefer, score, true)) chosen = [prefer, score];
  }
  if (chosen) return finalize(rsc, chosen[0], chosen[1], false);
  chosen = best;
  // Not for a globally-unique instance: the clone already kept instances where they run when it
  // could, and any other instance should not crowd a node that runs one.
  const uniqueInstance = rsc.parent?.variant === 'clone' && rsc.parent.unique;
  if (
    best &&
    !uniqueInstance &&
    best[1] > 0 &&
    nodeAvailable(best[0], best[1], false) &&
    current &&
    nodeAvailable(current, rsc.allowed.get(current.uname) ?? -INFINITY, true)
  ) {
    // Equal best scores: prefer the node the resource is already active on.
    for (const entry of nodes.slice(1)) {
      if (entry[1] !== best[1]) break;
      if (entry[0] === current) chosen = entry;
    }
  }
  return finalize(rsc, chosen?.[0], chosen?.[1] ?? -INFINITY, false);
}

/**
 * An INFINITY colocation with a bundle of several replicas (Pacemaker's
 * pcmk__bundle_apply_coloc_score): the bundle is assigned, then the resource may run only where
 * one of its containers is assigned (and not blocked).
 */
function applyWithBundle(ws: WorkingSet, rsc: WRsc, b: NonNullable<WRsc['withBundle']>[number]): void {
  for (const part of b.parts) assignResource(ws, part);
  const hosts = new Set(b.containers.flatMap((c) => (c.assignedTo && !c.blocked ? [c.assignedTo.uname] : [])));
  for (const node of rsc.allowed.keys()) if (!hosts.has(node)) rsc.allowed.set(node, -INFINITY);
}

function applyThisWith(ws: WorkingSet, rsc: WRsc, c: Coloc): void {
  const archive = c.dependentRole === 'Promoted' || (c.score < 0 && c.score > -INFINITY) ? new Map(rsc.allowed) : undefined;
  assignResource(ws, c.primary);
  applyInstanceColocation(ws, rsc, c);
  if (archive && !anyNodeAvailable(ws, rsc.allowed)) rsc.allowed = archive;
}

/**
 * Applies one of a resource's "this with" colocations once its primary is placed: a clone
 * instance's colocation between interleaved clones pairs it with the primary's instance on its
 * node; any other goes to the primary as a whole. Used while placing and, for a promotable clone's
 * instances, while their roles are chosen (Pacemaker's apply_coloc_score with for_dependent).
 *
 * @example
 * applyInstanceColocation(ws, ws.byId.get('B:0')!, coloc);
 */
export function applyInstanceColocation(ws: WorkingSet, rsc: WRsc, c: Coloc): void {
  if (interleavedColocation(c) && rsc !== c.dependent) applyInterleaved(ws, rsc, c);
  else applyColocationScore(ws, rsc, c.primary, c);
}

/**
 * An interleaved clone's instance is colocated with the other clone's instance on its node (the
 * first of its best nodes that has one); when there is none and the colocation is mandatory, the
 * instance cannot run at all.
 */
function applyInterleaved(ws: WorkingSet, rsc: WRsc, c: Coloc): void {
  if (c.primary.provisional) return;
  const pair = compatibleInstance(ws, rsc, c.primary, false);
  if (pair) applyColocationScore(ws, rsc, pair, c);
  else if (c.score >= INFINITY) {
    unassign(rsc);
    finalize(rsc, undefined, 0, true);
  }
}

function applyWithThis(ws: WorkingSet, rsc: WRsc, c: Coloc): void {
  if (!colocationHasInfluence(c)) return;
  const factor = Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
  rsc.allowed = addColocatedNodeScores(ws, c.dependent, rsc.allowed, c.nodeAttribute, factor, { active: true }) ?? rsc.allowed;
}

/**
 * Whether the scheduler may act on a resource: it is managed, the cluster is not in maintenance
 * mode, and fencing is not enabled without any fence device (then Pacemaker touches nothing).
 */
export function isManaged(ws: WorkingSet, rsc: WRsc): boolean {
  return rsc.managed && !ws.maintenanceMode && !(ws.stonithEnabled && !ws.haveStonithResource);
}

/** Undoes an assignment (a clone instance that did not land on its preferred node). */
export function unassign(rsc: WRsc): void {
  if (rsc.assignedTo && rsc.assignedTo.numResources > 0) rsc.assignedTo.numResources--;
  if (rsc.assignedTo && rsc.variant === 'primitive') releaseCapacity(rsc.assignedTo, rsc);
  rsc.assignedTo = undefined;
  rsc.provisional = true;
  rsc.nextRole = rsc.initialNextRole;
  rsc.frozen = false;
  for (const c of rsc.children) unassign(c);
}

function assignPrimitive(ws: WorkingSet, rsc: WRsc, prefer?: WNode): WNode | undefined {
  if (rsc.parent && !rsc.parent.allocating) assignResource(ws, rsc.parent);
  if (!rsc.provisional) return rsc.assignedTo;
  if (rsc.allocating) return undefined;
  rsc.allocating = true;
  for (const b of rsc.withBundle ?? []) applyWithBundle(ws, rsc, b);
  for (const c of [...rsc.thisWith]) applyThisWith(ws, rsc, c);
  for (const c of [...rsc.withThis]) applyWithThis(ws, rsc, c);
  if (rsc.bundleReplicas && prefer === undefined) keepReplicasFirst(ws, rsc, (r, node) => assignResource(ws, r, node));
  if (rsc.bundleImplied) nestedConnection(ws, rsc, (r) => assignResource(ws, r));
  if (rsc.nextRole === 'Stopped') {
    for (const n of ws.nodes) rsc.allowed.set(n.uname, -INFINITY);
  } else if (!ws.haveQuorum && ws.noQuorumPolicy === 'freeze' && (rsc.role === 'Stopped' || rsc.restartForced) && needsQuorum(rsc)) {
    // Assigned as usual, but its start cannot run ("due to quorum freeze (blocked)"). So it is for
    // a restart a changed digest forced: Pacemaker created that start with no node, unrunnable,
    // and freeze only ever clears runnable (update_resource_action_runnable), so it stops.
    rsc.nextRole = 'Stopped';
    rsc.frozen = true;
  } else if (probeBlocksStart(ws, rsc)) {
    // Its probe on a pending node cannot run, so neither can its start ("blocked").
    rsc.nextRole = 'Stopped';
    rsc.frozen = true;
  }
  showScores(ws, 'pcmk__primitive_assign', rsc, rsc.allowed);
  if (!isManaged(ws, rsc)) {
    rsc.nextRole = rsc.role;
    finalize(rsc, rsc.runningOn[0], 0, true);
  } else if (ws.stopAll) {
    finalize(rsc, undefined, 0, true);
  } else {
    // A bundle's replicas keep their nodes when they can (Pacemaker's distribute_children).
    assignBestNode(ws, rsc, prefer ?? (rsc.bundleReplica ? rsc.runningOn[0] : undefined));
  }
  rsc.allocating = false;
  return rsc.assignedTo;
}

function expandGroupColocations(ws: WorkingSet, group: WRsc): void {
  const first = group.children[0];
  const last = group.children[group.children.length - 1];
  if (!first || !last) return;
  for (const c of group.thisWith) insertThisWith(first, c);
  // After an unmanaged member the group's internal colocations no longer carry a mandatory
  // colocation to the later members: each gets it itself (Pacemaker's expand_group_colocations).
  let anyUnmanaged = !isManaged(ws, first);
  for (const m of group.children.slice(1)) {
    if (anyUnmanaged) for (const c of group.thisWith) if (c.score === INFINITY) insertThisWith(m, c);
    if (!isManaged(ws, m)) anyUnmanaged = true;
  }
  group.thisWith = [];
  for (const c of group.withThis) insertWithThis(last, c);
  group.withThis = [];
}

function assignGroup(ws: WorkingSet, rsc: WRsc, prefer?: WNode): WNode | undefined {
  if (!rsc.provisional) return rsc.assignedTo;
  if (rsc.allocating) return undefined;
  if (rsc.children.length === 0) {
    rsc.provisional = false;
    return undefined;
  }
  rsc.allocating = true;
  const first = rsc.children[0] as WRsc;
  rsc.role = first.role;
  expandGroupColocations(ws, rsc);
  showScores(ws, 'pcmk__group_assign', rsc, rsc.allowed);
  for (const m of rsc.children) showScores(ws, 'pcmk__group_assign', m, m.allowed);
  let firstNode: WNode | undefined;
  for (const m of rsc.children) {
    const node = assignResource(ws, m, prefer);
    firstNode ??= node;
  }
  rsc.nextRole = first.nextRole;
  rsc.allocating = false;
  rsc.provisional = false;
  rsc.assignedTo = firstNode;
  return firstNode;
}

/**
 * Assigns a resource (and, first, whatever it must be colocated with) to a node, or to none.
 *
 * @example
 * for (const r of ws.resources) assignResource(ws, r);
 */
export function assignResource(ws: WorkingSet, rsc: WRsc, prefer?: WNode): WNode | undefined {
  if (rsc.variant === 'primitive') return assignPrimitive(ws, rsc, prefer);
  if (rsc.variant === 'group') return assignGroup(ws, rsc, prefer);
  return assignClone(ws, rsc);
}
