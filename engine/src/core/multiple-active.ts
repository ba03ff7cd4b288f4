import { countedActive } from './requires-fencing.js';
import { INFINITY } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** The `multiple-active` policies (all modelled); Pacemaker uses stop_start for any other value. */
export const multipleActivePolicies = new Set(['stop_start', 'stop_only', 'block', 'stop_unexpected']);

function policy(r: WRsc): string {
  return (r.meta.get('multiple-active') ?? 'stop_start').toLowerCase();
}

/**
 * What a managed primitive found active on more than one node gets from its `multiple-active`
 * policy, as Pacemaker applies it while reading the history (native_add_running):
 * `stop_only` bans it from every node, so it is stopped everywhere and started nowhere; `block`
 * leaves it unmanaged and blocked where it is (with every member of its group, when the group
 * itself says `block`); `stop_start` (the default) is the ordinary recovery, and `stop_unexpected`
 * a recovery that spares the expected node (`stopsUnexpected`), nothing to do here.
 *
 * @example
 * if (r.runningOn.length > 1) applyMultipleActive(r, ws.nodes);
 */
export function applyMultipleActive(r: WRsc, nodes: readonly WNode[]): void {
  if (r.variant !== 'primitive' || !r.managed || r.runningOn.length < 2) return;
  const how = policy(r);
  if (how === 'stop_only') {
    r.allowed = new Map(nodes.map((n) => [n.uname, -INFINITY]));
  } else if (how === 'block') {
    const group = r.parent?.variant === 'group' && policy(r.parent) === 'block' ? r.parent.children : [r];
    for (const m of group) {
      m.managed = false;
      m.blocked = true;
    }
  }
}

/**
 * Whether the primitive's recovery from being multiply active only stops the unexpected instances
 * (`multiple-active=stop_unexpected`, Pacemaker's `pe_rsc_stop_unexpected`): active on more than
 * one node (counting only online, clean ones when it does not need fencing) and not partially
 * migrated. Its expected node is the one it is assigned to (while it does not stop): there it is
 * not stopped, and its start there is a pseudo action (the recurring monitors are still asked for
 * again after it, and a start ordered after it still restarts its dependents). As in Pacemaker
 * 2.1.5, the start is a pseudo action even when the assignment is a node it is not active on
 * (is_expected_node() only compares the node with the assignment).
 *
 * @example
 * if (stopsUnexpected(ws, p) && n === p.assignedTo) continue; // no stop on the expected node
 */
export function stopsUnexpected(ws: Pick<WorkingSet, 'stonithEnabled'>, p: WRsc): boolean {
  if (p.variant !== 'primitive' || policy(p) !== 'stop_unexpected' || p.migration?.partial) return false;
  return countedActive(ws, p).length > 1;
}
