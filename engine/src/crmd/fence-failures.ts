/**
 * `stonith-max-attempts`, as Pacemaker 2.1's controller applies it (controld_fencing.c): the DC
 * counts failed fencing operations per target. A failure normally aborts the transition and the
 * scheduler runs again at once (which plans the fencing again). Once a target has failed
 * `stonith-max-attempts` times (default 10), a failure still aborts the transition but no new one
 * is started for it: the controller waits for the next event (a configuration or status change,
 * a node joining or leaving, an attribute, `cluster-recheck-interval`), and each of those tries
 * the fencing once more. A successful fencing of the target resets its count. A failure because
 * no device can fence the target waits at once, whatever the count (retrying cannot help).
 * Pure: no I/O, no clock.
 */
import type { Cib } from '../core/cib-model.js';
import { flattenSets } from '../core/nvsets.js';
import { parseScore } from '../core/score.js';

/** Pacemaker's default `stonith-max-attempts`. */
export const DEFAULT_STONITH_MAX_ATTEMPTS = 10;

/**
 * `stonith-max-attempts` from the cluster options: a score (`INFINITY` allowed); anything below 1
 * or not a number is the default 10, as Pacemaker's `update_stonith_max_attempts` does.
 *
 * @example
 * stonithMaxAttempts(cib) // 10 unless crm_config says otherwise
 */
export function stonithMaxAttempts(cib: Cib): number {
  const n = parseScore(flattenSets(cib.crmConfig).get('stonith-max-attempts')) ?? 0;
  return n < 1 ? DEFAULT_STONITH_MAX_ATTEMPTS : n;
}

/**
 * The DC's count of failed fencing operations per target.
 *
 * @example
 * const f = new FenceFailures();
 * f.failed('node2', 2) // { count: 1, giveUp: false }
 * f.failed('node2', 2) // { count: 2, giveUp: true }
 */
export class FenceFailures {
  private readonly counts = new Map<string, number>();

  /** Records a failure; `giveUp` when the target has now failed `max` times or more. */
  failed(target: string, max: number): { count: number; giveUp: boolean } {
    const count = (this.counts.get(target) ?? 0) + 1;
    this.counts.set(target, count);
    return { count, giveUp: count >= max };
  }

  /** The target was fenced: its count starts again. */
  succeeded(target: string): void {
    this.counts.delete(target);
  }

  count(target: string): number {
    return this.counts.get(target) ?? 0;
  }
}
