import { addScores, INFINITY } from './score.js';
import { type Coloc, isBlocked, type WNode, type WorkingSet, type WRsc } from './working-set.js';

/** Marks a node as temporarily unusable while merging colocated scores (Pacemaker's trick). */
const INFINITY_HACK = INFINITY * -100;

/**
 * Whether a node can run resources (online, not standby/unclean/maintenance) and, when
 * `considerScore`, whether the given score is non-negative.
 *
 * @example
 * nodeAvailable(n1, 0, true) // true for an online node
 */
export function nodeAvailable(node: WNode | undefined, score: number, considerScore: boolean): boolean {
  if (!node?.online || node.unclean || node.standby || node.shutdown || node.maintenance) return false;
  return !(considerScore && score < 0);
}

/** Whether any node in a score table is available with a non-negative score. */
export function anyNodeAvailable(ws: WorkingSet, table: ReadonlyMap<string, number>): boolean {
  for (const [name, score] of table) if (nodeAvailable(ws.nodeByName.get(name), score, true)) return true;
  return false;
}

/**
 * Does the dependent in a colocation influence where its primary goes? A bundle's connection never
 * moves its clean container active on one node (moving a connection interrupts nothing).
 */
export function colocationHasInfluence(c: Coloc, rsc?: WRsc): boolean {
  const r = rsc ?? c.primary;
  if (c.bundleConnection && !r.failed && r.runningOn.length === 1) return false;
  return c.influence || r.runningOn.length === 0;
}

function lastMember(group: WRsc): WRsc {
  return group.children[group.children.length - 1] as WRsc;
}

/**
 * A colocation "node attribute" no CIB can name (it holds a NUL): the node itself. For the
 * engine's own colocations that stand for Pacemaker's node-by-node logic (a bundle's
 * replicas-per-host), where a node without attributes (a remote node before its status is read)
 * must still match only itself.
 */
export const SAME_NODE = '\u0000node';

function attrOf(node: WNode | undefined, attr: string): string | undefined {
  return attr === SAME_NODE ? node?.uname : node?.attrs.get(attr);
}

function sameValue(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.toLowerCase() === b.toLowerCase();
}

// Pacemaker computes the colocation factor and the weighted score in single-precision floats.
const f32 = Math.fround;

function bestScoreMatching(ws: WorkingSet, rsc: WRsc, attr: string, value: string | undefined): number {
  let best = -INFINITY;
  for (const [name, score] of rsc.allowed) {
    const node = ws.nodeByName.get(name);
    if (score > best && nodeAvailable(node, score, false) && sameValue(value, attrOf(node, attr))) best = score;
  }
  return best;
}

function addScoresMatchingAttr(
  ws: WorkingSet,
  work: Map<string, number>,
  rsc: WRsc,
  attr: string,
  factor: number,
  onlyPositive: boolean,
): void {
  for (const [name, weight0] of work) {
    const node = ws.nodeByName.get(name);
    const score = bestScoreMatching(ws, rsc, attr, attrOf(node, attr));
    if (factor < 0 && score < 0) continue;
    if (weight0 === INFINITY_HACK) continue;
    const wf = f32(factor * score);
    let weight = Math.trunc(wf < 0 ? wf - 0.5 : wf + 0.5);
    if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
    const next = addScores(weight, weight0);
    if (onlyPositive && next < 0 && weight0 > 0) {
      work.set(name, INFINITY_HACK);
      continue;
    }
    if (onlyPositive && next < 0 && weight0 === 0) continue;
    work.set(name, next);
  }
}

/** Flags for {@link addColocatedNodeScores}, as in Pacemaker. */
interface MergeFlags {
  thisWith?: boolean;
  nonnegative?: boolean;
  active?: boolean;
}

/**
 * Merges a resource's node scores (scaled by `factor`) into `nodes`, then, recursively, the
 * scores of the resources colocated with it — how a dependent pulls its primary towards the
 * nodes it likes. Returns the new table (or `nodes` unchanged when the merge is rolled back).
 *
 * @example
 * primary.allowed = addColocatedNodeScores(ws, dependent, primary.allowed, undefined, 0.5, { active: true });
 */
export function addColocatedNodeScores(
  ws: WorkingSet,
  rsc: WRsc,
  nodes: Map<string, number> | undefined,
  attr: string | undefined,
  factor: number,
  flags: MergeFlags,
): Map<string, number> | undefined {
  if (rsc.merging) return nodes;
  rsc.merging = true;
  try {
    let work: Map<string, number>;
    if (rsc.variant === 'group') {
      if (rsc.children.length === 0) return nodes;
      const member = nodes === undefined ? lastMember(rsc) : (rsc.children[0] as WRsc);
      work = addColocatedNodeScores(ws, member, nodes === undefined ? undefined : new Map(nodes), attr, factor, flags) ?? new Map();
    } else if (nodes === undefined) {
      work = new Map(rsc.allowed);
    } else {
      work = new Map(nodes);
      addScoresMatchingAttr(ws, work, rsc, attr ?? '#uname', factor, flags.nonnegative === true);
    }
    if (anyNodeAvailable(ws, work)) {
      const multiplier = factor < 0 ? -1 : 1;
      const list = flags.thisWith ? rsc.thisWith : rsc.variant === 'group' ? lastMember(rsc).withThis : rsc.withThis;
      for (const c of [...list]) {
        let other: WRsc;
        if (flags.thisWith) other = c.primary;
        else if (!colocationHasInfluence(c)) continue;
        else other = c.dependent;
        const f = f32(f32(multiplier * c.score) / f32(INFINITY));
        work = addColocatedNodeScores(ws, other, work, c.nodeAttribute, f, { ...flags, active: true }) ?? work;
      }
    } else if (flags.active) {
      return nodes;
    }
    if (flags.nonnegative) for (const [k, v] of work) if (v === INFINITY_HACK) work.set(k, 1);
    return work;
  } finally {
    rsc.merging = false;
  }
}

type Affects = 'nothing' | 'location' | 'role';

/**
 * What a colocation does at this point of the assignment; with `preview`, as if both resources
 * were still to be placed (how Pacemaker collects colocated resources before placing any).
 *
 * @example
 * colocationAffects(c.dependent, c.primary, c, true) === 'location'
 */
export function colocationAffects(dependent: WRsc, primary: WRsc, c: Coloc, preview = false): Affects {
  if (!preview && primary.provisional) return 'nothing';
  if (c.dependentRole !== undefined && c.dependentRole !== 'Stopped' && dependent.parent?.promotable && !dependent.provisional)
    return 'role';
  if (!preview && !dependent.provisional) return 'nothing';
  if (c.score > 0 && c.dependentRole !== undefined && c.dependentRole !== dependent.nextRole) return 'nothing';
  if (c.score > 0 && c.primaryRole !== undefined && c.primaryRole !== primary.nextRole) return 'nothing';
  if (c.score < 0 && c.dependentRole !== undefined && c.dependentRole === dependent.nextRole) return 'nothing';
  if (c.score < 0 && c.primaryRole !== undefined && c.primaryRole === primary.nextRole) return 'nothing';
  return 'location';
}

function applyColocToWeights(ws: WorkingSet, dependent: WRsc, primary: WRsc, c: Coloc): void {
  const attr = c.nodeAttribute ?? '#id';
  let value: string | undefined;
  if (primary.assignedTo) value = attrOf(primary.assignedTo, attr);
  else if (c.score < 0) return;
  const work = new Map(dependent.allowed);
  for (const [name, weight] of work) {
    const node = ws.nodeByName.get(name);
    if (!primary.assignedTo) work.set(name, addScores(-c.score, weight));
    else if (sameValue(attrOf(node, attr), value)) {
      if (c.score < INFINITY) work.set(name, addScores(c.score, weight));
    } else if (c.score >= INFINITY) work.set(name, addScores(-c.score, weight));
  }
  if (c.score <= -INFINITY || c.score >= INFINITY || anyNodeAvailable(ws, work)) dependent.allowed = work;
}

/**
 * A role colocation of a placed promotable instance with a placed resource, while roles are chosen
 * (Pacemaker's pcmk__apply_coloc_to_priority): on the same node the score counts for (or, for
 * `rsc-role=Unpromoted`, against) its promotion; elsewhere a mandatory `rsc-role=Promoted` forbids it.
 */
function applyColocToPriority(dependent: WRsc, primary: WRsc, c: Coloc): void {
  if (!primary.assignedTo || !dependent.assignedTo) return;
  const attr = c.nodeAttribute ?? '#id';
  if (!sameValue(attrOf(dependent.assignedTo, attr), attrOf(primary.assignedTo, attr))) {
    if (c.score === INFINITY && c.dependentRole === 'Promoted') dependent.priority = -INFINITY;
    return;
  }
  if (c.primaryRole !== undefined && c.primaryRole !== primary.nextRole) return;
  dependent.priority = addScores((c.dependentRole === 'Unpromoted' ? -1 : 1) * c.score, dependent.priority);
}

function applyToPrimitivePrimary(ws: WorkingSet, dependent: WRsc, primary: WRsc, c: Coloc): void {
  const affects = colocationAffects(dependent, primary, c);
  if (affects === 'location') applyColocToWeights(ws, dependent, primary, c);
  else if (affects === 'role') applyColocToPriority(dependent, primary, c);
}

/**
 * `rsc-role=Promoted` with a role of another promotable clone, while the dependent's roles are
 * chosen (Pacemaker's pcmk__update_promotable_dependent_priority): an instance of the primary in
 * that role on the dependent's node adds the score; none there forbids promotion when mandatory.
 */
function promotableDependentPriority(dependent: WRsc, primary: WRsc, c: Coloc): void {
  const node = dependent.assignedTo;
  const partner =
    node &&
    primary.children.find((i) => {
      const first = i.variant === 'primitive' ? i : i.children[0];
      return (i.assignedTo ?? first?.assignedTo) === node && (i.nextRole ?? first?.nextRole) === c.primaryRole;
    });
  if (partner) dependent.priority = addScores(dependent.priority, c.score);
  else if (c.score >= INFINITY) dependent.priority = -INFINITY;
}

/**
 * A colocation with a role of a placed promotable clone (`with-rsc-role`), for a dependent being
 * placed (Pacemaker's pcmk__update_dependent_with_promotable): the nodes of the instances that
 * will have that role gain the score (optional), or are the only ones left, each with the
 * instance's own assignment score added (mandatory, unless both roles are Promoted).
 */
function withPromotableRole(ws: WorkingSet, dependent: WRsc, primary: WRsc, c: Coloc): void {
  const affected = new Map<string, number>();
  const attr = c.nodeAttribute ?? '#uname';
  for (const inst of primary.children) {
    const first = inst.variant === 'primitive' ? inst : inst.children[0];
    const node = inst.assignedTo ?? first?.assignedTo;
    if (!node) continue;
    const role = inst.nextRole ?? first?.nextRole;
    if (role !== c.primaryRole) continue;
    if (c.score < INFINITY) {
      const value = attrOf(node, attr);
      for (const [name, weight] of dependent.allowed)
        if (sameValue(attrOf(ws.nodeByName.get(name), attr), value)) dependent.allowed.set(name, addScores(weight, c.score));
    }
    if (!affected.has(node.uname)) affected.set(node.uname, (inst.assignedTo ? inst.assignedScore : first?.assignedScore) ?? 0);
  }
  if (c.score < INFINITY || (c.dependentRole === 'Promoted' && c.primaryRole === 'Promoted')) return;
  for (const [name, weight] of dependent.allowed) {
    const other = affected.get(name);
    dependent.allowed.set(name, other === undefined ? -INFINITY : addScores(weight, other));
  }
  for (const name of affected.keys()) if (!dependent.allowed.has(name)) dependent.allowed.set(name, -INFINITY);
}

/**
 * Applies a colocation's effect to the dependent's node scores once the primary is placed
 * (a group primary counts as its last member for mandatory colocations, first for optional).
 *
 * @example
 * applyColocationScore(ws, dependent, primary, coloc);
 */
export function applyColocationScore(ws: WorkingSet, dependent: WRsc, primary: WRsc, c: Coloc): void {
  if (primary.variant === 'clone') {
    if (primary.provisional) return;
    if (primary.promotable && c.primaryRole !== undefined && dependent.provisional) {
      withPromotableRole(ws, dependent, primary, c);
      return;
    }
    if (primary.promotable && c.primaryRole !== undefined && c.dependentRole === 'Promoted') {
      promotableDependentPriority(dependent, primary, c);
      return;
    }
    if (c.score >= INFINITY) {
      // Mandatory: only nodes where some instance was assigned stay possible (blocked instances,
      // left where they failed, do not count).
      const chosen = new Set(
        primary.children
          .filter((i) => !isBlocked(i))
          .map((i) => i.assignedTo?.uname)
          .filter((n): n is string => n !== undefined),
      );
      for (const name of [...dependent.allowed.keys()]) if (!chosen.has(name)) dependent.allowed.set(name, -INFINITY);
      return;
    }
    for (const inst of primary.children) applyColocationScore(ws, dependent, inst, c);
    return;
  }
  if (primary.variant === 'group') {
    if (primary.provisional) return;
    const member = c.score >= INFINITY ? lastMember(primary) : primary.children[0];
    if (member) applyToPrimitivePrimary(ws, dependent, member, c);
    return;
  }
  applyToPrimitivePrimary(ws, dependent, primary, c);
}
