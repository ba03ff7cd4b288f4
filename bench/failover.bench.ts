/**
 * Failover (issue 17): `docker kill` of the node running grp_pgsql until `select 1` through the VIP
 * succeeds from the client (so the VIP answers on a survivor and PostgreSQL serves), ≥ 20 kills
 * per rig in one run, median and p95. After each kill the victim boots again and rejoins before the
 * next round. Rigs: pacemaker (real Pacemaker + Corosync, token 1000 ms) and, when this checkout
 * has `ocfkit node start`, docker (the bundled engine); the budget is the bundled engine's median
 * below Pacemaker's. Needs dockerd and the rig image; long, so it runs only when named
 * (`npm run bench failover`) or with OCFKIT_BENCH_FAILOVER=1.
 * OCFKIT_BENCH_FAILOVER_KILLS (default 20), OCFKIT_BENCH_FAILOVER_AGENTS=heartbeat for Debian's
 * IPaddr2 + pgsql, OCFKIT_BENCH_FAILOVER_RIGS=pacemaker,docker, OCFKIT_RIG_PROJECT (name prefix).
 */
import { checkoutRoot, createRig, nodeDaemonMissing } from '../conformance/src/rigs/create-rig';
import type { Rig, RigKind } from '../conformance/src/rigs/rig';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS } from '../conformance/src/scenarios/agents-under-test';
import { groupNode, VIP } from '../conformance/src/scenarios/run-scenario';
import { seedCib } from '../conformance/src/scenarios/seed-cib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PSQL = '/usr/lib/postgresql/15/bin/psql';

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(200);
  }
}

async function selectOne(rig: Rig): Promise<boolean> {
  const r = await rig.client(['env', 'PGCONNECT_TIMEOUT=1', PSQL, '-h', VIP, '-U', 'postgres', '-d', 'postgres', '-Atqc', 'select 1'], {
    timeoutMs: 4000,
  });
  return r.code === 0 && r.stdout.trim() === '1';
}

async function activeNode(rig: Rig): Promise<string | undefined> {
  const n = groupNode(await rig.status());
  return typeof n === 'string' && (await selectOne(rig)) ? n : undefined;
}

async function benchRig(kind: RigKind, kills: number): Promise<number[]> {
  const agents = process.env.OCFKIT_BENCH_FAILOVER_AGENTS === 'heartbeat' ? HEARTBEAT_AGENTS : OCFKIT_AGENTS;
  const rig = createRig(kind, { project: `${process.env.OCFKIT_RIG_PROJECT ?? 'ocfkit-bench'}-failover-${kind}` });
  const times: number[] = [];
  try {
    await rig.up(seedCib({ agents }), (l) => process.stdout.write(`  ${kind}: ${l}\n`));
    let active = await until('grp_pgsql started', 300_000, () => activeNode(rig));
    for (let i = 1; i <= kills; i++) {
      const t0 = performance.now();
      await rig.kill(active);
      const victim = active;
      await until(`round ${i}: select 1 through ${VIP}`, 300_000, async () => ((await selectOne(rig)) ? true : undefined));
      const s = (performance.now() - t0) / 1000;
      times.push(s);
      active = await until('the new active node', 60_000, async () => {
        const n = groupNode(await rig.status());
        return typeof n === 'string' && n !== victim ? n : undefined;
      });
      process.stdout.write(`  ${kind}: kill ${i}/${kills} of ${victim}: ${s.toFixed(2)} s (now on ${active})\n`);
      await rig.start(victim);
      await until(`${victim} back online`, 300_000, async () => {
        const st = await rig.status(active);
        return rig.nodes.every((n) => st.online.includes(n)) ? true : undefined;
      });
      await sleep(2000);
    }
    return times;
  } finally {
    await rig.down();
  }
}

export default async function failover(): Promise<{ withinBudget: boolean }> {
  const named = process.argv.slice(2).some((a) => 'failover'.includes(a) && a.length >= 4);
  if (!named && process.env.OCFKIT_BENCH_FAILOVER !== '1') {
    process.stdout.write('skipped: needs the Docker rigs and takes minutes; run `npm run bench failover`\n');
    return { withinBudget: true };
  }
  const kills = Number(process.env.OCFKIT_BENCH_FAILOVER_KILLS ?? 20);
  if (!Number.isInteger(kills) || kills < 1)
    throw new Error(`OCFKIT_BENCH_FAILOVER_KILLS=${process.env.OCFKIT_BENCH_FAILOVER_KILLS} must be a positive integer`);
  const wanted = (process.env.OCFKIT_BENCH_FAILOVER_RIGS ?? 'pacemaker,docker').split(',') as RigKind[];
  const rows: { rig: string; times: number[] }[] = [];
  for (const kind of wanted) {
    if (kind === 'docker') {
      const missing = nodeDaemonMissing(checkoutRoot());
      if (missing) {
        process.stdout.write(`docker rig not measured: ${missing}\n`);
        continue;
      }
    }
    rows.push({ rig: kind, times: await benchRig(kind, kills) });
  }
  process.stdout.write(
    `\n${'rig'.padEnd(10)} ${'kills'.padStart(5)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}\n`,
  );
  for (const r of rows) {
    const s = [...r.times].sort((a, b) => a - b);
    const f = (x: number) => `${x.toFixed(2)} s`.padStart(8);
    process.stdout.write(
      `${r.rig.padEnd(10)} ${String(s.length).padStart(5)} ${f(quantile(s, 0.5))} ${f(quantile(s, 0.95))} ${f(s[0] ?? Number.NaN)} ${f(s.at(-1) ?? Number.NaN)}\n`,
    );
  }
  const med = (k: string) => {
    const s = [...(rows.find((r) => r.rig === k)?.times ?? [])].sort((a, b) => a - b);
    return s.length ? quantile(s, 0.5) : undefined;
  };
  const p = med('pacemaker');
  const d = med('docker');
  if (p !== undefined && d !== undefined) {
    process.stdout.write(`bundled engine / Pacemaker (median): ${(d / p).toFixed(2)}x; budget: below 1x\n`);
    return { withinBudget: d < p };
  }
  process.stdout.write('budget not evaluated: needs both rigs\n');
  return { withinBudget: true };
}
