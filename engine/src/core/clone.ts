import { assignResource, unassign } from './assign.js';
import { addColocatedNodeScores, colocationHasInfluence, nodeAvailable } from './colocation.js';
import { insertThisWith, insertWithThis } from './constraints.js';
import { addPromotionScores, setInstanceRoles } from './promotable.js';
import { formatScore, INFINITY } from './score.js';
import type { Coloc, WNode, WorkingSet, WRsc } from './working-set.js';

/** Pacemaker's integer option parsing: unparsable or below `min` gives `min`. */
function scanMinInt(text: string, min: number): number {
  const n = Number.parseInt(text, 10);
  return Number.isNaN(n) || n < min ? min : n;
}

/**
 * `clone-max` (default: number of nodes) and `clone-node-max` (default 1). Like Pacemaker, an
 * anonymous clone runs at most one instance per node whatever its `clone-node-max` says; only a
 * globally-unique clone may run several.
 *
 * @example
 * cloneLimits(ws.byId.get('ip-clone')!) // { max: 4, nodeMax: 2 }
 */
function cloneLimits(clone: WRsc): { max: number; nodeMax: number } {
  const configured = clone.meta.get('clone-node-max');
  const nodeMax = clone.unique && configured !== undefined ? scanMinInt(configured, 0) : 1;
  return { max: clone.children.filter((i) => !i.orphan).length, nodeMax };
}

/**
 * Instances per node as a colocation between interleaved clones compares them (Pacemaker's
 * `copies_per_node`: the configured `clone-node-max`, even where an anonymous clone ignores it).
 *
 * @example
 * copiesPerNode(ws.byId.get('app-clone')!) // 1 unless clone-node-max is set
 */
export function copiesPerNode(r: WRsc): number {
  if (r.variant !== 'clone') return 1;
  const configured = r.meta.get('clone-node-max');
  return configured === undefined ? 1 : scanMinInt(configured, 0);
}

/** The clone's scores and, recursively, its instances' (orphans are not shown), as crm_simulate prints them. */
function showCloneScores(ws: WorkingSet, r: WRsc): void {
  const onScore = ws.onScore;
  if (!onScore || r.orphan) return;
  for (const n of [...r.allowed.keys()].sort())
    onScore(`pcmk__clone_allocate: ${r.id} allocation score on ${n}: ${formatScore(r.allowed.get(n) ?? 0)}`);
  for (const c of r.children) showCloneScores(ws, c);
}

function setScore(r: WRsc, node: string, score: number): void {
  r.allowed.set(node, score);
  for (const c of r.children) setScore(c, node, score);
}

function instanceNumber(r: WRsc): number {
  return Number.parseInt(r.id.slice(r.id.lastIndexOf(':') + 1), 10);
}

function currentNode(r: WRsc): WNode | undefined {
  return r.runningOn[0];
}

/**
 * How much the clone's colocations like an active instance's current node (Pacemaker's
 * `cmp_instance_by_colocation`): the node alone, with the scores of the clone's primaries and of
 * its influential dependents merged in as for a placement.
 */
function colocationScoreHere(ws: WorkingSet, clone: WRsc, inst: WRsc, node: WNode): number {
  let table: Map<string, number> | undefined = new Map([[node.uname, 0]]);
  const factor = (c: Coloc) => Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
  for (const c of clone.thisWith) table = addColocatedNodeScores(ws, c.primary, table, c.nodeAttribute, factor(c), {}) ?? table;
  for (const c of clone.withThis) {
    if (!colocationHasInfluence(c, inst)) continue;
    table = addColocatedNodeScores(ws, c.dependent, table, c.nodeAttribute, factor(c), { nonnegative: true }) ?? table;
  }
  return table?.get(node.uname) ?? 0;
}

/** Pacemaker's order for assigning instances: active ones on allowed nodes first, then by number. */
function compareInstances(ws: WorkingSet, clone: WRsc) {
  return (a: WRsc, b: WRsc): number => {
    const na = a.runningOn.length;
    const nb = b.runningOn.length;
    if (na > 0 && nb > 0 && na !== nb) return na < nb ? -1 : 1;
    const allowedOn = (r: WRsc): [boolean, WNode | undefined] => {
      const n = currentNode(r);
      if (!n) return [true, undefined];
      const score = r.allowed.get(n.uname);
      return score === undefined || score < 0 ? [false, undefined] : [true, n];
    };
    const [canA, nodeA] = allowedOn(a);
    const [canB, nodeB] = allowedOn(b);
    if (canA !== canB) return canA ? -1 : 1;
    if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
    if (!nodeA && !nodeB) return 0;
    if (!nodeA) return 1;
    if (!nodeB) return -1;
    const availA = nodeAvailable(nodeA, 0, false);
    const availB = nodeAvailable(nodeB, 0, false);
    if (availA !== availB) return availA ? -1 : 1;
    const topA = clone.allowed.has(nodeA.uname);
    const topB = clone.allowed.has(nodeB.uname);
    if (!topA && !topB) return 0;
    if (topA !== topB) return topA ? -1 : 1;
    if (a.failed !== b.failed) return a.failed ? 1 : -1;
    const ca = colocationScoreHere(ws, clone, a, nodeA);
    const cb = colocationScoreHere(ws, clone, b, nodeB);
    if (ca !== cb) return ca > cb ? -1 : 1;
    return instanceNumber(a) - instanceNumber(b);
  };
}

/**
 * Assigns the instances of an anonymous clone the way Pacemaker distributes them: the clone's
 * colocation preferences are merged first; active instances stay where they run while nodes have
 * room (at most clone-max / available nodes each on this first pass); the rest go to the best
 * remaining nodes, one instance per node, clone-max in all. A cloned group's instance that lands
 * elsewhere on the first pass stays there uncounted, as in Pacemaker (which cannot unassign a group).
 *
 * @example
 * assignClone(ws, ws.byId.get('ping-clone')!);
 */
export function assignClone(ws: WorkingSet, clone: WRsc): WNode | undefined {
  if (!clone.provisional || clone.allocating) return undefined;
  if (clone.promotable) addPromotionScores(ws, clone);
  clone.allocating = true;
  for (const c of [...clone.thisWith]) assignResource(ws, c.primary);
  for (const c of [...clone.withThis]) {
    if (!colocationHasInfluence(c)) continue;
    const factor = Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
    clone.allowed =
      addColocatedNodeScores(ws, c.dependent, clone.allowed, c.nodeAttribute, factor, { active: true, nonnegative: true }) ?? clone.allowed;
  }
  showCloneScores(ws, clone);
  const { max, nodeMax } = cloneLimits(clone);
  const instances = [...clone.children].sort(compareInstances(ws, clone));
  // Pacemaker keeps the sorted order, and later colocations walk instances in it (which matters
  // when a non-mandatory colocation's last instance would leave no node available).
  clone.children = instances;
  const count = new Map<string, number>();
  const available = [...clone.allowed.keys()].filter((n) => nodeAvailable(ws.nodeByName.get(n), 0, false)).length;
  const allColoc = max < available;
  const loopMax = Math.max(1, available > 0 ? Math.floor(max / available) : 1);

  const appendParentColocations = (inst: WRsc) => {
    // Pacemaker appends the clone's colocations on every attempt, so a second attempt counts them twice.
    for (const c of clone.thisWith) if (allColoc || c.score < 0 || c.score === INFINITY) insertThisWith(inst, c);
    for (const c of clone.withThis) if (colocationHasInfluence(c, inst) && (allColoc || c.score < 0)) insertWithThis(inst, c);
  };
  const canRun = (inst: WRsc) => {
    if (inst.orphan) for (const n of ws.nodes) setScore(inst, n.uname, -INFINITY);
    for (const [name] of inst.allowed) {
      const node = ws.nodeByName.get(name);
      const top = clone.allowed.get(name);
      // A node where the clone itself scores below zero is banned outright, like a full one.
      if (!nodeAvailable(node, 0, false) || top === undefined || top < 0 || (count.get(name) ?? 0) >= nodeMax)
        setScore(inst, name, -INFINITY);
    }
  };
  const assignInstance = (inst: WRsc, prefer: WNode | undefined): WNode | undefined => {
    if (!inst.provisional) return inst.assignedTo;
    appendParentColocations(inst);
    if (prefer) {
      const s = inst.allowed.get(prefer.uname);
      if (s === undefined || s < 0) return undefined;
    }
    canRun(inst);
    const backup = new Map(inst.allowed);
    const backups = inst.children.map((c) => new Map(c.allowed));
    let chosen = assignResource(ws, inst, prefer);
    if (chosen && prefer && chosen !== prefer && inst.variant === 'group') {
      // Pacemaker cannot take a group back (a group has no assigned node of its own for
      // pcmk__unassign_resource to clear): it stays where it went, counted neither on that node
      // nor among the instances allocated, and only the group's own scores are restored.
      inst.allowed = backup;
      return undefined;
    }
    if (chosen && prefer && chosen !== prefer) {
      unassign(inst);
      inst.allowed = backup;
      inst.children.forEach((c, i) => {
        c.allowed = backups[i] ?? c.allowed;
      });
      chosen = undefined;
    }
    if (chosen) count.set(chosen.uname, (count.get(chosen.uname) ?? 0) + 1);
    return chosen;
  };

  let allocated = 0;
  for (const inst of instances) {
    if (allocated >= max) break;
    const node = currentNode(inst);
    if (!node || !inst.provisional || inst.failed) continue;
    if (!nodeAvailable(node, 0, true)) continue;
    if (clone.allowed.has(node.uname) && (count.get(node.uname) ?? 0) >= loopMax) continue;
    if (assignInstance(inst, node)) allocated++;
  }
  for (const inst of instances) {
    if (!inst.provisional) continue;
    if (allocated >= max) {
      // Over clone-max: banned everywhere and never assigned (so stopped, managed or not).
      for (const n of ws.nodes) setScore(inst, n.uname, -INFINITY);
      const done = (r: WRsc) => {
        r.provisional = false;
        r.nextRole = 'Stopped';
        r.children.forEach(done);
      };
      done(inst);
    } else if (assignInstance(inst, undefined)) allocated++;
  }
  if (clone.promotable) setInstanceRoles(ws, clone, compareInstances(ws, clone));
  clone.allocating = false;
  clone.provisional = false;
  return undefined;
}
