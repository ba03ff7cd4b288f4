import { sortNodes } from './assign.js';
import { copiesPerNode } from './clone.js';
import { isTrue } from './nvsets.js';
import { type Coloc, isBlocked, type Ordering, type WNode, type WorkingSet, type WRsc } from './working-set.js';

function isInterleaved(r: WRsc): boolean {
  return r.variant === 'clone' && isTrue(r.meta.get('interleave'));
}

/**
 * Whether a colocation between two clones applies instance by instance: the dependent clone has
 * `interleave=true` and both allow the same number of instances per node (Pacemaker's
 * `copies_per_node`). A role-specific colocation with a promotable clone is not interleaved.
 *
 * @example
 * interleavedColocation(coloc) // true for `B-clone with A-clone` when B-clone has interleave=true
 */
export function interleavedColocation(c: Coloc): boolean {
  if (c.primary.variant !== 'clone' || !isInterleaved(c.dependent)) return false;
  if (c.primary.promotable && c.primaryRole !== undefined) return false;
  return copiesPerNode(c.dependent) === copiesPerNode(c.primary);
}

/**
 * Whether an ordering between two clones applies instance by instance. As in Pacemaker, the
 * `then` clone's `interleave` decides, except for an ordering whose `then` action is a stop or a
 * demote, where the `first` clone's does.
 *
 * @example
 * interleavedOrdering(order) // true for `A-clone then B-clone` when B-clone has interleave=true
 */
export function interleavedOrdering(o: Ordering): boolean {
  if (o.first === o.then || o.first.variant !== 'clone' || o.then.variant !== 'clone') return false;
  return isInterleaved(o.thenAction === 'stop' || o.thenAction === 'demote' ? o.first : o.then);
}

/**
 * Where an instance is: the node it is active on (`current`) or the node it was assigned to; a
 * cloned group's instance is somewhere only when all its members are on that one node.
 *
 * @example
 * instanceLocation(ws.byId.get('A:0')!, false)?.uname // 'node1'
 */
function instanceLocation(r: WRsc, current: boolean): WNode | undefined {
  const nodes = new Set<WNode>();
  for (const p of r.variant === 'primitive' ? [r] : r.children) {
    if (p.variant !== 'primitive') continue;
    if (current) for (const n of p.runningOn) nodes.add(n);
    else if (p.assignedTo) nodes.add(p.assignedTo);
  }
  return nodes.size === 1 ? [...nodes][0] : undefined;
}

function instanceOn(node: WNode, current: boolean, instances: readonly WRsc[]): WRsc | undefined {
  // A blocked instance (left where it failed) is nobody's partner (Pacemaker's is_child_compatible).
  return instances.find((i) => !isBlocked(i) && instanceLocation(i, current) === node);
}

/**
 * The instance of `clone` an instance of another clone pairs with (Pacemaker's
 * `find_compatible_child`): the one on the same node, where `local` is (`current`: active;
 * otherwise: assigned); when `local` is nowhere, the first of its allowed nodes, best score
 * first, that has an instance. Instances are tried in `instances` order.
 *
 * @example
 * compatibleInstance(ws, ws.byId.get('B:1')!, ws.byId.get('A-clone')!, false)?.id // 'A:0'
 */
export function compatibleInstance(
  ws: WorkingSet,
  local: WRsc,
  clone: WRsc,
  current: boolean,
  instances: readonly WRsc[] = clone.children,
): WRsc | undefined {
  const node = instanceLocation(local, current);
  if (node) return instanceOn(node, current, instances);
  for (const [n] of sortNodes(ws, [...local.allowed], undefined)) {
    const found = instanceOn(n, current, instances);
    if (found) return found;
  }
  return undefined;
}
