import type { SuiteReport } from '../suite';

/**
 * The machine-readable report: the agents checked, each rule's verdict with its findings, totals.
 *
 * @example
 * io.out(formatJson(reports));
 */
export function formatJson(reports: readonly SuiteReport[], skippedAgents: readonly { agent: string; reason: string }[] = []): string {
  const totals = { passed: 0, failed: 0, warnings: 0, skipped: 0 };
  for (const r of reports) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.counts[k];
  return `${JSON.stringify({ agents: reports, skippedAgents, totals, ok: totals.failed === 0 }, null, 2)}\n`;
}
