import { EXIT_REASON_MAX, EXIT_REASON_PREFIX } from '@ocfkit/sdk';
import { AgentRunner, type OpRecord } from '../runner/agent-runner';
import type { Findings } from './findings';
import { advertisedTimeout, type MetaData } from './metadata-model';
import { UNKNOWN_ACTION } from './optional-action-checks';

/** Codes that mean "this action failed" (7 and 8 are states, 3 is judged by action.unknown). */
const FAILING = new Set([1, 2, 4, 5, 6, 9]);

/** The full text of the last exit-reason line, before Pacemaker's 128-character cut. */
function fullReason(stderr: string): string | undefined {
  const at = stderr.lastIndexOf(EXIT_REASON_PREFIX);
  if (at < 0) return undefined;
  return stderr.slice(at + EXIT_REASON_PREFIX.length).split('\n')[0];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The timeout the meta-data advertises for an op (meta-data: the controller's 30 s when unset). */
export function timeoutOf(md: MetaData | undefined, action: string): number {
  return advertisedTimeout(md, action, action === 'meta-data' ? 30_000 : 20_000);
}

/**
 * The cross-cutting rules, judged over every op the run made: each finished inside its advertised
 * timeout (its duration less the time it waited for a CPU on a busy host; a read-only op that was
 * slow once was run again, and only the second run counts); failures carry an exit reason of at most 128 characters; nothing was left behind;
 * nothing printed on stdout outside meta-data.
 *
 * @example
 * observe(runner.records, ctx.md, findings);
 */
export function observe(records: readonly OpRecord[], md: MetaData | undefined, f: Findings): void {
  for (const rec of records) {
    const r = rec.result;
    const what = `${rec.label} (${rec.action})`;
    if (!rec.killed && !rec.ranAgain) {
      const limit = timeoutOf(md, rec.action);
      const waited = rec.cpuWaitMs !== undefined && rec.cpuWaitMs >= 10 ? `, ${seconds(rec.cpuWaitMs)} of it waiting for a CPU` : '';
      f.check(
        'timing.within-advertised',
        !AgentRunner.isSlow(rec, limit),
        `${what} took ${seconds(r.durationMs)}${waited}; advertised timeout ${limit / 1000} s${r.execStatus === 'timeout' ? ' (killed)' : ''}`,
      );
    }
    if (r.execStatus === 'done' && FAILING.has(r.rc) && rec.action !== UNKNOWN_ACTION) {
      f.check(
        'exit-reason.present',
        r.exitReason !== undefined,
        r.exitReason !== undefined
          ? `${what} returned ${r.rc} with a reason`
          : `${what} returned ${r.rc} without an ocf-exit-reason line on stderr`,
      );
      const full = fullReason(r.stderr);
      if (full !== undefined)
        f.check(
          'exit-reason.length',
          full.length <= EXIT_REASON_MAX,
          `${what}: exit reason of ${full.length} characters${full.length > EXIT_REASON_MAX ? ' (Pacemaker keeps the first 128)' : ''}`,
        );
    }
    if (!AgentRunner.mayLeaveProcesses(rec.action))
      f.check(
        'process.no-orphans',
        rec.leftovers.length === 0,
        rec.leftovers.length === 0
          ? `${what} left nothing behind`
          : `${what} left behind: ${rec.leftovers.map((p) => `${p.pid} ${p.command}`).join('; ')}`,
      );
    // usage text with an unsupported action (rc 3) is a shell convention, not chatter
    if (rec.action !== 'meta-data' && r.rc !== 3)
      f.check(
        'output.stdout-quiet',
        r.stdout.trim() === '',
        r.stdout.trim() === '' ? `${what}: stdout empty` : `${what} printed on stdout: ${JSON.stringify(r.stdout.trim().slice(0, 80))}`,
      );
  }
}
