import type { LrmOp } from './cib-model.js';
import { compareDigests } from './definition-change.js';
import { nodeFailCount } from './failcount.js';
import { isRemoteConnection, reconnectIntervalMs, remoteMonitorFailuresWait } from './remote-nodes.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

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
    for (const lrm of state.lrm) {
      const p = ws.byId.get(lrm.id);
      if (p?.primitive && isRemoteConnection(p.primitive) && reconnectExpired(ws, p, node, lrm.ops)) out.add(`${p.id}@${node.uname}`);
    }
  }
  return out;
}

/**
 * A remote connection with a reconnect interval (its failure-timeout) whose history has an entry
 * older than it (`check_operation_expiry`): the fail count is cleared when it has expired ("it
 * expired"), or, without a fail count, when that entry is the last failure ("reconnect interval is
 * set"). A recurring monitor's failure waits for the remote node's fencing when fencing is enabled
 * (`should_ignore_failure_timeout`). The clearing's ordering after that fencing is not modelled.
 */
function reconnectExpired(ws: WorkingSet, p: WRsc, node: WNode, ops: readonly LrmOp[]): boolean {
  if (!p.primitive || reconnectIntervalMs(p.primitive) <= 0 || p.failureTimeoutS <= 0) return false;
  const waits = remoteMonitorFailuresWait(ws.stonithEnabled, p.primitive, p.id, ws.nodes);
  const raw = nodeFailCount(node, p, ws.now, false);
  const effective = nodeFailCount(node, p, ws.now, true);
  return ops.some((op) => {
    const lastRun = Number.parseInt(op.attrs['last-rc-change'] ?? '', 10);
    if (Number.isNaN(lastRun) || ws.now < lastRun + p.failureTimeoutS) return false;
    if (waits && op.operation === 'monitor' && op.intervalMs !== 0) return false;
    return raw > 0 ? effective === 0 : op.id.endsWith('_last_failure_0');
  });
}

function isLastFailure(op: LrmOp): boolean {
  return op.id.endsWith('_last_failure_0') && (op.operation === 'start' || op.operation === 'monitor');
}
