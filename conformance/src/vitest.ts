import { beforeAll, describe, it } from 'vitest';
import { RULES } from './checks/rules';
import { loadAgentConfig } from './config/agent-config';
import { formatText } from './report/text';
import { runConfiguredAgent } from './run-agent';
import { runSuite, type SuiteOptions, type SuiteReport } from './suite';
import { resolveTarget } from './target';

/** Options of {@link describeConformance}. */
export interface ConformanceTestOptions extends SuiteOptions {
  /** Also fail the test of a warning-level rule that did not hold. Default false. */
  strictWarnings?: boolean;
  /** Rule ids expected to fail (their tests pass only if they do fail). */
  expectFailing?: string[];
  /** ms for the whole run. Default 300000. */
  timeoutMs?: number;
  /**
   * A conformance.json to run the agent with (params, netns, setup, requires...) instead of the
   * options above. When the host lacks its requirements every test is skipped with the reason
   * (under CI=true they fail).
   */
  config?: string;
}

/**
 * Puts the conformance suite into a vitest file: one `describe` for the agent, the suite run once
 * in `beforeAll`, one test per rule (skipped rules are reported as skipped, with the reason as
 * the skip note). `agent` is a path or `ocf:provider:type`.
 *
 * @example
 * // agents/MyApp/test/conformance.test.ts
 * import { describeConformance } from '@ocfkit/conformance/vitest';
 * describeConformance('dist/ocf/resource.d/acme/MyApp', { params: { config: '/etc/myapp.conf' } });
 */
export function describeConformance(agent: string, options: ConformanceTestOptions = {}): void {
  const { strictWarnings = false, expectFailing = [], timeoutMs = 300_000, config, ...suite } = options;
  describe(`OCF conformance of ${agent}`, () => {
    let report: SuiteReport | undefined;
    let failure: Error | undefined;
    let skipped: string | undefined;
    beforeAll(async () => {
      try {
        if (config === undefined) report = await runSuite(resolveTarget(agent), suite);
        else {
          const out = await runConfiguredAgent(
            resolveTarget(agent),
            loadAgentConfig(config),
            suite.profile ? { profile: suite.profile } : {},
          );
          if ('report' in out) report = out.report;
          else if ('error' in out) failure = new Error(out.error);
          else if (process.env.CI === 'true' && out.failsUnderCi) failure = new Error(`CI=true and the agent was skipped: ${out.skipped}`);
          else skipped = out.skipped;
        }
      } catch (err) {
        failure = err as Error;
      }
    }, timeoutMs);
    for (const rule of RULES) {
      it(`${rule.id}: ${rule.rule}`, (ctx) => {
        if (failure) throw failure;
        if (skipped !== undefined) return ctx.skip(skipped);
        const r = report?.results.find((x) => x.id === rule.id);
        if (!r) throw new Error(`no result for ${rule.id}`);
        const detail = r.findings.map((f) => `  - ${f.message}`).join('\n');
        if (expectFailing.includes(rule.id)) {
          if (r.status !== 'failed') throw new Error(`${rule.id} was expected to fail but ${r.status}\n${detail}`);
          return;
        }
        if (r.status === 'skipped') return ctx.skip(r.findings[0]?.message);
        if (r.status === 'failed' && (r.severity === 'error' || strictWarnings))
          throw new Error(`${rule.id} failed:\n${detail}\n\n${report ? formatText(report) : ''}`);
      });
    }
  });
}
