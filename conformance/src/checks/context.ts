import { ocfCodeName } from '@ocfkit/sdk';
import type { AgentRunner, OpRecord, RunOptions } from '../runner/agent-runner';
import type { Findings } from './findings';
import type { MetaData } from './metadata-model';
import { pacemakerReaction } from './pacemaker-reaction';

/** Everything a check procedure works with. */
export interface CheckContext {
  runner: AgentRunner;
  findings: Findings;
  /** The parsed meta-data, once the meta-data checks found it usable. */
  md?: MetaData;
  /** The raw meta-data document. */
  mdXml?: string;
  /** Values the meta-data does not accept, by parameter name (from the agent's conformance config). */
  invalid?: Record<string, string>;
  /** A PATH holding none of the agent's binaries. */
  sandboxPath: string;
  /** How long the first successful start took, in ms (the SIGKILL check aims inside it). */
  startMs?: number;
  /** Monitor interval to use for recurring monitors. */
  monitorIntervalMs: number;
  /** Whether this process may switch users (root). */
  canSwitchUser: boolean;
  /** Set when validate-all rejects the given parameters: why the lifecycle checks cannot run. */
  rejected?: string;
}

/**
 * Why checks that need a started resource cannot run (parameters rejected, or start failed).
 *
 * @example
 * const why = startBlocker(ctx); if (why) return ctx.findings.skip('reload.agent', why);
 */
export function startBlocker(ctx: CheckContext): string | undefined {
  return ctx.rejected ?? (ctx.startMs === undefined ? 'start from stopped failed' : undefined);
}

/**
 * "start returned 1 (OCF_ERR_GENERIC: reason)" — an op's outcome in one phrase.
 *
 * @example
 * describeResult(rec) // 'returned 7 (OCF_NOT_RUNNING)'
 */
export function describeResult(rec: OpRecord): string {
  const r = rec.result;
  const status = r.execStatus === 'done' ? '' : `, ${r.execStatus}`;
  const reason = r.exitReason ? `: ${r.exitReason}` : '';
  return `returned ${r.rc} (${ocfCodeName(r.rc)}${status}${reason})`;
}

/**
 * Runs one step and records, for `rule`, whether its rc is one of `expected`. A wrong code says
 * what Pacemaker would do with it. Returns the record and whether it matched.
 *
 * @example
 * const { ok } = await step(ctx, 'lifecycle.start', 'start', [0], { label: 'start from stopped' });
 */
export async function step(
  ctx: CheckContext,
  rule: string,
  action: string,
  expected: readonly number[],
  opts: RunOptions,
): Promise<{ rec: OpRecord; ok: boolean }> {
  const rec = await ctx.runner.run(action, opts);
  const ok = expected.includes(rec.result.rc) && rec.result.execStatus === 'done';
  const want = expected.map((c) => `${c}`).join(' or ');
  const why = ok ? '' : ` — ${pacemakerReaction(action, rec.probe, rec.result.rc)}`;
  ctx.findings.check(rule, ok, `${opts.label}: expected ${want}, ${describeResult(rec)}${why}`);
  return { rec, ok };
}

/**
 * Runs an op only to restore a known state (stop after a procedure); its result is recorded for
 * the cross-cutting checks but judged by no rule of its own.
 *
 * @example
 * await settle(ctx, 'stop', { label: 'cleanup: stop' });
 */
export function settle(ctx: CheckContext, action: string, opts: RunOptions): Promise<OpRecord> {
  return ctx.runner.run(action, opts);
}

/** Records `reason` as the skip reason for each rule. */
export function skipAll(ctx: CheckContext, rules: readonly string[], reason: string): void {
  for (const r of rules) ctx.findings.skip(r, reason);
}
