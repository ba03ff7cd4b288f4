import { parseDuration } from '@ocfkit/sdk';
import type { CheckContext } from './checks/context';
import { Findings, type RuleResult } from './checks/findings';
import { hiddenBinariesCheck, lifecycleChecks } from './checks/lifecycle-checks';
import { metaDataChecks } from './checks/metadata-checks';
import type { MetaData } from './checks/metadata-model';
import { observe, timeoutOf } from './checks/observers';
import { migrateChecks, notifyChecks, promotableChecks, reloadChecks, unknownActionCheck } from './checks/optional-action-checks';
import { killDuringStartCheck, twoInstancesCheck } from './checks/robustness-checks';
import { RULES } from './checks/rules';
import { validateChecks } from './checks/validate-checks';
import { type ProfileName, profileByName } from './profiles/profiles';
import { AgentRunner, type OpRecord } from './runner/agent-runner';
import { sandboxPath } from './runner/sandbox-path';
import type { AgentTarget } from './target';

/** How to check one agent. */
export interface SuiteOptions {
  /** Parameters of the first instance. */
  params?: Record<string, string>;
  /** Parameters of the second instance (robust.two-instances); derived from unique ones when absent. */
  second?: Record<string, string>;
  /** Invalid values for validate-all, by parameter name. */
  invalid?: Record<string, string>;
  /** Environment profile; default `execd`. */
  profile?: ProfileName;
  /** Run every action but meta-data through this executable (e.g. an `ip netns exec` wrapper). */
  wrapperPath?: string;
  /** Progress: called after every op. */
  onOp?: (rec: OpRecord) => void;
}

/** The outcome of checking one agent. */
export interface SuiteReport {
  agent: AgentTarget;
  profile: ProfileName;
  results: RuleResult[];
  /** Error-level failures / warning-level failures / passes / skips. */
  counts: { passed: number; failed: number; warnings: number; skipped: number };
  /** Every op the run made, in order (what ran, what came back). */
  log: OpSummary[];
  durationMs: number;
}

/** One op of the run, for the JSON report. */
export interface OpSummary {
  label: string;
  action: string;
  instance: string;
  rc: number;
  execStatus: string;
  exitReason?: string;
  durationMs: number;
}

const A = 'conformance-a';
const B = 'conformance-b';

/**
 * Parameters for a second instance: the unique parameters that hold an absolute path get a
 * `.b` suffix; any other unique parameter with a value cannot be derived (returns the reason).
 *
 * @example
 * deriveSecond(md, { state: '/tmp/d.state' }) // { state: '/tmp/d.state.b' }
 */
export function deriveSecond(md: MetaData | undefined, params: Record<string, string>): Record<string, string> | string {
  if (md === undefined) return 'no usable meta-data, so the parameters that must differ between instances are unknown';
  const out = { ...params };
  for (const p of md.params) {
    const v = params[p.name];
    if (!p.unique || v === undefined) continue;
    if (v.startsWith('/')) out[p.name] = `${v}.b`;
    else return `cannot derive a second value for unique parameter ${p.name}=${JSON.stringify(v)}; configure "second" parameters`;
  }
  return out;
}

/**
 * Runs every single-agent contract check against one agent and returns the verdict per rule.
 * The agent is left stopped; anything it left running is killed.
 *
 * @example
 * const report = await runSuite(resolveTarget('ocf:heartbeat:Dummy'), { params: { state: '/tmp/d.state' } });
 * console.log(report.counts); // { passed: 22, failed: 0, warnings: 0, skipped: 6 }
 */
export async function runSuite(target: AgentTarget, options: SuiteOptions = {}): Promise<SuiteReport> {
  const began = Date.now();
  const profile = profileByName(options.profile ?? 'execd');
  const findings = new Findings();
  const sandbox = sandboxPath(target.path);
  let md: MetaData | undefined;
  const runner = new AgentRunner({
    ...target,
    ...(options.wrapperPath !== undefined ? { wrapperPath: options.wrapperPath } : {}),
    instances: { [A]: options.params ?? {} },
    profile,
    timeoutFor: (action) => timeoutOf(md, action),
  });
  if (options.onOp) runner.onOp = options.onOp;
  const ctx: CheckContext = {
    runner,
    findings,
    ...(options.invalid ? { invalid: options.invalid } : {}),
    sandboxPath: sandbox.dir,
    monitorIntervalMs: 10_000,
    canSwitchUser: process.getuid?.() === 0,
  };
  try {
    await metaDataChecks(ctx);
    md = ctx.md;
    const interval = md?.actions.find((a) => a.name === 'monitor' && a.interval !== undefined)?.interval;
    const ms = interval === undefined ? undefined : parseDuration(interval);
    if (ms !== undefined && ms > 0) ctx.monitorIntervalMs = ms;
    const second = options.second ?? deriveSecond(md, options.params ?? {});
    if (typeof second !== 'string') runner.setInstance(B, second);
    await validateChecks(ctx);
    await lifecycleChecks(ctx);
    await hiddenBinariesCheck(ctx);
    await promotableChecks(ctx);
    await reloadChecks(ctx);
    await migrateChecks(ctx);
    await notifyChecks(ctx);
    await unknownActionCheck(ctx);
    await killDuringStartCheck(ctx);
    await twoInstancesCheck(ctx, typeof second === 'string' ? second : undefined);
    observe(runner.records, md, findings);
  } finally {
    await runner.close();
    sandbox.remove();
  }
  const results = findings.results(RULES);
  const counts = { passed: 0, failed: 0, warnings: 0, skipped: 0 };
  for (const r of results) {
    if (r.status === 'passed') counts.passed++;
    else if (r.status === 'skipped') counts.skipped++;
    else if (r.severity === 'error') counts.failed++;
    else counts.warnings++;
  }
  const log = runner.records.map(
    (r): OpSummary => ({
      label: r.label,
      action: r.action,
      instance: r.instance,
      rc: r.result.rc,
      execStatus: r.result.execStatus,
      ...(r.result.exitReason !== undefined ? { exitReason: r.result.exitReason } : {}),
      durationMs: r.result.durationMs,
    }),
  );
  return { agent: target, profile: profile.name, results, counts, log, durationMs: Date.now() - began };
}
