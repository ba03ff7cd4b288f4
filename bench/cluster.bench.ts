/**
 * Cluster benchmarks (issue #15), printed, not budgeted (no baseline runs in the same process):
 * 1. Simulator speed: simulated cluster-minutes per real second (target ≥ 1000), fast timing
 *    (keepalive 1 s / deadtime 5 s) and the seed's (2 s / 24 s), after a warm-up: per wall and CPU
 *    second, and the median seed's rate per CPU-second; then 1000 seeds per timing on a fresh
 *    SeedPool (a thread per core; wall time includes the threads' start-up and warm-up, as
 *    `npm run sim -- --seeds 1000` would). OCFKIT_BENCH_CLUSTER_SIM_ONLY=1 stops there.
 * 2. Real processes (root and `ip` needed; skipped otherwise): 3 member daemons in network
 *    namespaces on a bridge, real UDP. Kill -9 of the DC, repeated (OCFKIT_BENCH_CLUSTER_KILLS,
 *    default 20, 3 under CI=true): failure detection to a new DC, and kill to the resource running on a survivor,
 *    median and p99, at keepalive 200 ms / deadtime 1 s; with OCFKIT_BENCH_CLUSTER_SEED=1 also at
 *    the seed's 2 s / 24 s. Frames, bytes and CPU per node idle and during a burst of CIB updates.
 * 3. Node daemons (root): 3 `ocfkit node start` in the same namespaces, a Dummy with a monitor,
 *    stonith disabled. Kill -9 of the daemon hosting the Dummy, repeated
 *    (OCFKIT_BENCH_CLUSTER_NODE_KILLS, default 20, 3 under CI=true; each round restarts the victim): kill to the
 *    Dummy shown Started on a survivor by `ocfkit status`, median and p99, at 200 ms / 1 s.
 */
import { readProcStat } from '../sdk/src/process/proc';
import { clusterSim, clusterSimPool } from './lib/cluster-sim-speed';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

function cpuTicks(pid: number): number {
  const t = readProcStat(pid)?.cpuTicks;
  if (!t) throw new Error(`process ${pid} is gone: no /proc/${pid}/stat`);
  return t.user + t.system;
}

async function realRig(label: string, haCf: string, kills: number): Promise<void> {
  const { Rig, sh } = await import('../engine/test/membership/netns-rig');
  const rig = new Rig({ nodes: ['n1', 'n2', 'n3'], haCf, key: 'bench-secret' });
  const nodes = ['n1', 'n2', 'n3'];
  const dcOf = (n: string) => rig.status(n)?.dc ?? null;
  const holder = () => nodes.find((n) => rig.procs.has(n) && rig.status(n)?.running.includes('r1'));
  const stable = (dc: string) => () =>
    nodes.every((n) => dcOf(n) === dc && rig.status(n)?.quorate) &&
    rig.status(dc)?.phase === 'stable' &&
    rig.status(dc)?.members.length === 3 &&
    holder() !== undefined;
  try {
    for (const n of nodes) rig.start(n, n, ['--resource', 'r1']);
    await rig.until('the cluster', stable('n1'), 120_000);
    // Idle: 10 s of frames and CPU.
    const sample = () => nodes.map((n) => ({ io: rig.status(n)!.io, cpu: cpuTicks(rig.status(n)!.pid) }));
    const window = async (ms: number, during?: () => Promise<void>) => {
      const a = sample();
      const t0 = performance.now();
      await (during?.() ?? Promise.resolve());
      const left = ms - (performance.now() - t0);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      await new Promise((r) => setTimeout(r, 1100)); // status.json is rewritten at least every second
      const b = sample();
      const secs = (performance.now() - t0) / 1000;
      return nodes.map(
        (n, i) =>
          `${n} ${((b[i]!.io.framesSent - a[i]!.io.framesSent) / secs).toFixed(1)} frames/s, ${((b[i]!.io.bytesSent - a[i]!.io.bytesSent) / secs / 1024).toFixed(1)} KiB/s, CPU ${(((b[i]!.cpu - a[i]!.cpu) / 100 / secs) * 100).toFixed(1)}%`,
      );
    };
    process.stdout.write(`${label} idle (10 s):\n  ${(await window(10_000)).join('\n  ')}\n`);
    const burst = async () => {
      for (let i = 0; i < 20; i++) rig.cli('n2', ['set', `k${i}`, String(i)]);
    };
    process.stdout.write(`${label} during 20 CIB updates through the DC:\n  ${(await window(0, burst)).join('\n  ')}\n`);
    const detect: number[] = [];
    const recover: number[] = [];
    for (let k = 0; k < kills; k++) {
      const dc = nodes.find((n) => rig.procs.has(n) && rig.status(n)?.role === 'dc')!;
      const survivors = nodes.filter((n) => n !== dc);
      const t0 = performance.now();
      rig.kill(dc);
      let tDc = -1;
      let tRsc = -1;
      while (tDc < 0 || tRsc < 0) {
        const d = dcOf(survivors[0]!);
        if (tDc < 0 && d !== null && d !== dc && survivors.every((n) => dcOf(n) === d)) tDc = performance.now() - t0;
        const h = holder();
        if (tRsc < 0 && h !== undefined && h !== dc) tRsc = performance.now() - t0;
        if (performance.now() - t0 > 120_000) throw new Error(`kill ${k + 1}: no recovery within 120 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      detect.push(tDc);
      recover.push(tRsc);
      process.stderr.write(
        `  kill ${k + 1}/${kills}: ${dc} → new DC ${dcOf(survivors[0]!)} in ${tDc.toFixed(0)} ms, r1 on ${holder()} in ${tRsc.toFixed(0)} ms\n`,
      );
      rig.start(dc, dc, ['--resource', 'r1']);
      await rig.until(`${dc} back`, () => rig.status(dc)?.dc === dcOf(survivors[0]!) && rig.status(dc)?.quorate === true, 120_000);
    }
    process.stdout.write(
      `${label}: kill -9 of the DC, ${kills} times: new DC median ${pct(detect, 50).toFixed(0)} ms, p99 ${pct(detect, 99).toFixed(0)} ms; resource on a survivor median ${pct(recover, 50).toFixed(0)} ms, p99 ${pct(recover, 99).toFixed(0)} ms\n`,
    );
    void sh;
  } finally {
    rig.close();
  }
}

async function nodeDaemons(kills: number): Promise<void> {
  const { NodeRig, dummyOf, HA_CF_FAST } = await import('../engine/test/node/cluster-rig');
  const c = new NodeRig(['n1', 'n2', 'n3'], HA_CF_FAST);
  const nodes = c.nodes;
  try {
    for (const n of nodes) c.start(n);
    await c.until('the cluster of node daemons', nodes, c.agreed(nodes), 180_000);
    const recover: number[] = [];
    for (let k = 0; k < kills; k++) {
      const host = dummyOf(await c.status(nodes[0]!))?.nodes[0] as string;
      const survivors = nodes.filter((n) => n !== host);
      const t0 = performance.now();
      c.rig.kill(host);
      const all = await c.until(
        'the Dummy on a survivor',
        survivors,
        (xs) => xs.every((s) => s.quorum && survivors.includes(dummyOf(s)?.nodes[0] ?? '') && dummyOf(s)?.role === 'Started'),
        120_000,
        20,
      );
      const ms = performance.now() - t0;
      recover.push(ms);
      process.stderr.write(`  kill ${k + 1}/${kills}: ${host} → Dummy on ${dummyOf(all[0])?.nodes[0]} in ${ms.toFixed(0)} ms\n`);
      c.wipeRsctmp(host);
      c.start(host);
      await c.until(`${host} back`, nodes, c.agreed(nodes), 120_000);
    }
    process.stdout.write(
      `node daemons, keepalive 200 ms / deadtime 1 s: kill -9 of the Dummy's host, ${kills} times: Dummy started on a survivor median ${pct(recover, 50).toFixed(0)} ms, p99 ${pct(recover, 99).toFixed(0)} ms\n`,
    );
  } finally {
    c.close();
  }
}

export default async function clusterBench(): Promise<{ withinBudget: boolean }> {
  for (const line of clusterSim()) process.stdout.write(`${line}\n`);
  for (const line of await clusterSimPool()) process.stdout.write(`${line}\n`);
  if (process.env.OCFKIT_BENCH_CLUSTER_SIM_ONLY === '1') return { withinBudget: true };
  const root = process.getuid?.() === 0;
  if (!root) {
    process.stdout.write('real-process rig skipped: network namespaces need root\n');
    return { withinBudget: true };
  }
  // 20 kills each by default (median and p99 mean something); CI=true bounds them to 3 unless set.
  const ci = process.env.CI === 'true';
  const kills = Number(process.env.OCFKIT_BENCH_CLUSTER_KILLS ?? (ci ? 3 : 20));
  await realRig(
    'keepalive 200 ms / deadtime 1 s',
    'keepalive 200ms\nwarntime 500ms\ndeadtime 1\ninitdead 2\nbcast eth1\nnode n1 n2 n3\n',
    kills,
  );
  await nodeDaemons(Number(process.env.OCFKIT_BENCH_CLUSTER_NODE_KILLS ?? (ci ? 3 : 20)));
  if (process.env.OCFKIT_BENCH_CLUSTER_SEED === '1')
    await realRig(
      'seed timing keepalive 2 s / deadtime 24 s',
      'keepalive 2\nwarntime 20\ndeadtime 24\ninitdead 48\nbcast eth1\nnode n1 n2 n3\n',
      kills,
    );
  return { withinBudget: true };
}
