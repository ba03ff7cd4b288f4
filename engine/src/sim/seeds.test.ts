import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIM, type SimOptions, simulate } from './cluster-sim';
import { SeedPool } from './seed-pool';

/**
 * Random seeds through the simulator: partitions, heals, kills, restarts, forged and replayed
 * frames, 5% loss, duplicates, reordering; invariants after every event, convergence at the end.
 * CI runs 300 seeds per configuration (2100 seeds, ~20 600 simulated cluster-minutes) on one
 * worker thread per core that lives for the whole file (`SeedPool`: the JIT warms up once);
 * measured on the shared 2-core host: 24 CPU-seconds in all (this file's process and its threads),
 * 77–97 s wall at load average 20–31 (other engineers' rigs), 54 s at 13–14 (batches in this
 * thread too, beside one worker); the same CPU time would be ~12–15 s of
 * wall on two free cores (estimated, not measured). 420 seeds on one thread took 7.6–10 s at load 7–9.
 * OCFKIT_SIM_SEEDS=N runs N per configuration (`npm run sim -- --seeds N` prints progress and
 * replays a failing seed with its trace).
 */
const SEEDS = Number(process.env.OCFKIT_SIM_SEEDS ?? 300);
const CONFIGS: [string, Partial<SimOptions>][] = [
  ['3 nodes, 2 links, fencing', {}],
  ['5 nodes, 1 link, fencing', { nodes: 5, links: 1 }],
  ['3 nodes, no fencing', { fencing: false }],
  ['3 nodes, no-quorum-policy=freeze', { noQuorumPolicy: 'freeze' }],
  ['2 nodes, two_node', { nodes: 2, twoNode: true, fencing: false }],
  // Every CIB copy and update larger than 60 bytes travels in parts, under the same loss, duplication and reordering.
  ['3 nodes, messages cut into parts of 60 bytes', { maxMessageBytes: 60 }],
  [
    '3 nodes, the seed timing (keepalive 2 s, deadtime 24 s, initdead 48 s)',
    { keepaliveMs: 2000, deadtimeMs: 24_000, initdeadMs: 48_000, faultEveryMs: 90_000, updateEveryMs: 15_000, durationMs: 30 * 60_000 },
  ],
];

describe('simulated clusters keep their invariants under random faults', () => {
  const pool = new SeedPool();
  afterAll(() => pool.close());
  for (const [name, o] of CONFIGS) {
    it(`${name}: ${SEEDS} seeds`, async () => {
      const results = await pool.run({ ...DEFAULT_SIM, durationMs: 5 * 60_000, ...o }, 1, SEEDS);
      expect(results.map((r) => r.seed)).toEqual(Array.from({ length: SEEDS }, (_, i) => i + 1));
      const failures = results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.failure}`);
      expect(failures).toEqual([]);
      expect(results.filter((r) => r.stats.committed === 0).map((r) => r.seed)).toEqual([]);
      if (o.maxMessageBytes !== undefined) expect(results.filter((r) => r.stats.fragments <= 100).map((r) => r.seed)).toEqual([]);
    });
  }
});

describe('the simulator catches a broken protocol', () => {
  it('a quorum lease longer than deadtime lets two partitions have quorum at once', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 40 && failures.length === 0; seed++) {
      const r = simulate({ ...DEFAULT_SIM, durationMs: 5 * 60_000, leaseMs: 4 * DEFAULT_SIM.deadtimeMs, seed });
      if (!r.ok) failures.push(r.failure!);
    }
    expect(failures[0]).toMatch(/2 DCs have quorum at once|active on n\d and n\d at once/);
  });
});
