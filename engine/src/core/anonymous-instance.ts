/**
 * Which instance of an anonymous clone a history entry belongs to (Pacemaker's
 * find_anonymous_clone). An anonymous clone's history names no instance that counts: `rsc`, or
 * `rsc:N` as older Pacemaker wrote it, are matched the same way on every node, so `rsc:0` active on
 * two nodes is two instances, not one instance active twice.
 */
import { isBlocked, type WNode, type WRsc } from './working-set.js';

/** Where an instance is active or has an operation pending, in the order found (Pacemaker's location with pending). */
function locations(inst: WRsc): string[] {
  const out: string[] = [];
  const visit = (r: WRsc) => {
    if (r.variant !== 'primitive') return r.children.forEach(visit);
    for (const n of r.runningOn) if (!out.includes(n.uname)) out.push(n.uname);
    if (r.pending && !out.includes(r.pending.node)) out.push(r.pending.node);
  };
  visit(inst);
  return out;
}

/** The primitive of an instance that a history id's base names (the instance itself, or a cloned group's member). */
function memberOf(inst: WRsc, base: string): WRsc | undefined {
  return inst.variant === 'primitive' ? inst : inst.children.find((m) => m.id.replace(/:\d+$/, '') === base);
}

/** What the lookup needs to know besides the clone. */
export interface AnonymousLookup {
  /** Whether the primitive needs fencing before it counts as stopped on an unclean node. */
  needsFencing: (p: WRsc) => boolean;
  /** How many nodes the cluster has (a clone with as many instances is "universal"). */
  nodeCount: number;
  /** Adds an orphan instance to the clone (beyond clone-max: only ever stopped). */
  orphan: (clone: WRsc) => WRsc;
}

/**
 * The instance (primitive) of anonymous clone `clone` that history entry `base` (the history id
 * without its number) on `node` belongs to (a bundle's child: replica N's instance on its guest node N):
 * - the instance already active (or pending) on this node, when the member named is not yet;
 *   a second entry of an active member on one node is an orphan, and no free instance is used then;
 * - else the first instance active nowhere (not blocked, and not pending on another node);
 * - an orphan when none is free, and when the entry is on an offline or unclean node, the
 *   resource does not need fencing and the clone has fewer instances than the cluster nodes: such
 *   an instance does not use up a number a clean node could run.
 *
 * @example
 * anonymousInstance(pingClone, 'ping', node2, lookup) // ping:1 when ping:0 runs on node1
 */
export function anonymousInstance(clone: WRsc, base: string, node: WNode, lookup: AnonymousLookup): WRsc | undefined {
  // A bundle's child: the history on replica N's guest node is instance N's (Pacemaker's
  // pe__find_bundle_replica), whichever order the nodes' histories are read in.
  const replica = clone.bundleGuests?.indexOf(node.uname) ?? -1;
  const own = replica >= 0 ? clone.children[replica] : undefined;
  const ownMember = own && memberOf(own, base);
  if (ownMember && ownMember.runningOn.length === 0 && locations(own).every((u) => u === node.uname)) return ownMember;
  let found: WRsc | undefined;
  let inactive: WRsc | undefined;
  let skipInactive = false;
  for (const inst of clone.children) {
    const where = locations(inst);
    if (where.length > 0) {
      if (where[0] !== node.uname) continue;
      const m = memberOf(inst, base);
      if (!m) continue;
      if (m.runningOn.length > 0) skipInactive = true;
      else {
        found = m;
        break;
      }
    } else if (!skipInactive && !inactive && !isBlocked(inst)) {
      const m = memberOf(inst, base);
      inactive = m?.pending && m.pending.node !== node.uname ? undefined : m;
    }
  }
  if (!found && !skipInactive) found = inactive;
  const max = Number.parseInt(clone.meta.get('clone-max') ?? '', 10);
  const universal = (Number.isNaN(max) ? lookup.nodeCount : max) === lookup.nodeCount;
  if (found && !lookup.needsFencing(found) && (!node.online || node.unclean) && !universal) found = undefined;
  return found ?? memberOf(lookup.orphan(clone), base);
}
