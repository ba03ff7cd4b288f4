/**
 * Clean-up of orphans, as Pacemaker's scheduler does it (`pcmk__schedule_cleanup` from the
 * history check): a resource no longer configured (orphan-resources.ts), or a globally-unique
 * clone's instance that is numbered beyond clone-max, gets a `delete` action on every node where
 * it has operation history, ordered after its stops, so the controller erases that history (`lrm_resource`) from the CIB.
 */
import { isManaged } from './assign.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * The nodes where an orphaned globally-unique instance's history is to be deleted: nodes whose
 * history Pacemaker checks (available — online, clean, not standby or shutting down — or in
 * maintenance) and that can run an action, with operations recorded for the instance there. None
 * for a configured instance, an anonymous clone's orphan (its history belongs to the clone), an
 * unmanaged or blocked instance, or one that failed (Pacemaker skips the clean-up of a failed
 * resource).
 *
 * @example
 * orphanCleanupNodes(ws, ws.byId.get('ip:3')!) // [node1] when ip has clone-max=3 and ip:3 history on node1
 */
export function orphanCleanupNodes(ws: WorkingSet, p: WRsc): WNode[] {
  if (!p.orphan || p.variant !== 'primitive') return [];
  // An orphan of its own (no longer configured) is cleaned up too; an anonymous clone's is not.
  if (p.parent !== undefined && (p.parent.variant !== 'clone' || !p.parent.unique)) return [];
  if (p.failed || p.stopBlocked || !isManaged(ws, p)) return [];
  return ws.nodes.filter((n) => {
    if (!n.online || n.unclean) return false;
    if (!n.maintenance && (n.standby || n.shutdown)) return false;
    return (ws.history.get(n.uname)?.get(p.id)?.ops.length ?? 0) > 0;
  });
}
