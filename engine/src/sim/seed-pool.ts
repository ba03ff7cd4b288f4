import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type SimOptions, type SimResult, simulate } from './cluster-sim';

/** One seed's verdict and counters (a trace is not sent back: replay the seed with `trace` to get one). */
export interface SeedResult {
  seed: number;
  ok: boolean;
  failure?: string;
  stats: SimResult['stats'];
}

/** Owner → thread: run these seeds with these options. */
export interface PoolRequest {
  batch: number;
  options: Omit<SimOptions, 'seed'>;
  seeds: number[];
}

/** Thread → owner: the batch's results, in its seeds' order. */
export interface PoolReply {
  batch: number;
  results: SeedResult[];
}

/** Seeds per message at most: large enough that messages cost nothing beside the seeds, small enough to balance the threads. */
const MAX_BATCH = 8;

/**
 * The thread's module, from source: the thread registers tsx itself (a worker does not inherit
 * the owner's module hooks). No exec arguments are passed on: V8 flags such as
 * `--max-semi-space-size` are refused in a worker; its young generation is set by `resourceLimits`.
 */
function startThread(): Worker {
  // Named with its folder: the dead-code check finds a module loaded by path only when the path has a '/'.
  const entry = new URL('../sim/seed-worker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry.href)});`;
  // A larger young generation (as `npm run sim`'s --max-semi-space-size=32): fewer scavenges of the many short-lived frames.
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
}

/**
 * Runs simulator seeds on `threads` threads, this one and worker threads that live as long as the
 * pool (the JIT warms up once per thread, not once per seed or per process), seeds handed out in
 * small batches as threads finish (every core busy until the end). Each seed's result depends on its seed and options only, so a
 * run gives the same results whatever the number of threads; they come back sorted by seed.
 * With `threads` ≤ 1 the seeds run in this thread.
 *
 * @example
 * const pool = new SeedPool();
 * const results = await pool.run({ ...DEFAULT_SIM }, 1, 1000, (r) => r.ok || console.log(r.seed, r.failure));
 * await pool.close();
 */
export class SeedPool {
  readonly threads: number;
  #workers: Worker[] = [];
  #busy = false;

  constructor(threads = availableParallelism()) {
    if (!Number.isInteger(threads) || threads < 0) throw new Error(`threads ${threads} is not a whole number ≥ 0`);
    this.threads = threads;
  }

  /** Runs seeds `from` … `from + count - 1` with `options`; `onResult` sees each seed as it ends (in any order). */
  async run(options: Omit<SimOptions, 'seed'>, from: number, count: number, onResult?: (r: SeedResult) => void): Promise<SeedResult[]> {
    if (this.#busy) throw new Error('SeedPool.run: a run is already under way (one at a time)');
    this.#busy = true;
    try {
      return this.threads <= 1 ? this.#runHere(options, from, count, onResult) : await this.#runThreads(options, from, count, onResult);
    } finally {
      this.#busy = false;
    }
  }

  /** Ends the threads (a pool is not used after). */
  async close(): Promise<void> {
    const ws = this.#workers;
    this.#workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  /** One seed's run here, as a thread answers it. */
  #one(options: Omit<SimOptions, 'seed'>, seed: number): SeedResult {
    const r = simulate({ ...options, seed });
    return { seed, ok: r.ok, ...(r.failure !== undefined ? { failure: r.failure } : {}), stats: r.stats };
  }

  #runHere(options: Omit<SimOptions, 'seed'>, from: number, count: number, onResult?: (r: SeedResult) => void): SeedResult[] {
    const out: SeedResult[] = [];
    for (let seed = from; seed < from + count; seed++) {
      const s = this.#one(options, seed);
      onResult?.(s);
      out.push(s);
    }
    return out;
  }

  /**
   * `threads - 1` worker threads and this one: this thread takes a batch too whenever it is free
   * (on a 2-core host, one thread to start and warm up instead of two, and no core left to an
   * owner that only waits). A batch here is short (≤ {@link MAX_BATCH} seeds), and each worker
   * holds two, so a worker's answer waits at most one batch.
   */
  async #runThreads(
    options: Omit<SimOptions, 'seed'>,
    from: number,
    count: number,
    onResult?: (r: SeedResult) => void,
  ): Promise<SeedResult[]> {
    while (this.#workers.length < this.threads - 1) this.#workers.push(startThread());
    const out: SeedResult[] = [];
    let next = from;
    const end = from + count;
    let batch = 0;
    let inFlight = 0;
    let failed: Error | undefined;
    /** The next batch: smaller near the end, so the threads finish together. */
    const take = (): number[] => {
      const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil((end - next) / (2 * this.threads))));
      const seeds: number[] = [];
      for (let i = 0; i < size && next < end; i++) seeds.push(next++);
      return seeds;
    };
    const add = (r: SeedResult) => {
      out.push(r);
      onResult?.(r);
    };
    const cleanups: (() => void)[] = [];
    let wake: () => void = () => {};
    const feed = (w: Worker) => {
      if (next >= end || failed) return;
      const req: PoolRequest = { batch: batch++, options, seeds: take() };
      inFlight++;
      w.postMessage(req);
    };
    for (const w of this.#workers) {
      const onMessage = (reply: PoolReply) => {
        inFlight--;
        for (const r of reply.results) add(r);
        feed(w);
        wake();
      };
      const fail = (e: Error) => {
        failed ??= e;
        wake();
      };
      const onError = (e: Error) => fail(new Error(`a simulator thread failed: ${e.message}`));
      const onExit = (code: number) => fail(new Error(`a simulator thread exited (code ${code}) during a run`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      cleanups.push(() => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      });
      // Two batches each: a thread never waits for the owner between batches.
      feed(w);
      feed(w);
    }
    try {
      while (next < end && !failed) {
        for (const seed of take()) add(this.#one(options, seed));
        // Let the workers' answers in (and give them their next batches) between two batches here.
        await new Promise<void>((r) => setImmediate(r));
      }
      while (inFlight > 0 && !failed) await new Promise<void>((r) => (wake = r));
    } finally {
      for (const c of cleanups) c();
    }
    if (failed) throw failed;
    return out.sort((a, b) => a.seed - b.seed);
  }
}
