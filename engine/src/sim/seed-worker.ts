/**
 * A {@link SeedPool} thread: runs the seeds it is sent, one batch at a time, and answers each
 * batch with its results (without traces: a failing seed is replayed with tracing by the owner).
 * One thread lives for the whole run, so the JIT warms up once per thread, not per seed.
 */
import { parentPort } from 'node:worker_threads';
import { type SimOptions, simulate } from './cluster-sim';
import type { PoolReply, PoolRequest } from './seed-pool';

const port = parentPort;
if (!port) throw new Error('seed-worker.ts runs as a worker thread of a SeedPool');
port.on('message', (req: PoolRequest) => {
  const results = req.seeds.map((seed) => {
    const r = simulate({ ...(req.options as Omit<SimOptions, 'seed'>), seed });
    return { seed, ok: r.ok, ...(r.failure !== undefined ? { failure: r.failure } : {}), stats: r.stats };
  });
  const reply: PoolReply = { batch: req.batch, results };
  port.postMessage(reply);
});
