/**
 * Pacemaker's `requires` for a primitive (its `pe_rsc_needs_fencing` flag): whether the resource
 * counts as active on an unclean node until that node is fenced.
 */
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * True when the primitive needs fencing before it may be recovered elsewhere: `requires=fencing`
 * or `unfencing` (the default with stonith-enabled), but never for a fence device or without
 * fencing (then `quorum`), nor for `requires=quorum|nothing`. Such a resource is multiply active
 * when active on several nodes, clean or not; any other only when active on several online,
 * clean nodes (Pacemaker's pe__find_active_on "clean" count).
 *
 * @example
 * needsFencing(ws, ws.byId.get('web')!) // true with stonith-enabled and no `requires`
 */
export function needsFencing(ws: Pick<WorkingSet, 'stonithEnabled'>, p: WRsc): boolean {
  if (!ws.stonithEnabled || p.primitive?.class === 'stonith') return false;
  const requires = p.meta.get('requires')?.trim().toLowerCase();
  return requires !== 'nothing' && requires !== 'quorum';
}

/**
 * The nodes a primitive counts as active on when Pacemaker asks whether it is multiply active
 * (pe__find_active_on's counts): all of them when it needs fencing, else the online, clean ones.
 *
 * @example
 * countedActive(ws, db).length // 1 for requires=quorum active on unclean node2 and on node3
 */
export function countedActive(ws: Pick<WorkingSet, 'stonithEnabled'>, p: WRsc): WNode[] {
  return needsFencing(ws, p) ? p.runningOn : p.runningOn.filter((n) => n.online && !n.unclean);
}

/**
 * The node a primitive counts as active on (Pacemaker's pe__current_node): the first online,
 * clean one when it does not need fencing, else the first of its active nodes.
 *
 * @example
 * currentNode(ws, db) // node3 for requires=quorum active on unclean node2 and on node3
 */
export function currentNode(ws: WorkingSet, p: WRsc): WNode | undefined {
  if (!needsFencing(ws, p)) {
    const clean = p.runningOn.find((n) => n.online && !n.unclean);
    if (clean) return clean;
  }
  return p.runningOn[0];
}

/**
 * True when the primitive's start and promote need quorum or fencing, as nearly every one's do:
 * only `requires=nothing` frees them (Pacemaker's `rsc_req_nothing`), and then
 * no-quorum-policy=stop or freeze neither stops nor holds the resource.
 *
 * @example
 * needsQuorum(fenceDeviceWithRequiresNothing) // false: it keeps running without quorum
 */
export function needsQuorum(p: WRsc): boolean {
  return p.meta.get('requires')?.trim().toLowerCase() !== 'nothing';
}
