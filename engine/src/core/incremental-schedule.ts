/**
 * The scheduler for a long-lived controller: it holds the CIB and what was unpacked from it, and
 * on each new CIB reads again only what changed.
 *
 * The controller edits its CIB copy-on-write (a new operation result replaces one `lrm_resource`
 * of one `node_state`; an attribute change one node's transient set), so the next CIB shares
 * every unchanged part with the one before. Comparing by identity is the diff: the unchanged
 * histories are answered from the {@link UnpackMemo}, the changed ones unpacked again. A changed
 * configuration (a section that is not the same object any more) starts afresh: the whole CIB is
 * unpacked, as a from-scratch run does. Either way the result equals `schedule()` on the same CIB.
 * Pure: the time is passed in.
 */
import type { Cib } from './cib-model.js';
import { type ScheduleResult, schedule } from './schedule.js';
import { type MemoCounts, UnpackMemo } from './unpack-memo.js';

/** What {@link IncrementalScheduler.update} found changed (`status`: anything but the configuration). */
type CibChange = 'none' | 'status' | 'configuration';

/** The sections whose change makes every unpacked result suspect (they decide what histories mean). */
function sameConfiguration(a: Cib, b: Cib): boolean {
  return (
    a.crmConfig === b.crmConfig &&
    a.nodes === b.nodes &&
    a.resources === b.resources &&
    a.constraints === b.constraints &&
    a.rscDefaults === b.rscDefaults &&
    a.opDefaults === b.opDefaults &&
    a.other === b.other
  );
}

/**
 * Schedules successive versions of one cluster's CIB, reusing what did not change.
 *
 * @example
 * const s = new IncrementalScheduler(cib);
 * s.update(recordOps(s.cib, 'node1', agent, [entry])); // 'status'
 * const { graph } = s.schedule(nowS);
 */
export class IncrementalScheduler {
  private current: Cib;
  private memo = new UnpackMemo();
  /** Unpacks from scratch (a new configuration) since this scheduler was made, the first included. */
  private fresh = 1;

  constructor(cib: Cib) {
    this.current = cib;
  }

  /** Digest comparisons (definition changes) answered from what was kept, and made afresh, since the last configuration change. */
  get digests(): MemoCounts {
    return { ...this.memo.digestCounts };
  }

  /** The CIB the next {@link schedule} runs on. */
  get cib(): Cib {
    return this.current;
  }

  /**
   * How much was reused: histories answered from what was kept (`hits`), histories read again
   * (`misses`), and how many times a configuration change made it start afresh (`fresh`).
   */
  get counts(): MemoCounts & { fresh: number } {
    return { ...this.memo.counts, fresh: this.fresh };
  }

  /**
   * Takes the next version of the CIB. A status change keeps what was unpacked (only the parts
   * that are new objects are read again); a configuration change drops it.
   */
  update(cib: Cib): CibChange {
    const before = this.current;
    this.current = cib;
    if (cib === before) return 'none';
    if (!sameConfiguration(before, cib)) {
      this.memo = new UnpackMemo();
      this.fresh++;
      return 'configuration';
    }
    return 'status';
  }

  /** `schedule()` on the held CIB at `now` (seconds since the epoch): the same result, sooner. */
  schedule(now: number, onScore?: (line: string) => void): ScheduleResult {
    return schedule({ cib: this.current, now, memo: this.memo, ...(onScore ? { onScore } : {}) });
  }
}
