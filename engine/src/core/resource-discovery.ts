import { INFINITY } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * `resource-discovery` on location constraints, as Pacemaker 2.1 applies it: each constraint
 * marks the nodes it names for its resource (and everything in it) `always` (the default),
 * `never` (no probe there) or `exclusive` (probes only on the nodes so marked, and the resource
 * may run nowhere else); a node named by several keeps the strongest (exclusive > never > always).
 */

type DiscoverMode = 'always' | 'never' | 'exclusive';

const strength: Record<DiscoverMode, number> = { always: 0, never: 1, exclusive: 2 };

function parseMode(value: string | undefined): DiscoverMode {
  const v = value?.toLowerCase();
  return v === 'never' || v === 'exclusive' ? v : 'always';
}

/**
 * Records what a location constraint (`resource-discovery` = `value`) says about one node for one
 * resource it applies to (called for the resource and, like the score, for each one inside it).
 */
export function noteDiscovery(r: WRsc, node: string, value: string | undefined): void {
  const mode = parseMode(value);
  if (mode === 'always') return;
  r.discovery ??= new Map();
  if (strength[mode] > strength[r.discovery.get(node) ?? 'always']) {
    r.discovery.set(node, mode);
    if (mode === 'exclusive') r.exclusiveDiscovery = true;
  }
}

function top(r: WRsc): WRsc {
  let t = r;
  while (t.parent) t = t.parent;
  return t;
}

function isExclusive(r: WRsc): boolean {
  return r.exclusiveDiscovery === true || top(r).exclusiveDiscovery === true;
}

/**
 * A resource with exclusive discovery may run only on the nodes an exclusive constraint names:
 * every other node it has a score on gets -INFINITY (Pacemaker's apply_exclusive_discovery).
 */
export function applyExclusiveDiscovery(ws: WorkingSet): void {
  const visit = (r: WRsc) => {
    if (!isExclusive(r)) return;
    r.children.forEach(visit);
    for (const node of r.allowed.keys()) if (r.discovery?.get(node) !== 'exclusive') r.allowed.set(node, -INFINITY);
  };
  for (const r of ws.resources) visit(r);
}

/**
 * Whether a resource may be probed on a node: not where discovery is `never`, and with exclusive
 * discovery only where an exclusive constraint allows it.
 */
export function discoveryAllows(p: WRsc, node: WNode): boolean {
  const mode = p.discovery?.get(node.uname) ?? 'always';
  if (isExclusive(p) && (!p.allowed.has(node.uname) || mode !== 'exclusive')) return false;
  return mode !== 'never';
}
