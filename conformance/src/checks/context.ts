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
  /** Set when validate-all rejects the given parameters, or says this host lacks what the agent needs: why the lifecycle checks cannot run. */
  rejected?: string;
  /** What validate-all returned with the given parameters (when advertised and it ran to completion). */
  validateRc?: number;
  /** Configured as a promotable clone (`--promotable`, conformance.json): promotable.cycle runs. */
  promotable: boolean;
  /** Configured as a clone (implied by `promotable`): notifications are sent with clone meta. */
  clone: boolean;
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
 * Codes accepted with a warning, each with why another code is recommended (OCF 1.0's 2 where
 * 1.1 recommends 6).
 */
export type Tolerated = Readonly<Record<number, string>>;

/**
 * Runs one step and records, for `rule`, whether its rc is one of `expected`. A wrong code says
 * what Pacemaker would do with it; a `tolerated` code is recorded as a warning with its note.
 * Returns the record and whether it matched (a tolerated code counts as matched).
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
  tolerated: Tolerated = {},
): Promise<{ rec: OpRecord; ok: boolean }> {
  const rec = await ctx.runner.run(action, opts);
  return { rec, ok: judge(ctx, rule, rec, expected, opts.label, tolerated) };
}

/**
 * Records, for `rule`, whether the op `rec` returned one of `expected` (see {@link step}).
 *
 * @example
 * judge(ctx, 'lifecycle.probe-stopped', rec, [7], 'probe of a stopped resource');
 */
export function judge(
  ctx: CheckContext,
  rule: string,
  rec: OpRecord,
  expected: readonly number[],
  label: string,
  tolerated: Tolerated = {},
): boolean {
  const done = rec.result.execStatus === 'done';
  const want = expected.map((c) => `${c}`).join(' or ');
  const note = tolerated[rec.result.rc];
  if (done && note !== undefined) {
    ctx.findings.warn(rule, `${label}: expected ${want}, ${describeResult(rec)} — ${note}`);
    return true;
  }
  const ok = expected.includes(rec.result.rc) && done;
  const why = ok ? '' : ` — ${pacemakerReaction(rec.action, rec.probe, rec.result.rc, expected)}`;
  ctx.findings.check(rule, ok, `${label}: expected ${want}, ${describeResult(rec)}${why}`);
  return ok;
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
