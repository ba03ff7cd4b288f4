import type { SuiteReport } from '../suite';

/**
 * The machine-readable report: the agents checked, each rule's verdict with its findings, totals.
 *
 * @example
 * io.out(formatJson(reports));
 */
export function formatJson(
  reports: readonly SuiteReport[],
  skippedAgents: readonly { agent: string; reason: string }[] = [],
  setupFailures: readonly { agent: string; reason: string }[] = [],
): string {
  const totals = { passed: 0, failed: 0, warnings: 0, skipped: 0 };
  for (const r of reports) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.counts[k];
  const ok = totals.failed === 0 && setupFailures.length === 0;
  return `${JSON.stringify({ agents: reports, skippedAgents, setupFailures, totals, ok }, null, 2)}\n`;
}
