/**
 * Heartbeat lateness of node daemons under a CPU hog: plain, at nice -10, and real-time
 * (Corosync runs SCHED_RR for this reason). The daemon is started under `chrt --reset-on-fork`
 * so that its agents still run SCHED_OTHER at nice 0, as conformance/rigs/config/start-node.sh does. Root, `ip` and `chrt` needed;
 * skipped otherwise. Run alone, under the heavy-run lock: `npm run bench heartbeat-priority`.
 *
 * Per mode: 3 `ocfkit node start` in network namespaces (keepalive 200 ms, warntime 400 ms,
 * deadtime 10 s so nothing flaps and every late heartbeat is logged), settled; then
 * OCFKIT_BENCH_HOGS busy loops (default 4 per core) for OCFKIT_BENCH_HOG_S seconds (default 30).
 * Printed: how many heartbeat gaps passed warntime, their median and max, and membership losses.
 * Budget: the real-time daemons' worst gap at most that of the plain ones (a ratio in one run).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const HA_CF_HOG = `# bench: keepalive 200 ms, warntime 400 ms, deadtime 10 s
keepalive 200ms
warntime 400ms
deadtime 10
initdead 30
udpport 694
bcast eth1
node n1 n2 n3
crm on
`;

const NODES = ['n1', 'n2', 'n3'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  mode: string;
  gaps: number[];
  losses: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function measure(mode: string, wrap: readonly string[], hogs: number, hogMs: number): Promise<Sample> {
  const { NodeRig, SEED } = await import('../engine/test/node/cluster-rig');
  const c = new NodeRig(NODES, HA_CF_HOG, SEED);
  const loops: ChildProcess[] = [];
  try {
    for (const n of NODES) c.start(n, [], wrap);
    await c.until(`${mode}: the cluster settled`, NODES, c.agreed(NODES), 180_000);
    await sleep(3000);
    const marks = new Map(NODES.map((n) => [n, (c.rig.logs.get(n) ?? '').length]));
    for (let i = 0; i < hogs; i++) loops.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    await sleep(hogMs);
    for (const l of loops) l.kill('SIGKILL');
    await sleep(1000);
    const gaps: number[] = [];
    let losses = 0;
    for (const n of NODES) {
      const text = (c.rig.logs.get(n) ?? '').slice(marks.get(n));
      for (const m of text.matchAll(/late heartbeat from \S+ on link \d+: (\d+) ms/g)) gaps.push(Number(m[1]));
      losses += [...text.matchAll(/node \S+ lost/g)].length;
    }
    return { mode, gaps, losses };
  } finally {
    for (const l of loops) l.kill('SIGKILL');
    c.close();
  }
}

export default async function heartbeatPriority(): Promise<{ withinBudget: boolean }> {
  // It loads the machine on purpose: only when asked for by name (run.ts's filter), never in a plain `npm run bench`.
  const named = process.argv.slice(2).some((o) => 'heartbeat-priority.bench.ts'.includes(o));
  const why = !named
    ? 'runs only by name (a CPU hog): npm run bench heartbeat-priority, under the heavy-run lock'
    : process.getuid?.() !== 0
      ? 'needs root (network namespaces, SCHED_RR)'
      : spawnSync('chrt', ['--reset-on-fork', '--rr', '10', 'true']).status !== 0
        ? 'chrt --rr does not work here'
        : spawnSync('ip', ['-V']).status !== 0
          ? 'no ip'
          : undefined;
  if (why) {
    process.stdout.write(`skipped: ${why}\n`);
    return { withinBudget: true };
  }
  const hogs = Number(process.env.OCFKIT_BENCH_HOGS ?? 4 * availableParallelism());
  const hogMs = Number(process.env.OCFKIT_BENCH_HOG_S ?? 30) * 1000;
  process.stdout.write(`${hogs} busy loops for ${hogMs / 1000} s per mode, ${availableParallelism()} cores\n`);
  const plain = await measure('plain (SCHED_OTHER, nice 0)', [], hogs, hogMs);
  const nice = await measure('nice -10, reset on fork', ['nice', '-n', '-10', 'chrt', '--reset-on-fork', '--other', '0'], hogs, hogMs);
  const rr = await measure('chrt --reset-on-fork --rr 10', ['chrt', '--reset-on-fork', '--rr', '10'], hogs, hogMs);
  for (const s of [plain, nice, rr])
    process.stdout.write(
      `${s.mode.padEnd(32)} gaps > warntime: ${String(s.gaps.length).padStart(4)}  median ${String(pct(s.gaps, 50)).padStart(5)} ms  max ${String(Math.max(0, ...s.gaps)).padStart(5)} ms  membership losses ${s.losses}\n`,
    );
  const ratio = Math.max(400, ...rr.gaps) / Math.max(400, ...plain.gaps);
  process.stdout.write(`worst gap, real-time / plain: ${ratio.toFixed(2)} (budget ≤ 1)\n`);
  return { withinBudget: ratio <= 1 };
}
