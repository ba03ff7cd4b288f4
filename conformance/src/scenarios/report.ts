import { escapeXml } from '@ocfkit/sdk';
import { agentName } from './agents-under-test';
import type { ScenarioResult } from './run-scenario';

const MARK = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;
const setName = (r: ScenarioResult) => `${agentName(r.agents.ip)} + ${agentName(r.agents.pgsql)} + ${agentName(r.agents.diskcheck)}`;

/**
 * `N passed, N failed, N skipped` over scenario results, as the single-agent suite closes.
 *
 * @example
 * scenarioClosingLine(results) // '6 passed, 0 failed, 0 skipped'
 */
export function scenarioClosingLine(results: readonly ScenarioResult[]): string {
  const n = (s: ScenarioResult['status']) => results.filter((r) => r.status === s).length;
  return `${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`;
}

const timingText = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v} s`)
    .join(', ');

/**
 * The human report: every scenario with its verdict and timings; under a failure, what was seen
 * (the cluster's view and the node's log lines about the resources).
 *
 * @example
 * io.out(formatScenarioText(results));
 */
export function formatScenarioText(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  let group = '';
  for (const r of results) {
    const g = `rig ${r.rig}: ${setName(r)}`;
    if (g !== group) {
      group = g;
      lines.push(g);
    }
    lines.push(`${MARK[r.status]} ${r.scenario.padEnd(16)} ${r.summary} (${(r.durationMs / 1000).toFixed(0)} s)`);
    if (Object.keys(r.timings).length) lines.push(`       timings: ${timingText(r.timings)}`);
    for (const f of r.findings.filter((x) => x.ok === false)) lines.push(...f.message.split('\n').map((l) => `       ${l}`));
    for (const n of r.notes) lines.push(`       note: ${n}`);
  }
  lines.push(scenarioClosingLine(results));
  return `${lines.join('\n')}\n`;
}

/** The machine-readable report. */
export function formatScenarioJson(results: readonly ScenarioResult[]): string {
  const totals = {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
  return `${JSON.stringify({ scenarios: results, totals, ok: totals.failed === 0 }, null, 2)}\n`;
}

/** JUnit XML: one `<testsuite>` per rig and agent set, one `<testcase>` per scenario. */
export function formatScenarioJunit(results: readonly ScenarioResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = results.filter((r) => r.status === 'failed').length;
  out.push(`<testsuites name="ocfkit conformance scenarios" tests="${results.length}" failures="${failures}">`);
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) groups.set(`${r.rig}: ${setName(r)}`, [...(groups.get(`${r.rig}: ${setName(r)}`) ?? []), r]);
  for (const [name, rs] of groups) {
    const time = rs.reduce((s, r) => s + r.durationMs, 0) / 1000;
    out.push(
      `  <testsuite name="${escapeXml(name)}" tests="${rs.length}" failures="${rs.filter((r) => r.status === 'failed').length}" time="${time.toFixed(3)}">`,
    );
    for (const r of rs) {
      out.push(`    <testcase classname="${escapeXml(name)}" name="${escapeXml(r.scenario)}" time="${(r.durationMs / 1000).toFixed(3)}">`);
      const failed = r.findings.filter((f) => f.ok === false);
      if (r.status === 'failed')
        out.push(
          `      <failure message="${escapeXml(failed[0]?.message.split('\n')[0] ?? 'failed')}">${escapeXml(failed.map((f) => f.message).join('\n'))}</failure>`,
        );
      if (Object.keys(r.timings).length) out.push(`      <system-out>${escapeXml(timingText(r.timings))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** The first line of a result's first failed finding, shortened for a table cell. */
function firstFailure(r: ScenarioResult): string {
  const line = r.findings.find((f) => f.ok === false)?.message.split('\n')[0] ?? 'failed';
  return line.length > 110 ? `${line.slice(0, 107)}...` : line;
}

/**
 * Two rigs side by side: each scenario's outcome and timings on both, and where they differ.
 *
 * @example
 * io.out(formatSideBySide(pacemakerResults, dockerResults));
 */
export function formatSideBySide(a: readonly ScenarioResult[], b: readonly ScenarioResult[]): string {
  const ra = a[0]?.rig ?? 'a';
  const rb = b[0]?.rig ?? 'b';
  const cell = (r: ScenarioResult | undefined) =>
    r ? `${r.status}${Object.keys(r.timings).length ? ` (${timingText(r.timings)})` : ''}` : 'not run';
  const names = [...new Set([...a, ...b].map((r) => r.scenario))];
  const rows = names.map((n) => {
    const x = a.find((r) => r.scenario === n);
    const y = b.find((r) => r.scenario === n);
    const diff: string[] = [];
    if (x && y && x.status !== y.status) {
      diff.push(`${ra} ${x.status}, ${rb} ${y.status}`);
      const failed = x.status === 'failed' ? [ra, x] : y.status === 'failed' ? [rb, y] : undefined;
      if (failed) diff.push(`${failed[0]}: ${firstFailure(failed[1] as ScenarioResult)}`);
    } else if (x?.status === 'failed' && y?.status === 'failed' && firstFailure(x) !== firstFailure(y))
      diff.push(`${ra}: ${firstFailure(x)}`, `${rb}: ${firstFailure(y)}`);
    for (const k of Object.keys({ ...x?.timings, ...y?.timings })) {
      const p = x?.timings[k];
      const q = y?.timings[k];
      if (p !== undefined && q !== undefined && Math.abs(p - q) >= 1)
        diff.push(`${k}: ${rb} ${q < p ? `${(p - q).toFixed(1)} s faster` : `${(q - p).toFixed(1)} s slower`}`);
      else if (x && y && (p === undefined) !== (q === undefined)) diff.push(`${k}: reached on ${p === undefined ? rb : ra} only`);
    }
    return [n, cell(x), cell(y), diff.join('; ') || 'same'];
  });
  const head = ['scenario', `rig ${ra}`, `rig ${rb}`, 'difference'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i] as number))
      .join(' | ')
      .trimEnd();
  return `${[fmt(head), w.map((x) => '-'.repeat(x)).join('-|-'), ...rows.map(fmt)].join('\n')}\n`;
}
