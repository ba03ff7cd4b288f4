/**
 * The incremental scheduler (what a controller runs on every event) against a from-scratch run:
 * on every golden scenario and on generated CIBs, a seeded sequence of the controller's own edits
 * (operation results, failures, attributes, membership, cleanups, quorum, time, configuration)
 * is scheduled both ways after each step, and the results must be equal: actions with their
 * details, orderings, summary, placements, warnings, errors. OCFKIT_INCREMENTAL_CASES (default
 * 24) sets how many generated CIBs, OCFKIT_INCREMENTAL_STEPS (default 12) the steps per CIB.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { IncrementalScheduler } from '../../src/core/incremental-schedule.js';
import { schedule } from '../../src/core/schedule.js';
import { recordOps } from '../../src/crmd/status.js';
import { benchCib } from './bench-cib.js';
import { NOW, profileFor } from './differential.js';
import { generateCib } from './generator.js';
import { lrmOp } from './history-gen.js';
import { changeSequence } from './status-changes.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenarios = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'input.xml')))
  .map((d) => d.name)
  .sort();
const cases = Number(process.env.OCFKIT_INCREMENTAL_CASES ?? 24);
const steps = Number(process.env.OCFKIT_INCREMENTAL_STEPS ?? 12);

/**
 * Schedules every step incrementally and from scratch (on a deep copy, so nothing kept by
 * identity can be reused) and returns the steps where they differ.
 */
function mismatches(start: Cib, seed: number): string[] {
  const inc = new IncrementalScheduler(start);
  const out: string[] = [];
  const compare = (cib: Cib, now: number, what: string) => {
    inc.update(cib);
    const incremental = inc.schedule(now);
    const fresh = schedule({ cib: structuredClone(cib), now });
    try {
      expect(incremental).toEqual(fresh);
    } catch (err) {
      out.push(`after ${what}: ${(err as Error).message.split('\n').slice(0, 12).join('\n')}`);
    }
  };
  compare(start, NOW, 'the first run');
  for (const step of changeSequence(start, NOW, seed, steps)) compare(step.cib, step.now, `${step.kind} (${step.what})`);
  return out;
}

describe('incremental scheduling equals a from-scratch run', () => {
  it('has golden scenarios to replay', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  for (const [i, name] of scenarios.entries()) {
    it(`golden scenario ${name}`, () => {
      const cib = importCib(readFileSync(join(here, name, 'input.xml'), 'utf8'));
      expect(mismatches(cib, 1000 + i)).toEqual([]);
    });
  }

  it(`${cases} generated CIBs`, { timeout: 120_000 }, () => {
    const failed: string[] = [];
    for (let seed = 1; seed <= cases; seed++) {
      const diffs = mismatches(generateCib(seed, profileFor(seed)), 5000 + seed);
      if (diffs.length > 0) failed.push(`seed ${seed}: ${diffs.join('\n')}`);
    }
    expect(failed).toEqual([]);
  });

  it('reads again only the history an operation result changed', () => {
    const cib = benchCib(4, 40, { steady: true });
    const inc = new IncrementalScheduler(cib);
    inc.schedule(NOW);
    const entries = cib.status.reduce((n, s) => n + s.lrm.length, 0);
    const before = inc.counts;
    // As the controller records a successful recurring monitor of r0 on node1.
    const state = cib.status[0];
    const lr = state?.lrm[0];
    if (!state || !lr) throw new Error('bench CIB without history');
    const entry = lrmOp(lr.id, {
      id: `${lr.id}_monitor_10000`,
      task: 'monitor',
      intervalMs: 10000,
      callId: 99_999,
      rc: 0,
      expected: 0,
      lastRcChange: NOW,
    });
    expect(inc.update(recordOps(cib, state.uname, lr, [entry]))).toBe('status');
    const result = inc.schedule(NOW);
    const after = inc.counts;
    // Two unpacks per run (scheduling, describing the graph): the changed history is read once.
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2 * entries - 1);
    expect(after.fresh).toBe(1);
    expect(result).toEqual(schedule({ cib: structuredClone(inc.cib), now: NOW }));
  });

  it('starts afresh on a configuration change', () => {
    const cib = benchCib(3, 20, { steady: true });
    const inc = new IncrementalScheduler(cib);
    inc.schedule(NOW);
    const changed = { ...cib, rscDefaults: [{ id: 'd', pairs: [{ id: 'd-st', name: 'resource-stickiness', value: '0' }] }] };
    expect(inc.update(changed)).toBe('configuration');
    expect(inc.counts).toEqual({ hits: 0, misses: 0, fresh: 2 });
    expect(inc.schedule(NOW)).toEqual(schedule({ cib: structuredClone(changed), now: NOW }));
  });
});
