import { ocfCodeName } from '@ocfkit/sdk';
import type { OpRecord } from '../runner/agent-runner';
import type { SuiteReport } from '../suite';

const MARK = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;

/**
 * One progress line per op, as it finishes.
 *
 * @example
 * runSuite(target, { onOp: (rec) => io.out(progressLine(rec)) });
 */
export function progressLine(rec: OpRecord): string {
  const r = rec.result;
  const status = r.execStatus === 'done' ? '' : ` ${r.execStatus}`;
  return `  · ${rec.label}: ${r.rc} ${ocfCodeName(r.rc)}${status} (${r.durationMs} ms)\n`;
}

/**
 * The human report of one agent: every rule with its verdict, failures and skip reasons below
 * it, and the closing `N passed, N failed, N skipped` line.
 *
 * @example
 * io.out(formatText(report));
 */
export function formatText(report: SuiteReport): string {
  const lines = [`${report.agent.path} (ocf:${report.agent.provider}:${report.agent.type}, profile ${report.profile})`];
  for (const r of report.results) {
    const mark = r.status === 'failed' && r.severity === 'warning' ? 'warn' : MARK[r.status];
    lines.push(`${mark} ${r.id.padEnd(28)} ${r.rule}`);
    if (r.status !== 'passed') for (const f of r.findings) lines.push(`       ${r.status === 'skipped' ? 'skipped: ' : '- '}${f.message}`);
  }
  lines.push(closingLine([report]));
  return `${lines.join('\n')}\n`;
}

/**
 * `N passed, N failed, N skipped` (plus warnings when there are any) over one or more reports.
 *
 * @example
 * closingLine(reports) // '48 passed, 0 failed, 14 skipped, 3 warnings'
 */
export function closingLine(reports: readonly SuiteReport[]): string {
  const t = { passed: 0, failed: 0, warnings: 0, skipped: 0 };
  for (const r of reports) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r.counts[k];
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.warnings > 0 ? `, ${t.warnings} warnings` : ''}`;
}
