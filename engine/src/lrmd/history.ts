import type { OpResult } from './types';

/** What the CIB status section records for one resource (contract §5.7), taken from op history. */
export interface HistorySummary {
  /** `<rsc>_last_0`: the last non-recurring op. */
  last?: OpResult;
  /** `<rsc>_last_failure_0`: the last failed op, recurring or not. */
  lastFailure?: OpResult;
  /** `<rsc>_<action>_<interval>`: the latest reported result of each live recurring op, by key. */
  recurring: Record<string, OpResult>;
  /** `last-rc-change` of `last`: when its (rc, execStatus) was first seen in a row of the same action. */
  lastRcChange?: number;
}

/**
 * The default failure test: the execution did not finish normally, or the rc is not what the
 * action usually expects (0; 7 is also fine for a monitor, since the controller's target rc
 * decides; pass your own predicate when you know it).
 */
export function isFailedByDefault(r: OpResult): boolean {
  if (r.execStatus === 'cancelled') return false;
  if (r.execStatus !== 'done') return true;
  if (r.action === 'monitor') return ![0, 7, 8, 190, 191].includes(r.rc);
  return r.rc !== 0;
}

/**
 * Folds a resource's history (oldest first, as {@link Executor.history} returns it) into the
 * entries the controller writes to the CIB status section. A recurring op whose latest result
 * is a cancellation has no entry (Pacemaker deletes it).
 *
 * @example
 * const s = summarizeHistory(ex.history('db'), (r) => r.rc !== expectedRc(r));
 * s.recurring['db_monitor_10000']?.rc
 */
export function summarizeHistory(history: readonly OpResult[], isFailure: (r: OpResult) => boolean = isFailedByDefault): HistorySummary {
  const out: HistorySummary = { recurring: {} };
  for (const r of history) {
    if (r.intervalMs > 0) {
      const key = `${r.rsc}_${r.action}_${r.intervalMs}`;
      if (r.execStatus === 'cancelled') delete out.recurring[key];
      else out.recurring[key] = r;
    } else if (r.execStatus !== 'cancelled' || out.last === undefined) {
      const same = out.last !== undefined && out.last.action === r.action && out.last.rc === r.rc && out.last.execStatus === r.execStatus;
      out.lastRcChange = same ? out.lastRcChange : r.finishedAt;
      out.last = r;
    }
    if (isFailure(r)) out.lastFailure = r;
  }
  return out;
}
