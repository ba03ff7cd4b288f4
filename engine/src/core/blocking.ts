import { willFence } from './actions.js';
import { isManaged } from './assign.js';
import { guestHostUnfenceable } from './containers.js';
import { compatibleInstance, interleavedOrdering } from './interleave.js';
import { isTrue } from './nvsets.js';
import { INFINITY } from './score.js';
import { leaves } from './unpack.js';
import type { Ordering, WorkingSet, WRsc } from './working-set.js';

function byInstanceNumber(a: WRsc, b: WRsc): number {
  return Number.parseInt(a.id.slice(a.id.lastIndexOf(':') + 1), 10) - Number.parseInt(b.id.slice(b.id.lastIndexOf(':') + 1), 10);
}

/** Assigned somewhere it is not the one place it is already active (or recovering there). */
function needsStart(p: WRsc): boolean {
  const to = p.assignedTo;
  return to !== undefined && (p.runningOn.length !== 1 || p.runningOn[0] !== to || p.failedOn.includes(to));
}

function willRun(p: WRsc): boolean {
  return p.assignedTo !== undefined && p.nextRole !== 'Stopped';
}

/**
 * Finds the primitives whose start cannot run, the way Pacemaker propagates unrunnable starts:
 * along ordered group members, mandatory `start → start` orders (a group as `first` is blocked
 * when any member is, a clone when every instance is; between interleaved clones, instance by
 * instance on the same node, and an instance with no partner on its node is not run), and
 * mandatory colocations with a blocked top-level primitive. Only start actions that exist
 * propagate: a resource has one when it will be active (an active resource that is being stopped
 * has none), when it is a group member (the group's internal orderings create them), or when an
 * order names it as `first` (Pacemaker creates missing `first` actions, never `then` ones). A
 * blocked resource ends stopped, even where it is already active (its start is unrunnable, so
 * Pacemaker stops it). Mutates next roles; returns the blocked set.
 *
 * @example
 * const blocked = applyBlocking(ws);
 */
export function applyBlocking(ws: WorkingSet): Set<WRsc> {
  const ordered = new Set<WRsc>();
  for (const o of ws.orderings) {
    if (o.firstAction === 'start') for (const p of leaves(o.first)) ordered.add(p);
  }
  // What is assigned to a remote or guest node starts after its connection's start
  // (pcmk__order_remote_connection_actions): an ordering that creates that start if it is missing.
  for (const p of ws.primitives) {
    const id = p.assignedTo?.remote?.connection;
    const conn = id === undefined ? undefined : ws.byId.get(id);
    if (conn !== undefined && conn !== p) ordered.add(conn);
  }
  const active = new Set(ws.primitives.filter(willRun));
  const hasStart = (p: WRsc) => active.has(p) || p.parent?.variant === 'group' || ordered.has(p);
  // A blocked resource (on-fail=block, a failed stop nothing can recover, frozen by a lost ticket)
  // gets no start of its own; one that a group or an order creates for it cannot run.
  const blockedStart = (p: WRsc) => (p.blocked || p.ticketFrozen === true) && (p.parent?.variant === 'group' || ordered.has(p));
  const frozenStart = (p: WRsc) => p.frozen === true && p.assignedTo !== undefined;
  const blocked = new Set<WRsc>(
    ws.primitives.filter((p) => blockedStart(p) || frozenStart(p) || (!p.blocked && !willRun(p) && hasStart(p))),
  );
  const firstBlocked = (r: WRsc): boolean => {
    if (r.variant === 'primitive') return blocked.has(r);
    if (r.variant === 'group') return r.children.some(firstBlocked);
    return r.children.every((i) => firstBlocked(i) || leaves(i).every((p) => !willRun(p)));
  };
  // As the `first` of a require-all=false set's pseudo action (which has no resource, so a group's
  // start is not remapped to its `running`): a group's start counts as runnable whatever its members
  // do (Pacemaker's group action flags start runnable and only lose it for a member with no start,
  // and the group's internal orderings give every member one); a clone's when any instance's is.
  const anyOfFirstBlocked = (r: WRsc): boolean => {
    if (r.variant === 'group') return false;
    if (r.variant === 'primitive') return blocked.has(r);
    return r.children.every((i) => anyOfFirstBlocked(i) || (i.variant !== 'group' && leaves(i).every((p) => !willRun(p))));
  };
  const block = (r: WRsc, onlyExisting: boolean): boolean => {
    let changed = false;
    for (const p of leaves(r)) {
      if (!blocked.has(p) && (!onlyExisting || hasStart(p))) {
        blocked.add(p);
        changed = true;
      }
    }
    return changed;
  };
  // Only a promote that would happen is blocked: the instance starts (or stays) unpromoted.
  const blockPromote = (r: WRsc): boolean => {
    let changed = false;
    for (const p of leaves(r)) {
      if (p.nextRole !== 'Promoted' || p.role === 'Promoted' || p.blockedPromote) continue;
      p.blockedPromote = true;
      p.nextRole = 'Unpromoted';
      changed = true;
    }
    return changed;
  };
  // An instance of an interleaved clone with no instance of the clone it is ordered after on its
  // node cannot run there: Pacemaker takes its assignment back (so later pairings no longer see it),
  // but the start it created when it was assigned stays, unrunnable (pcmk__finalize_assignment).
  const inhibited = new Set<WRsc>();
  const inhibit = (t: WRsc): boolean => {
    let changed = false;
    for (const p of leaves(t)) {
      if (!p.assignedTo || p.assignedTo.unclean || !isManaged(ws, p)) continue;
      p.unrunnableStartOn = p.assignedTo;
      p.assignedTo = undefined;
      blocked.add(p);
      inhibited.add(p);
      changed = true;
    }
    return changed;
  };
  // A clone instance's promote or demote, as the `first` of an ordering: undefined when the instance
  // has no such action (Pacemaker then has nothing to order), else whether it can run. Every
  // instance has a promote: a runnable one when it ends promoted (a promoted one staying so has an
  // optional one); the others get one with no node, unrunnable, from the clone's own ordering of
  // instance promotes before its `promoted` (rsc_order_first creates a missing `first`). A demote
  // runs where the instance is promoted now (the others' are unrunnable or missing: for a clone's
  // `demoted` alike). A cloned group's instance has its own pseudo actions, counted runnable.
  const roleChangeRunnable = (i: WRsc, action: 'promote' | 'demote'): boolean | undefined => {
    if (i.variant !== 'primitive') return true;
    if (action === 'demote') return i.role === 'Promoted' && i.runningOn.length > 0 ? true : undefined;
    return !i.blockedPromote && i.nextRole === 'Promoted' && i.assignedTo !== undefined && !blocked.has(i);
  };
  // A mandatory, symmetrical order whose flags come from a start or a promote (the `first` action,
  // or the `then` one between resource sets: order_rsc_sets) has Pacemaker's runnable_left: after a
  // clone's promote or demote, `then` cannot start (or be promoted) when no instance's promote or
  // demote can run (the clone's promoted/demoted pseudo action is runnable only when an instance's
  // action is: summary_action_flags). Between interleaved clones, instance by instance: a `then`
  // instance with no `first` instance on its node is not run, one whose partner will not be promoted
  // is blocked (a demote is sought where the instances are now, and a missing one is ignored).
  const blockAfterRoleChange = (o: Ordering): boolean => {
    const action = o.firstAction as 'promote' | 'demote';
    const flagAction = o.fromSet ? o.thenAction : o.firstAction;
    if (!o.symmetrical || (flagAction !== 'start' && flagAction !== 'promote')) return false;
    if (o.thenAction !== 'start' && o.thenAction !== 'promote') return false;
    if (o.first.variant !== 'clone' || o.first === o.then || o.minFirst > 0) return false;
    const blockThen = (t: WRsc) => (o.thenAction === 'promote' ? blockPromote(t) : block(t, false));
    const clonesAction = (c: WRsc) => c.variant === 'clone' && c.children.some((i) => roleChangeRunnable(i, action) === true);
    if (o.anyOf !== undefined) {
      // A require-all=false set: `then` waits for any one `first` of the set.
      const firsts = ws.orderings.filter((x) => x.anyOf === o.anyOf && x.then === o.then).map((x) => x.first);
      return !firsts.some(clonesAction) && blockThen(o.then);
    }
    if (!interleavedOrdering(o)) return !clonesAction(o.first) && blockThen(o.then);
    if (action === 'demote') return false;
    let changed = false;
    const firsts = [...o.first.children].sort(byInstanceNumber);
    for (const t of [...o.then.children].sort(byInstanceNumber)) {
      const f = compatibleInstance(ws, t, o.first, false, firsts);
      if (!f) changed = inhibit(t) || changed;
      else if (roleChangeRunnable(f, action) === false) changed = blockThen(t) || changed;
    }
    return changed;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of ws.byId.values()) {
      if (g.variant !== 'group' || !(g.meta.get('ordered') === undefined || isTrue(g.meta.get('ordered')))) continue;
      for (let i = 1; i < g.children.length; i++)
        if (firstBlocked(g.children[i - 1] as WRsc)) changed = block(g.children[i] as WRsc, false) || changed;
    }
    for (const o of ws.orderings) {
      if (o.kind !== 'Mandatory') continue;
      if (o.firstAction === 'promote' || o.firstAction === 'demote') {
        changed = blockAfterRoleChange(o) || changed;
        continue;
      }
      if (o.firstAction !== 'start') continue;
      if (o.thenAction === 'promote' && o.minFirst === 0 && o.anyOf === undefined) {
        // start → promote: an unrunnable start leaves the promote unrunnable (the instance stays
        // unpromoted); between interleaved clones, instance by instance on the same node, and an
        // instance with no partner on its node is not run (as for start → start).
        if (!interleavedOrdering(o)) {
          if (firstBlocked(o.first)) changed = blockPromote(o.then) || changed;
          continue;
        }
        const firsts = [...o.first.children].sort(byInstanceNumber);
        for (const t of o.then.children) {
          const f = compatibleInstance(ws, t, o.first, false, firsts);
          if (f && firstBlocked(f)) changed = blockPromote(t) || changed;
          else if (!f && o.symmetrical) changed = inhibit(t) || changed;
        }
        continue;
      }
      if (o.thenAction !== 'start') continue;
      if (o.minFirst > 0) {
        // clone-min / require-all=false: `then` waits for that many instances of `first` (any,
        // not interleaved), through a pseudo action that is runnable once enough are.
        const able = o.first.children.filter((i) => !firstBlocked(i) && leaves(i).every(willRun)).length;
        if (able < o.minFirst) changed = block(o.then, false) || changed;
        continue;
      }
      if (o.anyOf !== undefined) {
        // A require-all=false set: `then` is blocked only when every `first` of the set is.
        const firsts = ws.orderings.filter((x) => x.anyOf === o.anyOf && x.then === o.then).map((x) => x.first);
        if (firsts.every(anyOfFirstBlocked)) changed = block(o.then, false) || changed;
        continue;
      }
      if (!interleavedOrdering(o)) {
        if (!firstBlocked(o.first)) continue;
        // An asymmetrical order leaves a `then` that is already active where it stays alone
        // (Pacemaker's handle_asymmetric_ordering); only a start it needs anyway is blocked.
        if (o.symmetrical) changed = block(o.then, false) || changed;
        else for (const t of leaves(o.then)) if (needsStart(t)) changed = block(t, false) || changed;
        continue;
      }
      // Interleaved: each instance of `then` depends only on the instance of `first` on its node
      // (instances are paired in instance-number order, as Pacemaker has sorted them by then).
      const firsts = [...o.first.children].sort(byInstanceNumber);
      for (const t of [...o.then.children].sort(byInstanceNumber)) {
        const f = compatibleInstance(ws, t, o.first, false, firsts);
        if (f) {
          if (firstBlocked(f)) changed = block(t, false) || changed;
        } else if (o.symmetrical) changed = inhibit(t) || changed;
      }
    }
    // What runs on a remote or guest node needs its connection's start (runnable_left, even an
    // optional one where it stays): a connection that cannot start blocks everything assigned
    // there (a bundle's replica whose container cannot run still has its connection and child
    // instance assigned: Pacemaker's "blocked" start, or a stop "due to unrunnable" start).
    for (const p of ws.primitives) {
      const id = p.assignedTo?.remote?.connection;
      const conn = id === undefined ? undefined : ws.byId.get(id);
      if (conn !== undefined && conn !== p && blocked.has(conn)) changed = block(p, false) || changed;
    }
    // Mandatory colocations with a top-level primitive, or a clone none of whose instances can start.
    const stuck = stuckPrimaries(ws.resources, blocked, inhibited);
    for (const r of ws.resources) {
      if (!stuck.has(r)) continue;
      // A dependent colocated in the Promoted role loses its promotion instead (pcmk__block_colocation_dependents).
      for (const c of r.withThis)
        if (c.score >= INFINITY)
          changed = (c.dependentRole === 'Promoted' ? blockPromote(c.dependent) : block(c.dependent, true)) || changed;
    }
  }
  // An unrunnable start stops the resource even where it is already active (crm_simulate shows
  // "Stop ... due to unrunnable X start").
  for (const p of blocked) {
    if (!isManaged(ws, p)) continue;
    // Held on a node that is down and will not be fenced (finalRoles): its stop there cannot run
    // either ("Stop ... blocked"), so it stays there.
    if (p.blockedStop && p.assignedTo && !p.assignedTo.online && p.runningOn.includes(p.assignedTo)) continue;
    if (p.assignedTo && p.nextRole !== 'Stopped') p.unrunnableStartOn = p.assignedTo;
    // A start that cannot run where it was assigned is still listed (blocked) in the summary.
    if (p.assignedTo && p.runningOn.length === 0 && (p.nextRole !== 'Stopped' || p.frozen)) {
      p.blockedStartOn = p.assignedTo;
      p.blockedStartPromoted = p.nextRole === 'Promoted';
    }
    p.nextRole = 'Stopped';
  }
  return blocked;
}

/**
 * The top-level resources whose start cannot run, for their mandatory colocation dependents
 * (Pacemaker's pcmk__block_colocation_dependents): a blocked primitive; a clone every instance of
 * which has a start and none can run. A primitive instance assigned nowhere has an unrunnable start
 * (the clone's orderings create it without a node). An inhibited instance (an interleaved `first` with no
 * instance on its node) keeps the unrunnable start it had, and so does, then, an instance active
 * beyond clone-max; Pacemaker notices that the clone cannot start when it re-evaluates the clone's
 * start after the inhibition (scenario interleave-inhibited-colocation), but not when a mandatory
 * colocation had already made that start unrunnable (the clone is the dependent of a stuck one:
 * unrunnable-2's ceilometer-api, inhibited after collector blocked it, blocks nothing).
 */
function stuckPrimaries(resources: readonly WRsc[], blocked: ReadonlySet<WRsc>, inhibited: ReadonlySet<WRsc>): Set<WRsc> {
  const memo = new Map<WRsc, boolean>();
  const isStuck = (r: WRsc): boolean => {
    const known = memo.get(r);
    if (known !== undefined) return known;
    memo.set(r, false); // a colocation cycle blocks nothing through itself
    let result = false;
    // A bundle's implied resource stands for its bundle (Pacemaker looks at the uber-parent's
    // colocations, not the container's or IP's): its dependents are blocked only when none of
    // the bundle's parts can start (scenario bundle-ip-unblocked).
    if (r.variant === 'primitive') result = blocked.has(r) && (!r.bundleImplied || bundleCannotStart(r, blocked));
    else if (r.variant === 'clone' && r.children.length > 0) {
      const hasStart = (p: WRsc) => blocked.has(p) && p.assignedTo !== undefined;
      // An instance active where it is assigned nowhere (beyond clone-max) has a start, unrunnable.
      const stopping = (p: WRsc) => p.assignedTo === undefined && p.runningOn.length > 0;
      const unrunnable = (p: WRsc) => hasStart(p) || inhibited.has(p) || stopping(p);
      // A primitive instance assigned nowhere (not inhibited) still gets a start, active or not:
      // the clone's "instance start, then clone running" ordering creates it, unrunnable for want
      // of a node. A dependent placed before the clone was (a colocation loop) is then blocked
      // (scenario utilization-full-clone-blocks-dependent).
      const unassigned = (i: WRsc) => i.variant === 'primitive' && i.assignedTo === undefined && !inhibited.has(i);
      if (r.children.every((i) => unassigned(i) || leaves(i).some(hasStart))) result = true;
      else if (r.children.some((i) => leaves(i).some((p) => inhibited.has(p))) && r.children.every((i) => leaves(i).some(unrunnable)))
        result = !r.thisWith.some((c) => c.score >= INFINITY && isStuck(c.primary));
    }
    memo.set(r, result);
    return result;
  };
  return new Set(resources.filter(isStuck));
}

/**
 * Whether none of a bundle's parts can start, seen from one of its implied resources: every
 * replica's container is blocked, and so is every implied resource placed with one (IPs, guest
 * connections). Only a container knows its replicas; an IP or a connection alone never blocks.
 */
function bundleCannotStart(r: WRsc, blocked: ReadonlySet<WRsc>): boolean {
  const containers = r.bundleReplicas?.all;
  if (containers === undefined) return false;
  return containers.every((c) => blocked.has(c) && c.withThis.every((x) => !x.dependent.bundleImplied || blocked.has(x.dependent)));
}

/** An earlier member of the primitive's ordered group starts (on the node it is assigned to): it would restart after it. */
function earlierMemberStarts(p: WRsc): boolean {
  const g = p.parent;
  if (g?.variant !== 'group' || !(g.meta.get('ordered') === undefined || isTrue(g.meta.get('ordered')))) return false;
  const before = g.children.slice(0, g.children.indexOf(p));
  return before.some((m) => leaves(m).some((q) => willRun(q) && needsStart(q)));
}

/**
 * Finds the active resources whose stop cannot run, the way Pacemaker propagates unrunnable stops:
 * an unmanaged or blocked resource cannot be stopped, and neither can anything that must stop
 * after it — earlier members of its ordered group (members stop in reverse order) and the `first`
 * of a mandatory, symmetrical order whose `then` it is (when the `then` is a primitive). Neither
 * can a resource on a guest node whose container's host is lost and cannot be fenced. Such a
 * resource stays where and as it is.
 * Mutates next roles and assignments; returns the resources held in place.
 *
 * @example
 * const held = applyUnrunnableStops(ws);
 */
export function applyUnrunnableStops(ws: WorkingSet): Set<WRsc> {
  const active = (p: WRsc) => p.runningOn.length > 0;
  const stuck = new Set<WRsc>(ws.primitives.filter((p) => active(p) && !isManaged(ws, p)));
  // Active on a guest node that cannot be fenced (its container's host is lost): its stop or
  // demote there cannot run, so it stays, and holds what must stop after it.
  const held = new Set<WRsc>(
    ws.primitives.filter((p) => !stuck.has(p) && p.runningOn.some((n) => guestHostUnfenceable(ws, n, (h) => willFence(ws, h)))),
  );
  for (const p of held) stuck.add(p);
  const hold = (r: WRsc): boolean => {
    let changed = false;
    for (const p of leaves(r)) {
      if (stuck.has(p) || !active(p)) continue;
      stuck.add(p);
      held.add(p);
      changed = true;
    }
    return changed;
  };
  const anyStuck = (r: WRsc) => leaves(r).some((p) => stuck.has(p));
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of ws.byId.values()) {
      if (g.variant !== 'group' || !(g.meta.get('ordered') === undefined || isTrue(g.meta.get('ordered')))) continue;
      for (let i = g.children.length - 1; i > 0; i--)
        if (anyStuck(g.children[i] as WRsc)) changed = hold(g.children[i - 1] as WRsc) || changed;
    }
    for (const o of ws.orderings) {
      if (o.kind !== 'Mandatory') continue;
      // `first` stops before `then` (a mandatory stop → stop order, between primitives): a
      // `first` that cannot stop holds `then` (Pacemaker's unmanaged-stop-2).
      if (o.firstAction === 'stop' && o.thenAction === 'stop') {
        if (o.first.variant === 'primitive' && o.then.variant === 'primitive' && anyStuck(o.first)) changed = hold(o.then) || changed;
        continue;
      }
      if (!o.symmetrical || o.firstAction !== 'start' || o.thenAction !== 'start') continue;
      // A group `then` is ordered through its own stop pseudo-action, which can always run.
      if (o.first.variant === 'clone' || o.then.variant !== 'primitive') continue;
      if (anyStuck(o.then)) changed = hold(o.first) || changed;
    }
  }
  for (const p of held) {
    p.stopBlocked = true;
    // It was to stop or move, or to restart because an earlier member of its group starts:
    // Pacemaker still lists that stop, as blocked.
    p.blockedStop = p.nextRole === 'Stopped' || p.assignedTo !== p.runningOn[0] || p.runningOn.length > 1 || earlierMemberStarts(p);
    p.assignedTo = p.runningOn[0];
    p.nextRole = p.role;
  }
  return held;
}
