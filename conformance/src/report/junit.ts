import { escapeXml } from '@ocfkit/sdk';
import type { SuiteReport } from '../suite';

// XML 1.0 cannot carry most control characters, which agent output may contain
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const esc = (t: string): string => escapeXml(t.replace(CONTROL, '?'));

/**
 * JUnit XML: one `<testsuite>` per agent, one `<testcase>` per rule. Error-level failures are
 * `<failure>`s; skipped rules and warning-level failures are `<skipped>` with the reason (so CI
 * dashboards show them without failing the build).
 *
 * @example
 * writeFileSync('conformance.xml', formatJunit(reports));
 */
export function formatJunit(reports: readonly SuiteReport[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = reports.reduce((n, r) => n + r.counts.failed, 0);
  const tests = reports.reduce((n, r) => n + r.results.length, 0);
  out.push(`<testsuites name="ocfkit conformance" tests="${tests}" failures="${failures}">`);
  for (const rep of reports) {
    const name = `ocf:${rep.agent.provider}:${rep.agent.type}`;
    const skipped = rep.counts.skipped + rep.counts.warnings;
    out.push(
      `  <testsuite name="${esc(name)}" tests="${rep.results.length}" failures="${rep.counts.failed}" skipped="${skipped}" time="${(rep.durationMs / 1000).toFixed(3)}">`,
    );
    for (const r of rep.results) {
      const text = esc(r.findings.map((f) => f.message).join('\n'));
      out.push(`    <testcase classname="${esc(name)}" name="${esc(`${r.id}: ${r.rule}`)}">`);
      if (r.status === 'failed' && r.severity === 'error') out.push(`      <failure message="${esc(r.rule)}">${text}</failure>`);
      else if (r.status === 'failed') out.push(`      <skipped message="warning: ${esc(r.findings[0]?.message ?? r.rule)}"/>`);
      else if (r.status === 'skipped') out.push(`      <skipped message="${esc(r.findings[0]?.message ?? 'skipped')}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
