/**
 * Scheduler inputs kept as `<state-dir>/pengine/pe-input-<N>.xml` (plain XML, mode 0600),
 * numbered on from the highest file present and bounded like Pacemaker's `pe-input-series-max`.
 * Each holds `execution-date` (the scheduler's "now"), so a decision replays with
 * `ocfkit engine simulate -x pe-input-N.xml --now <execution-date>`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCib } from '../cib/export.js';
import type { Cib } from '../core/cib-model.js';

const NAME = /^pe-input-(\d+)\.xml$/;

/** Pacemaker's default `pe-input-series-max`. */
const DEFAULT_SERIES_MAX = 4000;

/** The number the next pe-input takes in `dir` (0 when none exist). */
export function nextPeInputSeq(dir: string): number {
  let max = -1;
  try {
    for (const f of readdirSync(dir)) {
      const m = NAME.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
  } catch {
    // no directory yet
  }
  return max + 1;
}

/**
 * Writes pe-input `seq` and removes the one `seriesMax` numbers older (and any older ones left).
 * Returns the file written.
 */
export function savePeInput(dir: string, seq: number, cib: Cib, now: number, seriesMax = DEFAULT_SERIES_MAX): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `pe-input-${seq}.xml`);
  writeFileSync(file, exportCib({ ...cib, attrs: { ...cib.attrs, 'execution-date': String(now) } }), { mode: 0o600 });
  if (seriesMax > 0 && seq - seriesMax >= 0 && seq % 64 === 0) {
    for (const f of readdirSync(dir)) {
      const m = NAME.exec(f);
      if (m && Number(m[1]) <= seq - seriesMax) rmSync(join(dir, f), { force: true });
    }
  } else if (seriesMax > 0 && seq - seriesMax >= 0) rmSync(join(dir, `pe-input-${seq - seriesMax}.xml`), { force: true });
  return file;
}
