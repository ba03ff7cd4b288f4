/**
 * `ocfkit engine simulate --scores` against the same run without it (issue 21, item 4: score
 * lines are streamed as computed, never collected): wall time and peak RSS (GNU time) of the
 * command, median of interleaved runs. Default 50 nodes × 500 resources;
 * OCFKIT_BENCH_SCORES=200x2000 sets the size (the issue's case). Budget: both ratios <= 1.25.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportCib } from '../engine/src/cib/export.js';
import { benchCib } from '../engine/test/scheduler/bench-cib.js';
import { cleanEnv } from './lib/cold-start';

const BUDGET = 1.25;
const RUNS = 3;
const NOW = '1800000000';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export default async function scores(): Promise<{ withinBudget: boolean }> {
  const [nodes, resources] = (process.env.OCFKIT_BENCH_SCORES ?? '50x500').split('x').map(Number);
  if (!nodes || !resources) throw new Error('OCFKIT_BENCH_SCORES must look like 200x2000');
  const dir = mkdtempSync(join(tmpdir(), 'bench-scores-'));
  const cli = resolve(import.meta.dirname, '../conformance/bin/ocfkit.js');
  try {
    const cib = join(dir, 'cib.xml');
    writeFileSync(cib, exportCib(benchCib(nodes, resources, { steady: false })));
    const measure = (extra: string[]) => {
      const stats = join(dir, 'time.txt');
      const out = join(dir, 'out.txt');
      const r = spawnSync(
        'sh',
        [
          '-c',
          '"$@" > "$0"',
          out,
          '/usr/bin/time',
          '-o',
          stats,
          '-f',
          '%e %M',
          process.execPath,
          cli,
          'engine',
          'simulate',
          cib,
          '--now',
          NOW,
          ...extra,
        ],
        {
          env: cleanEnv(),
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      if (r.status !== 0) throw new Error(`ocfkit engine simulate ${extra.join(' ')} failed: ${r.stderr.toString().slice(0, 300)}`);
      const [seconds = Number.NaN, kb = Number.NaN] = readFileSync(stats, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
      return { ms: seconds * 1000, kb, lines: readFileSync(out, 'utf8').split('\n').length };
    };
    const plain: ReturnType<typeof measure>[] = [];
    const withScores: ReturnType<typeof measure>[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(measure([]));
      withScores.push(measure(['--scores']));
    }
    const row = (label: string, runs: ReturnType<typeof measure>[], base?: ReturnType<typeof measure>[]) => {
      const ms = median(runs.map((r) => r.ms));
      const kb = median(runs.map((r) => r.kb));
      const ratio = base
        ? ` ${(ms / median(base.map((r) => r.ms))).toFixed(2)}x time, ${(kb / median(base.map((r) => r.kb))).toFixed(2)}x RSS`
        : ' (baseline)';
      process.stdout.write(
        `${label.padEnd(28)} ${`${(ms / 1000).toFixed(1)} s`.padStart(8)} ${`${(kb / 1024).toFixed(0)} MB`.padStart(8)} ${String(runs[0]?.lines ?? 0).padStart(8)} lines${ratio}\n`,
      );
      return { ms, kb };
    };
    process.stdout.write(`${nodes} nodes × ${resources} resources, median of ${RUNS} interleaved runs; budget ${BUDGET}x\n`);
    const a = row('engine simulate', plain);
    const b = row('engine simulate --scores', withScores, plain);
    return { withinBudget: b.ms / a.ms <= BUDGET && b.kb / a.kb <= BUDGET };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
