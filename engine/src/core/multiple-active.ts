import { INFINITY } from './score.js';
import type { WNode, WRsc } from './working-set.js';

/** The `multiple-active` policies the scheduler models (`stop_unexpected` stays warned about). */
export const modelledMultipleActive = new Set(['stop_start', 'stop_only', 'block']);

function policy(r: WRsc): string {
  return (r.meta.get('multiple-active') ?? 'stop_start').toLowerCase();
}

/**
 * What a managed primitive found active on more than one node gets from its `multiple-active`
 * policy, as Pacemaker applies it while reading the history (native_add_running):
 * `stop_only` bans it from every node, so it is stopped everywhere and started nowhere; `block`
 * leaves it unmanaged and blocked where it is (with every member of its group, when the group
 * itself says `block`); `stop_start` (the default) is the ordinary recovery, nothing to do here.
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
