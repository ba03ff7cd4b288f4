/**
 * Runs a directory of Pacemaker scheduler inputs (e.g. `cts/scheduler/xml` of Pacemaker 2.1.5)
 * through crm_simulate and through the engine, and classifies each case:
 *
 * - equal: same transition summary (as a set of "what happens to which resource where", the
 *   "due to" explanations aside) and the same placement read back by crm_mon from both output CIBs;
 * - differs: anything else (the differing lines are printed with --verbose);
 * - refused: the engine's CIB import rejected the input (with its reason);
 * - crash: the engine threw while scheduling;
 * - skipped: crm_simulate itself fails on the input (nothing to compare with).
 *
 * Each case names the features it uses that the engine does not model (suite-features.ts).
 * Pacemaker's results are cached (`--cache DIR`), so a rerun after an engine change only runs the
 * engine and crm_mon. Usage: see HELP, or `npm run scheduler-suite -- --help`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { CibError } from '../../src/cib/xml-tree.js';
import { applyTransition } from '../../src/core/apply.js';
import { schedule } from '../../src/core/schedule.js';
import { unmodelledFeatures } from '../../src/core/unmodelled.js';
import { isoTime } from './crm-simulate.js';
import { crmMonPlacement, crmSimulateResultsLast, hasDuplicateHistory, multisetDiff, transitionSet } from './suite-compare.js';
import { featuresOf } from './suite-features.js';

const HELP = `Usage: tsx engine/test/scheduler/pacemaker-suite.ts DIR [options]

Runs every scheduler input in DIR (*.xml files, or folders holding an input.xml) through
crm_simulate and through ocfkit's engine, and prints for each: equal, differs, refused, crash or
skipped (crm_simulate fails), with the features it uses that the engine does not model; then totals.

  --only NAMES      comma-separated case names (file name without .xml)
  --jobs N          cases run in parallel (default 2)
  --cache DIR       where Pacemaker's results are kept between runs
                    (default: $TMPDIR/ocfkit-pacemaker-suite-cache; --no-cache to disable)
  --no-cache
  --json FILE       write every case's result as JSON
  --now SECONDS     scheduler time for inputs without execution-date (default 1800000000)
  -v, --verbose     print the differing summary and placement lines
  -h, --help
`;

export type Verdict = 'equal' | 'differs' | 'refused' | 'crash' | 'skipped';

export interface CaseResult {
  name: string;
  verdict: Verdict;
  /** Features used that the engine does not model. */
  unmodelled: string[];
  /** Everything else the feature table recognised. */
  modelled: string[];
  /** The reason (refused, crash, skipped), or the differing lines. */
  detail: string[];
  /** The engine fences, stops, moves, restarts or demotes something Pacemaker leaves alone. */
  unsafe: boolean;
  /**
   * The engine's warnings name a feature it does not model (`unmodelledFeatures`): its decision
   * was not quiet. An unsafe case without such a warning is a scheduler bug.
   */
  warned: boolean;
  /**
   * crm_simulate's output CIB was renumbered before crm_mon read it (`crmSimulateResultsLast`:
   * an input holding two history entries of one resource on a node), so the placement compared
   * is not crm_simulate's output as written. Printed on the case's line and counted in the totals.
   */
  repairedPacemakerOutput?: boolean;
}

interface PacemakerSide {
  transitions?: string[];
  placement?: string[];
  error?: string;
  /** See {@link CaseResult.repairedPacemakerOutput}. */
  repaired?: boolean;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The scheduler's `now` for an input: its `execution-date`, as crm_simulate reads it, else `fallback`. */
export function nowOf(xml: string, fallback: number): number {
  const m = /<cib\b[^>]*\bexecution-date="(\d+)"/.exec(xml);
  return m ? Number(m[1]) : fallback;
}

async function pacemakerSide(xml: string, now: number, cacheDir: string | undefined): Promise<PacemakerSide> {
  // Results cached before crmSimulateResultsLast are not reused for the inputs it can change.
  const repaired = hasDuplicateHistory(xml) ? '\nresults-last-marked' : '';
  const key = createHash('sha256').update(`${now}\n${xml}${repaired}`).digest('hex');
  const cached = cacheDir ? join(cacheDir, `${key}.json`) : undefined;
  if (cached && existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as PacemakerSide;
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-suite-'));
  let result: PacemakerSide;
  try {
    await writeFile(join(dir, 'in.xml'), xml);
    const r = await run('crm_simulate', ['-x', join(dir, 'in.xml'), '-S', '-O', join(dir, 'out.xml'), '-t', isoTime(now)]);
    if (r.code !== 0 || !existsSync(join(dir, 'out.xml')))
      result = { error: `crm_simulate exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    else {
      const out = await readFile(join(dir, 'out.xml'), 'utf8');
      try {
        const renumbered = crmSimulateResultsLast(xml, out);
        result = {
          transitions: transitionSet(r.stdout),
          placement: await crmMonPlacement(renumbered),
          ...(renumbered !== out ? { repaired: true } : {}),
        };
      } catch (e) {
        result = { error: `crm_mon on crm_simulate's output: ${(e as Error).message}` };
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (cached) writeFileSync(cached, JSON.stringify(result));
  return result;
}

const DISRUPTIVE = /^(Fence|Stop|Move|Recover|Restart|Demote|Migrate|Re-promote)\b/;

/** Engine lines that disrupt a resource (or fence a node) Pacemaker does not touch at all. */
export function unsafeLines(pacemaker: string[], engine: string[]): string[] {
  const touched = new Set(pacemaker.map((l) => (l.startsWith('Fence') ? l : l.split(' ')[1])));
  return engine.filter((l) => DISRUPTIVE.test(l) && !touched.has(l.startsWith('Fence') ? l : (l.split(' ')[1] ?? '')));
}

/** Runs one case. */
export async function runCase(name: string, xml: string, opts: { now: number; cacheDir?: string }): Promise<CaseResult> {
  let feats: ReturnType<typeof featuresOf> = [];
  try {
    feats = featuresOf(xml);
  } catch {
    // Unparseable input: the engine's import will say why.
  }
  const now = nowOf(xml, opts.now);
  const pm = await pacemakerSide(xml, now, opts.cacheDir);
  const base = {
    name,
    unmodelled: feats.filter((f) => !f.modelled).map((f) => f.name),
    modelled: feats.filter((f) => f.modelled).map((f) => f.name),
    ...(pm.repaired ? { repairedPacemakerOutput: true } : {}),
  };
  if (pm.error || !pm.transitions || !pm.placement)
    return { ...base, verdict: 'skipped', detail: [pm.error ?? 'no result'], unsafe: false, warned: false };
  let cib: ReturnType<typeof importCib>;
  try {
    cib = importCib(xml);
  } catch (e) {
    if (e instanceof CibError) return { ...base, verdict: 'refused', detail: [e.message], unsafe: false, warned: false };
    return { ...base, verdict: 'crash', detail: [`import: ${(e as Error).stack ?? e}`], unsafe: false, warned: false };
  }
  let transitions: string[];
  let outXml: string;
  let warnings: string[];
  let warned: boolean;
  try {
    const result = schedule({ cib, now, sanitized: true });
    warnings = result.warnings;
    warned = unmodelledFeatures(cib).some((w) => result.warnings.includes(w));
    transitions = transitionSet(result.summary);
    outXml = exportCib(applyTransition(cib, result.graph, now));
  } catch (e) {
    return { ...base, verdict: 'crash', detail: [(e as Error).stack ?? String(e)], unsafe: false, warned: false };
  }
  const detail: string[] = [];
  const tdiff = multisetDiff(pm.transitions, transitions);
  if (tdiff.length) detail.push('transition summary:', ...tdiff.map((l) => `  ${l}`));
  try {
    const pdiff = multisetDiff(pm.placement, await crmMonPlacement(outXml));
    if (pdiff.length) detail.push('crm_mon placement:', ...pdiff.map((l) => `  ${l}`));
  } catch (e) {
    detail.push(`crm_mon cannot read the engine's output CIB: ${(e as Error).message}`);
  }
  const unsafe = unsafeLines(pm.transitions, transitions);
  if (unsafe.length) detail.push('unsafe (Pacemaker leaves alone):', ...unsafe.map((l) => `  ${l}`));
  if (detail.length && warnings.length) detail.push('engine warnings:', ...warnings.map((w) => `  ${w}`));
  return { ...base, verdict: detail.length ? 'differs' : 'equal', detail, unsafe: unsafe.length > 0, warned };
}

/** The cases of a directory: `*.xml` files, or folders with an `input.xml`. */
export function listCases(dir: string): Array<{ name: string; file: string }> {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (f.endsWith('.xml') && statSync(p).isFile()) return [{ name: basename(f, '.xml'), file: p }];
      if (statSync(p).isDirectory() && existsSync(join(p, 'input.xml'))) return [{ name: f, file: join(p, 'input.xml') }];
      return [];
    });
}

/** Totals as printed at the end of a run. */
export function totals(results: CaseResult[]): string[] {
  const count = (rs: CaseResult[], v: Verdict) => rs.filter((r) => r.verdict === v).length;
  const line = (label: string, rs: CaseResult[]) =>
    `${label}: ${rs.length} cases — equal ${count(rs, 'equal')}, differs ${count(rs, 'differs')}, refused ${count(rs, 'refused')}, crash ${count(rs, 'crash')}, skipped ${count(rs, 'skipped')}`;
  const plain = results.filter((r) => r.unmodelled.length === 0);
  const quiet = results.filter((r) => r.unsafe && !r.warned);
  const out = [
    line('all', results),
    line('only modelled features', plain),
    `unsafe (engine disrupts what Pacemaker leaves alone): ${results.filter((r) => r.unsafe).length}`,
    `unsafe without a warning naming an unmodelled feature: ${quiet.length}${quiet.length ? ` (${quiet.map((r) => r.name).join(', ')})` : ''}`,
  ];
  const repaired = results.filter((r) => r.repairedPacemakerOutput);
  if (repaired.length)
    out.push(
      `compared after renumbering crm_simulate's output CIB (two history entries of one resource on a node): ${repaired.length} (${repaired.map((r) => `${r.name} ${r.verdict}`).join(', ')})`,
    );
  const byFeature = new Map<string, { n: number; equal: number; differs: number; refused: number; crash: number }>();
  for (const r of results)
    for (const f of r.unmodelled) {
      const e = byFeature.get(f) ?? { n: 0, equal: 0, differs: 0, refused: 0, crash: 0 };
      e.n++;
      if (r.verdict !== 'skipped') e[r.verdict]++;
      byFeature.set(f, e);
    }
  out.push('by unmodelled feature (a case counts under each it uses):');
  for (const [f, e] of [...byFeature].sort((a, b) => b[1].n - a[1].n))
    out.push(
      `  ${f.padEnd(26)} ${String(e.n).padStart(4)} cases: equal ${e.equal}, differs ${e.differs}, refused ${e.refused}, crash ${e.crash}`,
    );
  const reasons = new Map<string, number>();
  for (const r of results.filter((x) => x.verdict === 'refused')) {
    const reason = (r.detail[0] ?? '').replace(/"[^"]*"/g, '"…"').replace(/<(\w+) id=[^>]*>/g, '<$1>');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (reasons.size) out.push('refusals:');
  for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(4)}  ${r}`);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      jobs: { type: 'string', default: '2' },
      cache: { type: 'string' },
      'no-cache': { type: 'boolean' },
      json: { type: 'string' },
      now: { type: 'string', default: '1800000000' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = positionals[0];
  if (positionals.length !== 1 || dir === undefined) {
    process.stderr.write(`expected one directory of scheduler inputs\n\n${HELP}`);
    return 2;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`not a directory: ${dir}\n`);
    return 2;
  }
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: "${values.jobs}" is not a positive integer`);
  const now = Number(values.now);
  if (!Number.isInteger(now)) throw new Error(`--now: "${values.now}" is not seconds since the epoch`);
  const cacheDir = values['no-cache'] ? undefined : (values.cache ?? join(tmpdir(), 'ocfkit-pacemaker-suite-cache'));
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const cases = listCases(dir).filter((c) => !only || only.has(c.name));
  if (only) for (const n of only) if (!cases.some((c) => c.name === n)) throw new Error(`--only: no case "${n}" in ${dir}`);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i];
      if (!c) continue;
      const r = await runCase(c.name, readFileSync(c.file, 'utf8'), { now, cacheDir });
      results[i] = r;
      done++;
      const tag = `${r.unmodelled.length ? ` [${r.unmodelled.join(', ')}]` : ''}${r.repairedPacemakerOutput ? " (crm_simulate's output CIB renumbered)" : ''}`;
      const why =
        r.verdict === 'refused' || r.verdict === 'crash' || r.verdict === 'skipped' ? `: ${(r.detail[0] ?? '').split('\n')[0]}` : '';
      process.stdout.write(
        `${String(done).padStart(4)}/${cases.length} ${r.verdict.padEnd(7)} ${r.unsafe ? (r.warned ? 'UNSAFE (warned) ' : 'UNSAFE ') : ''}${c.name}${tag}${why}\n`,
      );
      if (values.verbose && r.verdict === 'differs') process.stdout.write(`${r.detail.map((l) => `        ${l}`).join('\n')}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
  process.stdout.write(`\n${totals(results).join('\n')}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 1)}\n`);
  return 0;
}

if (process.argv[1] && /pacemaker-suite\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`pacemaker-suite: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
