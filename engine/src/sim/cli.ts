/**
 * `npm run sim -- [--seed N | --seeds N [--from S]] [--workers W] [--nodes N] [--links N] [--minutes M]
 * [--no-fencing] [--two-node] [--timing fast|seed] [--trace]`: runs the deterministic cluster
 * simulation, many seeds on worker threads (one per core). A failing seed is re-run with tracing
 * and its last events printed, with the command that replays it.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_SIM, type SimOptions, simulate } from './cluster-sim';
import { SeedPool, type SeedResult } from './seed-pool';

/** Below this many seeds, the default is to run them in this thread. */
const FEW_SEEDS = 40;

const HELP = `Usage: npm run sim -- [options]

Runs N cluster nodes (membership, election, CIB replication, quorum, a simple resource model) in
one process on a virtual clock and a faulty virtual network, checking invariants after every event.

  --seed N        run one seed (default: 1)
  --seeds N       run N seeds (from --from, default 1) and print a summary
  --workers W     threads running the seeds (default: one per core, ${availableParallelism()} here, from
                  ${FEW_SEEDS} seeds on; 0 or 1: in this thread); every seed gives the same result either way
  --nodes N       cluster size (default ${DEFAULT_SIM.nodes})
  --links N       redundant links (default ${DEFAULT_SIM.links})
  --minutes M     simulated minutes of faults per seed (default ${DEFAULT_SIM.durationMs / 60_000})
  --timing T      fast (keepalive 1 s, deadtime 5 s; default) or seed (keepalive 2 s, deadtime 24 s, initdead 48 s)
  --no-fencing    without fencing (the "never active twice" invariant is then not checked)
  --two-node      two_node quorum (needs --nodes 2)
  --policy P      no-quorum-policy: stop (default), freeze, ignore
  --trace         print the whole event trace of the (single) seed
  -h, --help      show this help
`;

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    from: { type: 'string' },
    workers: { type: 'string' },
    nodes: { type: 'string' },
    links: { type: 'string' },
    minutes: { type: 'string' },
    timing: { type: 'string' },
    'no-fencing': { type: 'boolean' },
    'two-node': { type: 'boolean' },
    policy: { type: 'string' },
    trace: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name: string, v: string | undefined, d: number) => {
  if (v === undefined) return d;
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`--${name} "${v}" is not a whole number\n`);
    process.exit(2);
  }
  return Number(v);
};
const timing = values.timing ?? 'fast';
if (timing !== 'fast' && timing !== 'seed') {
  process.stderr.write(`--timing "${timing}" is not fast or seed\n`);
  process.exit(2);
}
const policy = (values.policy ?? 'stop') as SimOptions['noQuorumPolicy'];
if (!['stop', 'freeze', 'ignore'].includes(policy)) {
  process.stderr.write(`--policy "${policy}" is not stop, freeze or ignore\n`);
  process.exit(2);
}
const base: Omit<SimOptions, 'seed'> = {
  ...DEFAULT_SIM,
  ...(timing === 'seed' ? { keepaliveMs: 2000, deadtimeMs: 24_000, initdeadMs: 48_000, faultEveryMs: 90_000, updateEveryMs: 15_000 } : {}),
  nodes: int('nodes', values.nodes, DEFAULT_SIM.nodes),
  links: int('links', values.links, DEFAULT_SIM.links),
  durationMs: int('minutes', values.minutes, DEFAULT_SIM.durationMs / 60_000) * 60_000,
  fencing: !values['no-fencing'],
  twoNode: values['two-node'] === true,
  noQuorumPolicy: policy,
};
const flags = process.argv
  .slice(2)
  .filter(
    (a, i, all) =>
      !['--seed', '--seeds', '--from', '--trace', '--workers'].includes(a) &&
      !['--seed', '--seeds', '--from', '--workers'].includes(all[i - 1] ?? ''),
  );
const count = int('seeds', values.seeds, 1);
const from = values.seeds ? int('from', values.from, 1) : int('seed', values.seed, 1);
// A thread's start-up (module loading, its own JIT warm-up) costs about as much as 20–40 seeds: few seeds run here.
const workers = int('workers', values.workers, count >= FEW_SEEDS ? availableParallelism() : 1);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let failed = 0;
let simulated = 0;
let events = 0;
let done = 0;
const failures: SeedResult[] = [];
const onResult = (r: SeedResult) => {
  simulated += r.stats.simulatedMs;
  events += r.stats.events;
  done++;
  if (!r.ok) {
    failed++;
    failures.push(r);
  }
  if (count > 1 && done % 50 === 0) process.stderr.write(`… ${done}/${count} seeds, ${failed} failed\n`);
};
if (count === 1) {
  const r = simulate({ ...base, seed: from, trace: values.trace === true });
  if (values.trace) process.stdout.write(`${r.trace.join('\n')}\n`);
  onResult({ seed: from, ok: r.ok, ...(r.failure !== undefined ? { failure: r.failure } : {}), stats: r.stats });
  if (r.ok) process.stdout.write(`seed ${from} ok: ${JSON.stringify(r.stats)}\n`);
} else {
  const pool = new SeedPool(Math.min(workers, count));
  try {
    await pool.run(base, from, count, onResult);
  } finally {
    await pool.close();
  }
}
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// Failing seeds, in seed order, each replayed here with tracing (the threads send verdicts only).
for (const f of failures.sort((a, b) => a.seed - b.seed)) {
  const replay = simulate({ ...base, seed: f.seed, trace: true });
  process.stdout.write(`\nseed ${f.seed} FAILED: ${f.failure}\n--- last events ---\n${replay.trace.slice(-80).join('\n')}\n`);
  process.stdout.write(`replay: npm run sim -- --seed ${f.seed} ${flags.join(' ')} --trace\n`);
}
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const clusterMinutes = simulated / 60_000;
// Wall time of the whole process too (start-up, module loading, threads' warm-up): what a user waits for.
// CPU time as well: on a shared machine the wall-clock rate says more about the load than the simulator.
const whole = performance.now() / 1000;
process.stdout.write(
  `${count} seed(s), ${failed} failed; ${clusterMinutes.toFixed(0)} simulated cluster-minutes, ${events} events in ${secs.toFixed(2)} s = ${(clusterMinutes / secs).toFixed(0)} cluster-minutes/s (${(clusterMinutes / whole).toFixed(0)} over the whole process, ${whole.toFixed(2)} s; ${(clusterMinutes / cpuSecs).toFixed(0)} per CPU-second, ${workers <= 1 || count === 1 ? 1 : Math.min(workers, count)} thread(s))\n`,
);
process.exitCode = failed > 0 ? 1 : 0;
