import { DEFAULT_SIM, type SimOptions, simulate } from '../../engine/src/sim/cluster-sim';
import { SeedPool } from '../../engine/src/sim/seed-pool';

/** Simulated cluster-minutes per real second, for the fast and the seed timing, after a warm-up of 20 seeds. */
export function clusterSim(seeds = 60): string[] {
  const lines: string[] = [];
  const timings: [string, Partial<SimOptions>][] = [
    ['simulator, keepalive 1 s / deadtime 5 s', {}],
    [
      'simulator, seed timing 2 s / 24 s',
      { keepaliveMs: 2000, deadtimeMs: 24_000, initdeadMs: 48_000, faultEveryMs: 90_000, updateEveryMs: 15_000 },
    ],
  ];
  for (let s = 1; s <= 20; s++) simulate({ ...DEFAULT_SIM, seed: 10_000 + s });
  for (const [label, o] of timings) {
    let simulated = 0;
    let events = 0;
    let failed = 0;
    const perSeed: number[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let seed = 1; seed <= seeds; seed++) {
      const c0 = process.cpuUsage();
      const r = simulate({ ...DEFAULT_SIM, ...o, seed });
      const c = process.cpuUsage(c0);
      perSeed.push(r.stats.simulatedMs / 60_000 / Math.max(1e-6, (c.user + c.system) / 1e6));
      simulated += r.stats.simulatedMs;
      events += r.stats.events;
      if (!r.ok) failed++;
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    const median = perSeed.sort((a, b) => a - b)[perSeed.length >> 1]!;
    // Per CPU-second too: on a shared machine the wall-clock rate mostly measures the load; the
    // median seed's rate is the least disturbed by other processes' bursts.
    lines.push(
      `${label}: ${seeds} seeds (${failed} failed), ${(simulated / 60_000).toFixed(0)} cluster-minutes in ${secs.toFixed(1)} s = ${(simulated / 60_000 / secs).toFixed(0)} cluster-minutes/s (target ≥ 1000; ${(simulated / 60_000 / cpuSecs).toFixed(0)} per CPU-second, median seed ${median.toFixed(0)}), ${(events / secs / 1000).toFixed(0)}k events/s`,
    );
  }
  return lines;
}

/**
 * What `npm run sim -- --seeds N` gives a user: `seeds` seeds on a fresh {@link SeedPool} (one
 * thread per core), wall time from creating the pool (threads' start-up and JIT warm-up included)
 * to the last result, for each timing.
 */
export async function clusterSimPool(seeds = 1000): Promise<string[]> {
  const lines: string[] = [];
  const timings: [string, Partial<SimOptions>][] = [
    ['fast timing 1 s / 5 s', {}],
    ['seed timing 2 s / 24 s', { keepaliveMs: 2000, deadtimeMs: 24_000, initdeadMs: 48_000, faultEveryMs: 90_000, updateEveryMs: 15_000 }],
  ];
  for (const [label, o] of timings) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const pool = new SeedPool();
    let simulated = 0;
    let failed = 0;
    try {
      for (const r of await pool.run({ ...DEFAULT_SIM, ...o }, 1, seeds)) {
        simulated += r.stats.simulatedMs;
        if (!r.ok) failed++;
      }
    } finally {
      await pool.close();
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cm = simulated / 60_000;
    lines.push(
      `simulator pool (${pool.threads} threads, started fresh), ${label}: ${seeds} seeds (${failed} failed), ${cm.toFixed(0)} cluster-minutes in ${secs.toFixed(1)} s wall = ${(cm / secs).toFixed(0)} cluster-minutes/s (target ≥ 1000; ${(cm / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} per CPU-second)`,
    );
  }
  return lines;
}
