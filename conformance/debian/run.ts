/**
 * Runs the conformance suite over every OCF agent Debian installs (resource-agents + pacemaker),
 * with the plausible parameters of `agents.tsv`, and compares the error findings with the reviewed
 * set in `reviewed.json`. Writes a per-agent report (each error finding and its verdict).
 *
 *   npm run debian -w @ocfkit/conformance                      # all 154 agents, writes debian/REPORT.md
 *   npm run debian -w @ocfkit/conformance -- --only heartbeat:Squid,pacemaker:ClusterMon
 *   npm run debian -w @ocfkit/conformance -- --jobs 2 --json /tmp/sweep.json
 *
 * Exit status 1 when a finding is not in the reviewed set, a reviewed one is no longer found, or
 * the suite could not run an agent. Needs root (namespaces, meta-data as nobody).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAgentTable } from './agent-table';
import { describeHost, formatSweepReport, type SweepHost } from './report';
import { compareWithReviewed, loadReviewed } from './reviewed';
import { type AgentSweep, sweep } from './sweep';

const HELP = `Usage: npm run debian -w @ocfkit/conformance -- [--only A,B] [--jobs N] [--json FILE] [--report FILE]

Runs the conformance suite on every agent of conformance/debian/agents.tsv (Debian's resource-agents
and pacemaker OCF agents) and compares the error findings with conformance/debian/reviewed.json.
  --only A,B      only these provider:type agents
  --jobs N        agents checked at once (default 4: most of an agent's time is waiting)
  --json FILE     also write the raw results as JSON
  --report FILE   the per-agent report (default: conformance/debian/REPORT.md for a full run, none otherwise)
  --from FILE     do not run: compare and report the results of an earlier --json FILE
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      jobs: { type: 'string' },
      json: { type: 'string' },
      report: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const table = loadAgentTable();
  const only = values.only?.split(',').filter(Boolean);
  const unknown = (only ?? []).filter((a) => !table.some((e) => e.agent === a));
  if (unknown.length > 0) throw new Error(`--only: not in agents.tsv: ${unknown.join(', ')}`);
  const entries = only ? table.filter((e) => only.includes(e.agent)) : table;
  const jobs = Number(values.jobs ?? '4');
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs ${JSON.stringify(values.jobs)} must be a positive integer`);
  const reviewed = loadReviewed();
  const began = Date.now();
  const loadAtStart = loadavg()[0] as number;
  let done = 0;
  const earlier = values.from
    ? (JSON.parse(readFileSync(values.from, 'utf8')) as { elapsedMs: number; jobs: number; host?: SweepHost; results: AgentSweep[] })
    : undefined;
  const results =
    earlier?.results.filter((s) => entries.some((e) => e.agent === s.agent)) ??
    (await sweep(entries, jobs, (s: AgentSweep) => {
      done++;
      const what = s.crashed ? `could not run: ${s.crashed}` : s.errors.length ? s.errors.map((e) => e.rule).join(', ') : 'no error';
      process.stdout.write(`[${done}/${entries.length}] ${s.agent} (${(s.durationMs / 1000).toFixed(1)} s): ${what}\n`);
    }));
  const elapsedMs = earlier?.elapsedMs ?? Date.now() - began;
  const host: SweepHost | undefined = earlier ? earlier.host : { cpus: cpus().length, load: [loadAtStart, loadavg()[0] as number] };
  const diff = compareWithReviewed(results, reviewed);
  const reportFile = values.report ?? (only ? undefined : join(import.meta.dirname, 'REPORT.md'));
  if (reportFile)
    writeFileSync(
      reportFile,
      formatSweepReport(results, reviewed, diff, { elapsedMs, jobs: earlier?.jobs ?? jobs, ...(host ? { host } : {}) }),
    );
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ elapsedMs, jobs: earlier?.jobs ?? jobs, host, results, diff }, null, 2)}\n`);
  const errors = results.reduce((n, s) => n + s.errors.length, 0);
  process.stdout.write(
    `${entries.length} agents in ${(elapsedMs / 60_000).toFixed(1)} min (${earlier?.jobs ?? jobs} at a time${host ? `, ${describeHost(host)}` : ''}): ${errors} error findings, ` +
      `${diff.unreviewed.length} unreviewed, ${diff.vanished.length} no longer found, ${diff.notSeen.length} intermittent not shown, ${diff.crashed.length} not run${reportFile ? `; report: ${reportFile}` : ''}\n`,
  );
  for (const k of diff.unreviewed) process.stdout.write(`  unreviewed: ${k}\n`);
  for (const k of diff.vanished) process.stdout.write(`  no longer found: ${k}\n`);
  for (const k of diff.crashed) process.stdout.write(`  not run: ${k}\n`);
  return diff.unreviewed.length + diff.vanished.length + diff.crashed.length > 0 ? 1 : 0;
}

// an interrupted sweep still kills the agents it started (the runners' cgroups are emptied at exit)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`debian sweep: ${err.message}\n`);
    process.exit(2);
  },
);
