import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM } from './cluster-sim';
import { SeedPool } from './seed-pool';

describe('SeedPool', () => {
  it('gives every seed the result it has in one thread, in seed order, whatever the number of threads', async () => {
    const options = { ...DEFAULT_SIM, durationMs: 60_000 };
    const here = await new SeedPool(1).run(options, 5, 16);
    const pool = new SeedPool(3);
    const seen: number[] = [];
    try {
      const threaded = await pool.run(options, 5, 16, (r) => seen.push(r.seed));
      expect(threaded).toEqual(here);
      // A second run on the same (warm) threads.
      expect(await pool.run(options, 5, 16)).toEqual(here);
    } finally {
      await pool.close();
    }
    expect(here.map((r) => r.seed)).toEqual(Array.from({ length: 16 }, (_, i) => i + 5));
    expect(seen.sort((a, b) => a - b)).toEqual(here.map((r) => r.seed));
    expect(here.every((r) => r.stats.events > 1000)).toBe(true);
  });
});
