/**
 * A node told it was fenced while it still runs (Pacemaker's "We were allegedly just fenced by X
 * for Y!" in controld_fencing.c): fencing was misconfigured, or a fabric device cut the node off
 * its storage or switch port but not from the cluster, or a partition healed and the other side's
 * fencing history says this node was fenced. The rest of the cluster now takes this node's
 * resources as stopped and starts them elsewhere, so the node must not keep them: with
 * `fence-reaction=stop` (Pacemaker's default) pacemaker-controld exits with CRM_EX_FATAL and
 * pacemakerd stays down. The node daemon does the same, but first stops what its own executor
 * still runs (pacemaker-execd leaves agents' services running when it dies; here nothing else
 * would ever stop them).
 */
import type { Cib, Primitive, Resource } from '../core/cib-model.js';
import { flattenSets, parseDurationMs } from '../core/nvsets.js';
import type { HistoryEntry } from '../fencing/fencer.js';
import type { Executor } from '../lrmd/executor.js';
import type { HaLog } from './ha-log.js';

/** Pacemaker's CRM_EX_FATAL ("do not respawn"): the node daemon's exit code after it was fenced. */
export const EXIT_FENCED = 100;
/** Pacemaker's default operation timeout, for a stop the CIB gives none. */
const DEFAULT_STOP_TIMEOUT_MS = 20_000;

/**
 * Whether a fencing history entry says this node was fenced (off or reboot, successfully) after
 * this daemon started at `startedAt` (epoch ms) — an entry from before (the node was fenced for
 * real, rebooted and rejoined) is history, not news. The two clocks are the fencer's and this
 * node's: a node whose clock runs ahead of the fencer's by more than the time between its start
 * and the fencing misses the notice.
 *
 * @example
 * fencedWhileRunning({ target: 'node1', action: 'off', state: 'success', completedAt: now, ... }, 'node1', bootedAt) // true
 */
export function fencedWhileRunning(entry: HistoryEntry, nodeName: string, startedAt: number): boolean {
  return (
    entry.target.toLowerCase() === nodeName.toLowerCase() &&
    entry.state === 'success' &&
    entry.action !== 'on' &&
    (entry.completedAt ?? 0) > startedAt
  );
}

/** The log line of the notice, as pacemaker-controld words it. */
export function fencedNotice(entry: HistoryEntry): string {
  return `We were allegedly just fenced by ${entry.delegate ?? 'an unknown node'} for ${entry.origin} (${entry.action} with ${entry.devices.join(', ') || 'no device'}): stopping this node's resources and exiting`;
}

function primitives(resources: readonly Resource[]): Primitive[] {
  return resources.flatMap((r) => (r.kind === 'primitive' ? [r] : r.kind === 'group' ? [...r.children] : primitives([r.child])));
}

/** The stop timeout the CIB gives a resource (a clone instance `id:N` by its primitive), else 20 s. */
export function stopTimeoutMs(cib: Cib, rsc: string): number {
  const p = primitives(cib.resources).find((x) => x.id === rsc.replace(/:\d+$/, ''));
  const op = p?.ops.find((o) => o.name === 'stop' && (parseDurationMs(o.interval) ?? 0) === 0);
  const text = op?.attrs.timeout ?? flattenSets(cib.opDefaults).get('timeout');
  return parseDurationMs(text) ?? DEFAULT_STOP_TIMEOUT_MS;
}

/**
 * Stops every OCF resource this node's executor has run, the last registered first (a group's
 * members register in order), one at a time with its configured stop timeout; a resource whose
 * last result was a successful stop is left alone. Resolves with what failed to stop (logged).
 */
export async function stopLocalResources(executor: Executor, cib: Cib, log: HaLog): Promise<string[]> {
  const failed: string[] = [];
  for (const spec of executor.registered().reverse()) {
    if (spec.class === 'stonith') continue;
    const last = executor
      .history(spec.id)
      .filter((x) => x.intervalMs === 0)
      .at(-1);
    if (last?.action === 'stop' && last.rc === 0 && last.execStatus === 'done') continue;
    const r = await executor
      .run({ rsc: spec.id, action: 'stop', timeoutMs: stopTimeoutMs(cib, spec.id) })
      .catch((err: Error) => ({ rc: 1, execStatus: 'error', exitReason: err.message }));
    if (r.rc === 0 && r.execStatus === 'done') log.info(`${spec.id} stopped (this node was fenced)`);
    else {
      failed.push(spec.id);
      log.error(`${spec.id} did not stop: rc ${r.rc} (${r.execStatus})${r.exitReason ? `: ${r.exitReason}` : ''}`);
    }
  }
  return failed;
}
