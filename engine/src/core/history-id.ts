/**
 * Where crm_simulate records an anonymous clone instance's results in the status section (its
 * injection of a graph action's result), so that `--save-output` writes them where the next run
 * (and crm_mon) finds them: in the entry the instance's history was found under, not next to it.
 */
import type { WorkingSet, WRsc } from './working-set.js';

const renamedCache = new WeakMap<WorkingSet, Set<string>>();

/** Every history id an instance was found under that is not its own id (Pacemaker's clone names). */
function cloneNames(ws: WorkingSet): Set<string> {
  let names = renamedCache.get(ws);
  if (!names) {
    names = new Set();
    for (const r of ws.byId.values()) if (r.cloneName !== undefined) names.add(r.cloneName);
    renamedCache.set(ws, names);
  }
  return names;
}

/**
 * The history entries an anonymous clone instance's action result goes to on its node: the first
 * of these ids the node's history has, else a new entry under the last. As crm_simulate decides:
 * the graph names the instance by its configured id (`id`) and its clone name (`long-id`); the
 * configured id is used when some instance is known by it, else the clone name; failing an entry
 * by that name, one by the configured id. An orphan with a clone name is known only by that name.
 *
 * @example
 * historyIdsOf(ws, ws.byId.get('child:0')!, 'child', 'child:2') // ['child:2', 'child'] when no history is named 'child'
 */
export function historyIdsOf(ws: WorkingSet, r: WRsc, configured: string, longId: string): string[] {
  if (r.orphan && r.cloneName !== undefined) return [r.cloneName];
  const first = cloneNames(ws).has(configured) ? configured : longId;
  return first === configured ? [configured] : [first, configured];
}
