import type { LrmOp } from './cib-model.js';
import { compareDigests } from './definition-change.js';
import type { WorkingSet } from './working-set.js';

/**
 * The fail counts Pacemaker 2.1.5 clears because the resource's parameters changed since the
 * failure (`check_operation_expiry` with `should_clear_for_param_change`): a `*_last_failure_0`
 * entry of a start or monitor whose digest no longer matches the definition schedules a
 * `clear_failcount`, and a fail count about to be cleared bans nothing (`check_failure_threshold`).
 * An entry without a digest clears nothing. Returns `rsc@node` keys.
 *
 * @example
 * failCountsCleared(ws, true).has('remote-node@18builder') // its failed start was for other parameters
 */
export function failCountsCleared(ws: WorkingSet, sanitized: boolean): Set<string> {
  const out = new Set<string>();
  const named = new Map<string, string[]>();
  for (const p of ws.primitives) for (const id of new Set([p.id, p.cloneName ?? p.id])) named.set(id, [...(named.get(id) ?? []), p.id]);
  for (const state of ws.cib.status) {
    const node = ws.nodeByName.get(state.uname);
    if (!node) continue;
    for (const lrm of state.lrm) {
      const failure = lrm.ops.find(isLastFailure);
      if (!failure) continue;
      for (const id of named.get(lrm.id) ?? []) {
        const p = ws.byId.get(id);
        if (!p?.primitive || p.orphan) continue;
        const result = compareDigests(ws, p, node, failure, sanitized);
        if (result === 'all' || result === 'restart') out.add(`${p.id}@${node.uname}`);
      }
    }
  }
  return out;
}

function isLastFailure(op: LrmOp): boolean {
  return op.id.endsWith('_last_failure_0') && (op.operation === 'start' || op.operation === 'monitor');
}
