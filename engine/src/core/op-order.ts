/**
 * The order in which Pacemaker replays a resource's operation history on one node
 * (`pe__is_newer_op`, by way of `sort_op_by_callid`): by call id, and a pending operation
 * (call id -1) by the transition its `transition-key` names, so that a start still pending from a
 * later transition comes after the stop of an earlier one and leaves the resource active.
 */
import type { LrmOp } from './cib-model.js';

interface Magic {
  uuid: string;
  transition: number;
}

/** The transition number and controller UUID of `transition-magic` (`status:rc;action:transition:target:uuid`). */
function magicOf(op: LrmOp): Magic | undefined {
  const magic = op.attrs['transition-magic'];
  if (magic === undefined) return undefined;
  const key = magic.slice(magic.indexOf(';') + 1).split(':');
  const transition = Number.parseInt(key[1] ?? '', 10);
  if (key.length < 4 || Number.isNaN(transition)) return undefined;
  return { uuid: key.slice(3).join(':').toLowerCase(), transition };
}

function lastChange(op: LrmOp): number {
  const v = Number.parseInt(op.attrs['last-rc-change'] ?? '', 10);
  return Number.isNaN(v) ? -1 : v;
}

/**
 * Negative when `a` happened before `b`, positive after, 0 when Pacemaker cannot tell.
 *
 * @example
 * [...ops].sort(compareOps) // oldest first, a pending start of a later transition last
 */
export function compareOps(a: LrmOp, b: LrmOp): number {
  const ca = a.callId;
  const cb = b.callId;
  if (ca === -1 && cb === -1) return 0;
  if (ca >= 0 && ca < cb) return -1;
  if (cb >= 0 && ca > cb) return 1;
  if (ca >= 0 && cb >= 0) {
    // The same call (an op and its last_failure copy): by last-rc-change.
    const la = lastChange(a);
    const lb = lastChange(b);
    if (la >= 0 && la < lb) return -1;
    if (lb >= 0 && la > lb) return 1;
    return 0;
  }
  // One of them is pending: its age from the transitions that asked for them.
  const ma = magicOf(a);
  const mb = magicOf(b);
  if (!ma || !mb) return 0;
  if (ma.uuid !== mb.uuid || ma.transition === mb.transition) return cb === -1 ? -1 : 1;
  // Transition -1 (a shutdown operation) always comes last.
  if ((ma.transition >= 0 && ma.transition < mb.transition) || mb.transition === -1) return -1;
  if ((mb.transition >= 0 && ma.transition > mb.transition) || ma.transition === -1) return 1;
  return 0;
}
