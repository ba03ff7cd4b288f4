import { addColocatedNodeScores, colocationAffects, nodeAvailable } from './colocation.js';
import type { GraphBuilder } from './graph.js';
import { flattenSets } from './nvsets.js';
import { addScores, INFINITY } from './score.js';
import { leaves } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * Pacemaker's `placement-strategy`: `default` ignores utilization; the others keep resources off
 * nodes without enough capacity left, and `balanced` prefers the node with the most capacity
 * free, `minimal` fills nodes in name order (no spreading by resource count).
 */
export type PlacementStrategy = 'default' | 'utilization' | 'minimal' | 'balanced';

const STRATEGIES: readonly string[] = ['default', 'utilization', 'minimal', 'balanced'];

/** A utilization value as Pacemaker reads it: a leading integer (clamped to 32 bits), else 0. */
function utilizationValue(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  if (!m) return 0;
  return Math.min(2147483647, Math.max(-2147483648, Number(m[0])));
}

function table(sets: Parameters<typeof flattenSets>[0] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of flattenSets(sets ?? [])) out.set(k, utilizationValue(v));
  return out;
}

/**
 * Reads the placement strategy (an unknown value counts as `default`, as in Pacemaker), and,
 * unless it is `default`, every node's capacity and every primitive's utilization.
 *
 * @example
 * initUtilization(ws); ws.placementStrategy // 'balanced'
 */
export function initUtilization(ws: WorkingSet): void {
  const value = ws.options.get('placement-strategy')?.toLowerCase() ?? 'default';
  const strategy = (STRATEGIES.includes(value) ? value : 'default') as PlacementStrategy;
  ws.placementStrategy = strategy;
  if (strategy === 'default') return;
  const byId = new Map(ws.nodes.map((n) => [n.id, n]));
  for (const n of ws.cib.nodes) {
    const node = byId.get(n.id);
    if (node) node.capacity = table(n.utilization);
  }
  for (const p of ws.primitives) p.utilization = table(p.primitive?.utilization);
}

/**
 * Compares the capacity left on two nodes, one vote per utilization name: negative when `a` has
 * more left on more names than `b` (names a node lacks count as 0).
 *
 * @example
 * compareCapacities(n1, n2) < 0 // n1 is the emptier node
 */
export function compareCapacities(a: WNode, b: WNode): number {
  const ca = a.capacity;
  const cb = b.capacity;
  let result = 0;
  const vote = (x: number, y: number) => {
    if (x > y) result--;
    else if (x < y) result++;
  };
  if (ca) for (const [k, v] of ca) vote(v, cb?.get(k) ?? 0);
  if (cb) for (const [k, v] of cb) if (!ca?.has(k)) vote(0, v);
  return result;
}

/** Takes a resource's utilization off its node's remaining capacity (when it is assigned there). */
export function consumeCapacity(node: WNode, rsc: WRsc): void {
  if (!node.capacity || !rsc.utilization) return;
  // A name the node does not have becomes 0 (not negative), as in Pacemaker.
  for (const [k, v] of rsc.utilization) {
    const cur = node.capacity.get(k);
    node.capacity.set(k, cur === undefined ? 0 : cur - v);
  }
}

function addUtilization(into: Map<string, number>, rsc: WRsc): void {
  for (const [k, v] of rsc.utilization ?? []) into.set(k, (into.get(k) ?? 0) + v);
}

/** Gives a resource's utilization back to its node (when its assignment is undone). */
export function releaseCapacity(node: WNode, rsc: WRsc): void {
  if (node.capacity && rsc.utilization) addUtilization(node.capacity, rsc);
}

function isClone(r: WRsc | undefined): boolean {
  return r?.variant === 'clone';
}

/**
 * The resources that must run where `rsc` runs: followed through mandatory (INFINITY)
 * colocations both ways, the way Pacemaker collects them before checking capacity.
 */
function colocatedResources(rsc: WRsc, orig: WRsc, list: WRsc[]): WRsc[] {
  if (list.includes(rsc)) return list;
  if (rsc.variant === 'group') {
    // Collocated groups' members all run together (the engine models only collocated groups).
    for (const m of rsc.children) colocatedResources(m, orig, list);
    if (list.includes(rsc)) return list;
  }
  list.push(rsc);
  for (const c of rsc.thisWith) {
    if (c.primary === orig) continue;
    if (c.score === INFINITY && colocationAffects(rsc, c.primary, c, true) === 'location') colocatedResources(c.primary, orig, list);
  }
  for (const c of rsc.withThis) {
    if (c.dependent === orig) continue;
    if (isClone(rsc) && !isClone(c.dependent)) continue;
    if (c.score === INFINITY && colocationAffects(c.dependent, rsc, c, true) === 'location') colocatedResources(c.dependent, orig, list);
  }
  return list;
}

/** What a (still unassigned) resource adds to the utilization its colocated set needs. */
function addColocatedUtilization(rsc: WRsc, all: readonly WRsc[], into: Map<string, number>): void {
  if (!rsc.provisional) return;
  if (rsc.variant === 'primitive') {
    addUtilization(into, rsc);
  } else if (rsc.variant === 'group') {
    for (const m of rsc.children) if (m.provisional && !all.includes(m)) addColocatedUtilization(m, all, into);
  } else {
    let existing = false;
    for (const child of rsc.children) {
      if (all.includes(child)) existing = true;
      else if (child.children.some((m) => all.includes(m))) {
        addColocatedUtilization(child, all, into);
        existing = true;
      }
    }
    const first = rsc.children[0];
    if (!existing && first) addColocatedUtilization(first, all, into);
  }
}

function enoughCapacity(node: WNode, needs: ReadonlyMap<string, number>): boolean {
  for (const [k, v] of needs) if (v > (node.capacity?.get(k) ?? 0)) return false;
  return true;
}

/**
 * Before a primitive is placed (any strategy but `default`): bans it from the nodes without
 * enough capacity left for it and the unassigned resources colocated with it — or, when no node
 * has room for all of them, for it alone. In that case it returns the node with the most
 * capacity left, which the resource then prefers when its score there is as good as the best.
 *
 * @example
 * const prefer = banInsufficientCapacity(ws, rsc);
 */
export function banInsufficientCapacity(ws: WorkingSet, rsc: WRsc): WNode | undefined {
  if ((ws.placementStrategy ?? 'default') === 'default') return undefined;
  const all = colocatedResources(rsc, rsc, []);
  if (!all.includes(rsc)) all.push(rsc);
  const needs = new Map<string, number>();
  for (const r of all) addColocatedUtilization(r, all, needs);
  const candidates: WNode[] = [];
  for (const [name, score] of rsc.allowed) {
    const node = ws.nodeByName.get(name);
    if (node && nodeAvailable(node, score, true)) candidates.push(node);
  }
  let anyCapable = false;
  let mostCapable: WNode | undefined;
  for (const node of candidates) {
    if (enoughCapacity(node, needs)) anyCapable = true;
    if (!mostCapable || compareCapacities(node, mostCapable) < 0) mostCapable = node;
  }
  const own = anyCapable ? needs : (rsc.utilization ?? new Map<string, number>());
  for (const node of candidates)
    if (!enoughCapacity(node, own)) rsc.allowed.set(node.uname, addScores(rsc.allowed.get(node.uname) ?? 0, -INFINITY));
  return anyCapable ? undefined : mostCapable;
}

function weightOn(node: WNode | undefined, scores: ReadonlyMap<string, number> | undefined): number {
  const s = node ? scores?.get(node.uname) : undefined;
  return s ?? -INFINITY;
}

/**
 * A resource's node scores merged with those of what it is colocated with (factor 1); a group's
 * are its last member's, as in Pacemaker.
 */
function colocatedScores(ws: WorkingSet, rsc: WRsc): Map<string, number> {
  return addColocatedNodeScores(ws, rsc, undefined, undefined, 1, { thisWith: true }) ?? new Map(rsc.allowed);
}

/**
 * Where a resource runs for the sort (Pacemaker's pe__current_node): the first node it is active
 * on, leaving out a globally-unique clone's orphan instances — Pacemaker does not find such a
 * history entry among the clone's instances and makes it a resource of its own (unpack_find_resource).
 */
function currentNode(r: WRsc): WNode | undefined {
  if (r.variant !== 'clone' || !r.unique) return r.runningOn[0];
  const own = leaves(r).filter((p) => !p.orphan);
  return r.runningOn.find((n) => own.some((p) => p.runningOn.includes(n)));
}

/**
 * Orders the top-level resources for placement as Pacemaker does under a strategy other than
 * `default`: higher priority first, then the higher score on the node it is active on, then the
 * higher score on each node in turn (nodes sorted as for placement). Stable otherwise.
 *
 * @example
 * sortResourcesForPlacement(ws, sortNodes(ws, ws.nodes.map((n) => [n.uname, 0]), undefined).map(([n]) => n));
 */
export function sortResourcesForPlacement(ws: WorkingSet, nodes: readonly WNode[]): void {
  if ((ws.placementStrategy ?? 'default') === 'default') return;
  const scores = new Map(ws.resources.map((r) => [r, colocatedScores(ws, r)]));
  ws.resources.sort((a, b) => {
    if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
    const sa = scores.get(a);
    const sb = scores.get(b);
    const wa = weightOn(currentNode(a), sa);
    const wb = weightOn(currentNode(b), sb);
    if (wa !== wb) return wa > wb ? -1 : 1;
    for (const n of nodes) {
      const x = weightOn(n, sa);
      const y = weightOn(n, sb);
      if (x !== y) return x > y ? -1 : 1;
    }
    return 0;
  });
}

/**
 * Under a strategy other than `default`, a resource with utilization starts (or migrates to) a
 * node only after the resources with utilization stopping there have stopped, so the
 * capacity it counts on is really free (Pacemaker's `load_stopped_<node>` pseudo-actions).
 * Called after the migrations are ordered: a migration's `migrate_to` waits for those stops
 * only when that closes no loop — two resources migrating past each other (a to b, b to a)
 * would each wait for the other's stop, so, as Pacemaker does, the later-placed resource's
 * `migrate_to` does not wait (its pseudo start still does), as Pacemaker breaks such loops.
 *
 * @example
 * orderLoadStopped(ws, g);
 */
export function orderLoadStopped(ws: WorkingSet, g: GraphBuilder): void {
  if ((ws.placementStrategy ?? 'default') === 'default') return;
  const users = new Map<string, WRsc>();
  for (const p of ws.primitives) if (p.utilization && p.utilization.size > 0) users.set(p.id, p);
  if (users.size === 0) return;
  const stops = new Map<string, number[]>();
  for (const a of g.actions) if (a.task === 'stop' && a.rsc && users.has(a.rsc)) stops.set(a.node, [...(stops.get(a.node) ?? []), a.id]);
  const migrations: Array<{ id: number; p: WRsc; node: string }> = [];
  for (const a of g.actions) {
    if ((a.task !== 'start' && a.task !== 'migrate_to') || !a.rsc) continue;
    const p = users.get(a.rsc);
    // A migration counts where the resource goes, not where migrate_to runs.
    const node = a.task === 'migrate_to' ? p?.assignedTo?.uname : a.node;
    if (!p || node === undefined || !p.allowed.has(node)) continue;
    if (a.task === 'migrate_to') migrations.push({ id: a.id, p, node });
    else for (const s of stops.get(node) ?? []) g.order(s, a.id);
  }
  if (migrations.length === 0) return;
  // Every migrate_to waits at first; then, from the last-placed resource to the first, one
  // whose wait closes a loop stops waiting (Pacemaker drops its load_stopped input).
  const next = new Map<number, Set<number>>();
  const link = (before: number, after: number) => next.set(before, (next.get(before) ?? new Set()).add(after));
  for (const e of g.edges) link(e.before, e.after);
  for (const m of migrations) for (const s of stops.get(m.node) ?? []) link(s, m.id);
  // In the order resources are placed (sortResourcesForPlacement), the last placed first.
  const rank = new Map(ws.resources.flatMap(leaves).map((p, i) => [p, i]));
  migrations.sort((x, y) => (rank.get(y.p) ?? 0) - (rank.get(x.p) ?? 0));
  const kept = migrations.filter((m) => {
    const before = new Set(stops.get(m.node) ?? []);
    if (!reachesAny(next, m.id, before)) return true;
    for (const s of before) next.get(s)?.delete(m.id);
    return false;
  });
  for (const m of kept) for (const s of stops.get(m.node) ?? []) g.order(s, m.id);
}

/** Whether an action is (transitively) ordered before any of `targets`. */
function reachesAny(next: ReadonlyMap<number, ReadonlySet<number>>, from: number, targets: ReadonlySet<number>): boolean {
  const seen = new Set<number>([from]);
  const work = [from];
  for (let v = work.pop(); v !== undefined; v = work.pop()) {
    for (const w of next.get(v) ?? []) {
      if (targets.has(w)) return true;
      if (!seen.has(w)) {
        seen.add(w);
        work.push(w);
      }
    }
  }
  return false;
}
