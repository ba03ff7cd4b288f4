import { applyInstanceColocation, isManaged } from './assign.js';
import { attributeNode } from './bundles.js';
import { addColocatedNodeScores, colocationHasInfluence, nodeAvailable } from './colocation.js';
import { locationPlacements } from './constraints.js';
import { guestContainer } from './containers.js';
import { expandedConstraints } from './resource-sets.js';
import { addScores, formatScore, INFINITY, parseScore } from './score.js';
import { promotionTicketMissing } from './tickets.js';
import { roleRank, type WNode, type WorkingSet, type WRsc } from './working-set.js';

function baseId(r: WRsc): string {
  return r.id.replace(/:\d+$/, '');
}

/** The node's promotion score (`master-<rsc>` attribute) for an instance, or undefined when unset or not applicable. */
function promotionScore(ws: WorkingSet, clone: WRsc, inst: WRsc, node: WNode): number | undefined {
  // A cloned group's instance scores the sum of its members' scores (unset when all are unset).
  if (inst.variant === 'group') {
    const scores = inst.children.map((m) => memberScore(ws, clone, m, node));
    return scores.every((x) => x === undefined) ? undefined : scores.reduce<number>((a, x) => addScores(a, x ?? 0), 0);
  }
  return memberScore(ws, clone, inst, node);
}

function memberScore(ws: WorkingSet, clone: WRsc, member: WRsc, node: WNode): number | undefined {
  // Which instance's score counts where, as Pacemaker decides it (the first two rules are for
  // anonymous clones only: a globally-unique instance counts only where its own history is known).
  // In a cloned group each member is judged on its own, against the same member of the other instances.
  const base = baseId(member);
  const siblings = clone.children.flatMap((i) => (i.variant === 'group' ? i.children.filter((m) => baseId(m) === base) : [i]));
  const activeHere = member.unique ? undefined : siblings.find((m) => m.runningOn.includes(node));
  const anyKnownHere = !member.unique && siblings.some((m) => m.knownOn.has(node.uname));
  const applies =
    activeHere === member ||
    (activeHere === undefined && anyKnownHere) ||
    (member.runningOn.length === 0 && member.knownOn.size === 0) ||
    member.knownOn.has(node.uname) ||
    member.runningOn.includes(node);
  // Only where the instance is allowed with a score >= 0.
  if (!applies || (member.allowed.get(node.uname) ?? -1) < 0) return undefined;
  // The score is `master-<name>` for the name the history knows the instance by (its clone name,
  // else its id); an anonymous instance without one falls back to `master-<rsc>`. It is read on
  // the container's host with container-attribute-target=host (bundles.ts).
  const attrs = attributeNode(ws, member, node).attrs;
  const own = attrs.get(`master-${member.cloneName ?? member.id}`);
  const raw = member.unique ? own : (own ?? attrs.get(`master-${base}`));
  return raw === undefined ? undefined : (parseScore(raw) ?? 0);
}

/** A cloned group's members take the role chosen for their instance (Pacemaker's set_next_role_*). */
function setMemberRoles(inst: WRsc): void {
  // Only when every member will run: crm_simulate does not promote an instance one of whose
  // members stays stopped (bug-1822), for a reason not modelled yet; such members keep their roles.
  if (inst.children.some((m) => m.nextRole === 'Stopped' || !m.assignedTo)) return;
  for (const m of inst.children) {
    if (inst.nextRole === 'Promoted') m.nextRole ??= 'Promoted';
    else if (m.nextRole !== 'Stopped') m.nextRole = m.assignedTo ? 'Unpromoted' : 'Stopped';
  }
}

/**
 * Before a promotable clone's instances are placed, positive promotion scores make their nodes
 * more attractive and raise the instance's priority (as Pacemaker does).
 *
 * @example
 * addPromotionScores(ws, clone);
 */
export function addPromotionScores(ws: WorkingSet, clone: WRsc): void {
  for (const inst of clone.children) {
    for (const [name, weight] of inst.allowed) {
      const node = ws.nodeByName.get(name);
      if (!node || !nodeAvailable(node, 0, false)) continue;
      const score = promotionScore(ws, clone, inst, node) ?? 0;
      if (score > 0) inst.allowed.set(name, addScores(weight, score));
      if (score > inst.priority) inst.priority = score;
    }
  }
}

function limits(clone: WRsc): { max: number; nodeMax: number } {
  const max = Number.parseInt(clone.meta.get('promoted-max') ?? clone.meta.get('master-max') ?? '', 10);
  const nodeMax = Number.parseInt(clone.meta.get('promoted-node-max') ?? clone.meta.get('master-node-max') ?? '', 10);
  return { max: Number.isNaN(max) ? 1 : max, nodeMax: Number.isNaN(nodeMax) ? 1 : nodeMax };
}

/**
 * Chooses which placed instances of a promotable clone are promoted: each instance's promotion
 * priority is its node's promotion score (-1 when unset), plus location constraints for the
 * Promoted role, merged into the clone's node scores; the best `promoted-max` instances (at most
 * `promoted-node-max` per node) are promoted, the others run unpromoted.
 *
 * @example
 * setInstanceRoles(ws, clone, compareInstances(ws, clone));
 */
export function setInstanceRoles(ws: WorkingSet, clone: WRsc, tieBreak: (a: WRsc, b: WRsc) => number): void {
  const target = clone.meta.get('target-role')?.toLowerCase();
  const sortIndex = new Map<WRsc, number>();
  for (const inst of clone.children) {
    const chosen = inst.nextRole === 'Stopped' ? undefined : inst.assignedTo;
    if (!chosen) {
      // An instance that will not run keeps Pacemaker's initial sort index, 0 (it is sorted, never promoted).
      sortIndex.set(inst, 0);
      continue;
    }
    // An instance whose promote failed (next role Unpromoted) is not promoted again until the failure is cleared.
    let priority =
      target === 'unpromoted' || target === 'slave' || inst.nextRole === 'Unpromoted'
        ? -INFINITY
        : (promotionScore(ws, clone, inst, chosen) ?? -1);
    for (const c of expandedConstraints(ws.cib)) {
      if (c.kind !== 'location' || c.rsc !== clone.id) continue;
      for (const p of locationPlacements(ws, c, (role) => role === 'promoted'))
        if (p.node === chosen) priority = addScores(priority, p.score);
    }
    inst.priority = priority; // Pacemaker overwrites the instance priority, which later breaks ties.
    // Then its colocations with a role count for or against its promotion (a cloned group's go to its members);
    // with an interleaved clone, against its instance on the same node.
    if (inst.variant === 'primitive') for (const c of [...inst.thisWith]) applyInstanceColocation(ws, inst, c);
    // An unmanaged (or blocked) instance that is promoted stays promoted, and sorts first.
    sortIndex.set(inst, !isManaged(ws, inst) && inst.role === 'Promoted' ? INFINITY : inst.priority);
  }
  // Pacemaker adds each instance's promotion priority to the clone's own node scores (and keeps it:
  // resources colocated with the clone later see those scores).
  const weights = clone.allowed;
  const placed = (inst: WRsc) => (inst.nextRole === 'Stopped' ? undefined : inst.assignedTo);
  for (const [inst, idx] of sortIndex) {
    const node = placed(inst);
    if (idx < 0 || !node) continue;
    weights.set(node.uname, addScores(idx, weights.get(node.uname) ?? 0));
  }
  // Colocations with a role: the clone's promoted instances follow (`rsc-role=Promoted`) or
  // attract (`with-rsc-role=Promoted`) the other resource (apply_coloc_to_dependent/_primary).
  let merged = weights;
  for (const c of clone.thisWith) {
    if (c.dependentRole !== 'Promoted') continue;
    const factor = Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
    merged = addColocatedNodeScores(ws, c.primary, merged, c.nodeAttribute, factor, { active: c.score < INFINITY }) ?? merged;
  }
  for (const c of clone.withThis) {
    if (c.primaryRole !== 'Promoted' || !colocationHasInfluence(c)) continue;
    const factor = Math.fround(Math.fround(c.score) / Math.fround(INFINITY));
    merged = addColocatedNodeScores(ws, c.dependent, merged, c.nodeAttribute, factor, { active: true, nonnegative: true }) ?? merged;
  }
  if (merged !== weights) {
    weights.clear();
    for (const [n, w] of merged) weights.set(n, w);
  }
  // A ticket the clone needs for the Promoted role is missing: no instance is promoted.
  if (promotionTicketMissing(ws, clone)) for (const [n, w] of weights) weights.set(n, addScores(w, -INFINITY));
  for (const [inst, idx] of sortIndex) {
    const node = placed(inst);
    // An unmanaged promoted instance stays first; the others take their node's merged score.
    if (!isManaged(ws, inst) && inst.nextRole === 'Promoted') sortIndex.set(inst, INFINITY);
    else if (idx >= 0 && node) sortIndex.set(inst, weights.get(node.uname) ?? idx);
  }
  const order = [...sortIndex.keys()].sort((a, b) => {
    const x = sortIndex.get(a) ?? 0;
    const y = sortIndex.get(b) ?? 0;
    if (x !== y) return x > y ? -1 : 1;
    // Then the higher current role (an active instance beats a stopped one).
    const ra = roleRank[a.role];
    const rb = roleRank[b.role];
    if (ra !== rb) return rb - ra;
    return tieBreak(a, b);
  });
  // Like Pacemaker, keep the instances in promotion order (later colocations walk them in it).
  clone.children = order;
  const onScore = ws.onScore;
  if (onScore)
    for (const inst of order)
      onScore(`${inst.id} promotion score on ${placed(inst)?.uname ?? 'none'}: ${formatScore(sortIndex.get(inst) ?? 0)}`);
  const { max, nodeMax } = limits(clone);
  const perNode = new Map<string, number>();
  let promoted = 0;
  for (const inst of order) {
    const node = placed(inst);
    if (!node) continue;
    // On a guest node, only while its container is to run somewhere (pcmk__node_available with
    // consider_guest, as node_to_be_promoted_on asks it).
    const container = guestContainer(ws, node);
    const guestUp = container === undefined || (container.assignedTo !== undefined && container.nextRole !== 'Stopped');
    const ok =
      (sortIndex.get(inst) ?? -1) >= 0 &&
      promoted < max &&
      (perNode.get(node.uname) ?? 0) < nodeMax &&
      nodeAvailable(node, 0, false) &&
      guestUp;
    const frozen = !ws.haveQuorum && ws.noQuorumPolicy === 'freeze' && inst.role !== 'Promoted';
    if (!isManaged(ws, inst)) {
      inst.nextRole = inst.role === 'Stopped' ? 'Unpromoted' : inst.role;
      // It still takes one of the promoted-max slots.
      if (inst.nextRole === 'Promoted') {
        perNode.set(node.uname, (perNode.get(node.uname) ?? 0) + 1);
        promoted++;
      }
    } else if (ok && !frozen) {
      inst.nextRole = 'Promoted';
      perNode.set(node.uname, (perNode.get(node.uname) ?? 0) + 1);
      promoted++;
    } else inst.nextRole = 'Unpromoted';
    setMemberRoles(inst);
  }
}
