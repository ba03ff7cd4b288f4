/**
 * Clones that cannot be globally unique (Pacemaker's pe__force_anon): only OCF and fence agents
 * can run several instances on one node, so a `globally-unique=true` clone of any other class
 * (lsb, systemd, service, upstart, nagios) is an anonymous clone, with clone-node-max 1 and no
 * more instances than nodes.
 */
import type { Group, Primitive } from './cib-model.js';
import { isTrue } from './nvsets.js';

/** The classes whose agents can be globally-unique clones. */
const UNIQUE_CAPABLE = new Set(['ocf', 'stonith']);

/**
 * The primitive that makes a globally-unique clone anonymous, if any: the first one in the
 * clone's child whose class cannot be unique.
 */
function forcedAnonymousBy(child: Primitive | Group): Primitive | undefined {
  const members = child.kind === 'group' ? child.children : [child];
  return members.find((p) => !UNIQUE_CAPABLE.has(p.class.toLowerCase()));
}

/**
 * Whether a clone with these (flattened) meta attributes and this child is globally unique.
 *
 * @example
 * isUniqueClone(new Map([['globally-unique', 'true']]), lsbPrimitive) // false: lsb is anonymous only
 */
export function isUniqueClone(meta: Map<string, string>, child: Primitive | Group): boolean {
  return isTrue(meta.get('globally-unique')) && forcedAnonymousBy(child) === undefined;
}

/**
 * Makes a forced-anonymous clone's meta attributes say what Pacemaker then uses: globally-unique
 * false, clone-node-max 1, clone-max at most the number of nodes. Returns the primitive that forced
 * it (for the warning), or undefined when the clone is left as it is.
 */
export function forceAnonymous(meta: Map<string, string>, child: Primitive | Group, nodeCount: number): Primitive | undefined {
  if (!isTrue(meta.get('globally-unique'))) return undefined;
  const by = forcedAnonymousBy(child);
  if (!by) return undefined;
  meta.set('globally-unique', 'false');
  meta.set('clone-node-max', '1');
  const max = Number.parseInt(meta.get('clone-max') ?? '', 10);
  if (!Number.isNaN(max) && max > nodeCount) meta.set('clone-max', String(nodeCount));
  return by;
}
