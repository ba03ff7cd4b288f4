import { spawnSync } from 'node:child_process';

/** A command to time: argv and the environment it runs with. */
export interface Subject {
  label: string;
  argv: [string, ...string[]];
  env?: Record<string, string>;
}

interface ColdStartRow {
  label: string;
  medianMs: number;
  p90Ms: number;
  peakRssKb: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** The environment Pacemaker would give: the caller's, minus NODE_EXTRA_CA_CERTS. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_EXTRA_CA_CERTS') env[k] = v;
  return { ...env, ...extra };
}

/**
 * Times whole process runs (spawn to exit), interleaving the subjects round by round so that
 * machine load drifts affect them alike; also reads each one's peak RSS with GNU time.
 *
 * @example
 * const rows = measureColdStart([{ label: 'node -e 0', argv: ['node', '-e', '0'] }], 20);
 */
export function measureColdStart(subjects: readonly Subject[], runs: number): ColdStartRow[] {
  const times = subjects.map(() => [] as number[]);
  for (const s of subjects) spawnSync(s.argv[0], s.argv.slice(1), { env: cleanEnv(s.env), stdio: 'ignore' }); // warm the page cache
  for (let round = 0; round < runs; round++) {
    subjects.forEach((s, i) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(s.argv[0], s.argv.slice(1), { env: cleanEnv(s.env), stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.error) throw r.error;
      times[i]?.push(ms);
    });
  }
  return subjects.map((s, i) => {
    const sorted = [...(times[i] ?? [])].sort((a, b) => a - b);
    const rss = spawnSync('/usr/bin/time', ['-f', '%M', ...s.argv], { env: cleanEnv(s.env), encoding: 'utf8' });
    const lines = (rss.stderr ?? '').trim().split('\n');
    return { label: s.label, medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), peakRssKb: Number(lines[lines.length - 1]) };
  });
}

/** Prints rows as a table, with each median as a ratio of the first row's (the baseline). */
export function printColdStart(rows: readonly ColdStartRow[], budget: number): boolean {
  const base = rows[0];
  if (!base) return true;
  let ok = true;
  process.stdout.write(
    `${'subject'.padEnd(34)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'ratio'.padStart(7)} ${'peak RSS'.padStart(10)}\n`,
  );
  for (const r of rows) {
    const ratio = r.medianMs / base.medianMs;
    const within = r === base || ratio <= budget;
    ok &&= within;
    process.stdout.write(
      `${r.label.padEnd(34)} ${`${r.medianMs.toFixed(1)} ms`.padStart(9)} ${`${r.p90Ms.toFixed(1)} ms`.padStart(9)} ${
        r === base ? '   base' : `${ratio.toFixed(2)}x`.padStart(7)
      } ${`${(r.peakRssKb / 1024).toFixed(1)} MiB`.padStart(10)}${within ? '' : `  OVER BUDGET (${budget}x)`}\n`,
    );
  }
  return ok;
}
