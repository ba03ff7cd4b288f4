import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { parseDuration } from '@ocfkit/sdk';
import { type CheckContext, skipAll } from './checks/context';
import { Findings, type RuleResult } from './checks/findings';
import { interpreterCheck } from './checks/interpreter-check';
import { hiddenBinariesCheck, lifecycleChecks } from './checks/lifecycle-checks';
import { metaDataChecks } from './checks/metadata-checks';
import type { MetaData } from './checks/metadata-model';
import { observe, timeoutOf } from './checks/observers';
import { migrateChecks, notifyChecks, promotableChecks, reloadChecks, unknownActionCheck } from './checks/optional-action-checks';
import { killDuringStartCheck, twoInstancesCheck } from './checks/robustness-checks';
import { RULES } from './checks/rules';
import { deriveSecond } from './checks/second-instance';
import { metadataOnlyReason } from './checks/stubs';
import { validateChecks } from './checks/validate-checks';
import { type ProfileName, profileByName } from './profiles/profiles';
import { AgentRunner, type OpRecord } from './runner/agent-runner';
import { sandboxPath } from './runner/sandbox-path';
import type { AgentTarget } from './target';

/** How to check one agent. */
export interface SuiteOptions {
  /** Parameters of the first instance. */
  params?: Record<string, string>;
  /** Parameters of the second instance (robust.two-instances); derived from the first's when absent. */
  second?: Record<string, string>;
  /** Run as a promotable clone: promotable.cycle runs (Pacemaker promotes nothing else). Implies `clone`. */
  promotable?: boolean;
  /** Run as a clone: notifications are sent (with clone meta) even when notify is not advertised. */
  clone?: boolean;
  /** Invalid values for validate-all, by parameter name. */
  invalid?: Record<string, string>;
  /** Environment profile; default `execd`. */
  profile?: ProfileName;
  /** Run every action but meta-data through this executable (e.g. an `ip netns exec` wrapper). */
  wrapperPath?: string;
  /** Progress: called after every op. */
  onOp?: (rec: OpRecord) => void;
  /**
   * The whole run's time budget in ms (default {@link DEFAULT_BUDGET_MS}): once spent, the checks
   * not yet run are skipped and `suite.budget` fails, naming them.
   */
  budgetMs?: number;
}

/** Ten minutes: the slowest reference agent needs a fraction of it; hanging actions would need far more. */
const DEFAULT_BUDGET_MS = 600_000;

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

/** The rules a meta-data-only stub (ocf:pacemaker:remote) is not checked against. */
const NOT_FOR_STUBS = RULES.map((r) => r.id).filter((id) =>
  /^(validate|lifecycle|probe|promotable|reload\.agent|migrate|notify|robust)\./.test(id),
);

/**
 * Instance names of a run: a suffix of its own, so the state files an agent keys by instance
 * (`$HA_RSCTMP/SendArp_<instance>`) left by an earlier, failed or interrupted run are not this one's.
 */
function instanceNames(): [string, string] {
  const tag = randomBytes(3).toString('hex');
  return [`conformance-a-${tag}`, `conformance-b-${tag}`];
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
  const [A, B] = instanceNames();
  const sandbox = sandboxPath(target.path);
  let md: MetaData | undefined;
  const runner = new AgentRunner({
    ...target,
    ...(options.wrapperPath !== undefined ? { wrapperPath: options.wrapperPath } : {}),
    instances: { [A]: options.params ?? {} },
    profile,
    // the agent's own timeouts as soon as its meta-data is parsed
    timeoutFor: (action) => timeoutOf(ctx.md, action),
  });
  if (options.onOp) runner.onOp = options.onOp;
  const ctx: CheckContext = {
    runner,
    findings,
    ...(options.invalid ? { invalid: options.invalid } : {}),
    sandboxPath: sandbox.dir,
    monitorIntervalMs: 10_000,
    canSwitchUser: process.getuid?.() === 0,
    promotable: options.promotable === true,
    clone: options.clone === true || options.promotable === true,
  };
  const made: string[] = [];
  try {
    interpreterCheck(findings, target.path);
    await metaDataChecks(ctx);
    md = ctx.md;
    const stub = metadataOnlyReason(target.provider, target.type);
    if (stub !== undefined) {
      skipAll(ctx, NOT_FOR_STUBS, stub);
      await unknownActionCheck(ctx);
    } else {
      const interval = md?.actions.find((a) => a.name === 'monitor' && a.interval !== undefined)?.interval;
      const ms = interval === undefined ? undefined : parseDuration(interval);
      if (ms !== undefined && ms > 0) ctx.monitorIntervalMs = ms;
      const derived = options.second ? undefined : deriveSecond(md, options.params ?? {});
      const second = options.second ?? (typeof derived === 'object' ? derived.params : undefined);
      if (second) runner.setInstance(B, second);
      const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
      const steps: [string, () => Promise<void>][] = [
        ['validate', () => validateChecks(ctx)],
        ['lifecycle', () => lifecycleChecks(ctx)],
        ['hidden binaries', () => hiddenBinariesCheck(ctx)],
        ['promotable', () => promotableChecks(ctx)],
        ['reload', () => reloadChecks(ctx)],
        ['migrate', () => migrateChecks(ctx)],
        ['notify', () => notifyChecks(ctx)],
        ['unknown action', () => unknownActionCheck(ctx)],
        ['kill during start', () => killDuringStartCheck(ctx)],
        [
          'two instances',
          async () => {
            for (const dir of typeof derived === 'object' ? derived.mkdirs : [])
              if (!existsSync(dir)) {
                mkdirSync(dir, { recursive: true });
                made.push(dir);
              }
            await twoInstancesCheck(
              ctx,
              typeof derived === 'string' ? derived : undefined,
              options.second
                ? { given: true, changed: [] }
                : typeof derived === 'object'
                  ? { given: false, changed: derived.changed }
                  : undefined,
            );
          },
        ],
      ];
      for (const [i, [, step]] of steps.entries()) {
        const spent = Date.now() - began;
        if (spent > budgetMs) {
          const left = steps.slice(i).map(([name]) => name);
          const reason = `the run's time budget of ${budgetMs / 1000} s was spent after ${Math.round(spent / 1000)} s`;
          findings.check('suite.budget', false, `${reason}; not run: ${left.join(', ')}`);
          skipAll(
            ctx,
            RULES.map((r) => r.id).filter((id) => !findings.has(id) && id !== 'process.no-orphans'),
            reason,
          );
          break;
        }
        await step();
      }
      if (!findings.has('suite.budget'))
        findings.check('suite.budget', true, `${Math.round((Date.now() - began) / 1000)} s of ${budgetMs / 1000} s`);
    }
    observe(runner.records, md, findings);
  } finally {
    const killed = await runner.close();
    if (killed.length > 0)
      findings.check(
        'process.no-orphans',
        false,
        `left running at the end of the run (killed): ${killed.map((p) => `${p.pid} ${p.command}`).join('; ')}`,
      );
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
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
