/**
 * Failover (issue 17): `docker kill` of the node running grp_pgsql until `select 1` through the VIP
 * succeeds from the client (so the VIP answers on a survivor and PostgreSQL serves), ≥ 20 kills
 * per rig in one run, median and p95. After each kill the victim boots again and rejoins before the
 * next round. Rigs: pacemaker (real Pacemaker + Corosync, token 1000 ms) and, when this checkout
 * has `ocfkit node start`, docker (the bundled engine); the budget is the bundled engine's median
 * below Pacemaker's. Needs dockerd and the rig image; long, so it runs only when named
 * (`npm run bench failover`) or with OCFKIT_BENCH_FAILOVER=1.
 *
 * Each failover is split in two: detection (from the kill until a survivor's membership no longer
 * has the victim: Corosync's member list, the node daemon's `alive` list, polled every 50 ms inside
 * the survivor) and the engine's part after it (from there until `select 1` through the VIP works:
 * DC election when the DC died, scheduling, the agents' starts). Detection is what the membership
 * timeouts buy (Corosync's token, ha.cf's deadtime: OCFKIT_RIG_TOKEN / OCFKIT_RIG_DEADTIME set both
 * rigs' budgets, see conformance/README.md), the part after it is what the engines differ in.
 *
 * OCFKIT_BENCH_FAILOVER_KILLS (default 3; the issue's proof is 20), OCFKIT_BENCH_FAILOVER_AGENTS=heartbeat
 * for Debian's IPaddr2 + pgsql, OCFKIT_BENCH_FAILOVER_RIGS=pacemaker,docker, OCFKIT_RIG_PROJECT
 * (name prefix), OCFKIT_RIG_NET (the rigs' subnets).
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
  const r = await rig.client(
    ['env', 'PGCONNECT_TIMEOUT=1', PSQL, '-h', rig.vip ?? VIP, '-U', 'postgres', '-d', 'postgres', '-Atqc', 'select 1'],
    {
      timeoutMs: 4000,
    },
  );
  return r.code === 0 && r.stdout.trim() === '1';
}

async function activeNode(rig: Rig): Promise<string | undefined> {
  const n = groupNode(await rig.status());
  return typeof n === 'string' && (await selectOne(rig)) ? n : undefined;
}

/**
 * A shell loop for a survivor that prints the wall-clock time (ns since the epoch: the containers
 * share the host's clock) at which its membership stops listing `victim`.
 */
export function lossWatcher(kind: RigKind, victim: string): string[] {
  if (!/^[A-Za-z0-9_.-]+$/.test(victim)) throw new Error(`node name ${JSON.stringify(victim)} is not a plain host name`);
  const listed =
    kind === 'pacemaker'
      ? `{ out=$(corosync-quorumtool -l 2>/dev/null); [ -z "$out" ] || echo "$out" | grep -qw -- "$1"; }`
      : `{ out=$(cat /var/lib/ocfkit/membership/status.json 2>/dev/null); [ -z "$out" ] || echo "$out" | grep -o '"alive":\\[[^]]*\\]' | grep -qF "\\"$1\\""; }`;
  // $1 is the victim, passed as an argument (never pasted into the script); a membership that
  // cannot be read (empty output) counts as still listing it
  return [
    'sh',
    '-c',
    `end=$(($(date +%s) + 120)); while [ $(date +%s) -lt $end ]; do if ! ${listed}; then date +%s%N; exit 0; fi; sleep 0.05; done; exit 1`,
    'watch',
    victim,
  ];
}

interface Round {
  total: number;
  /** Kill → a survivor's membership drops the victim (undefined: not observed). */
  detection?: number;
}

async function benchRig(kind: RigKind, kills: number): Promise<Round[]> {
  const agents = process.env.OCFKIT_BENCH_FAILOVER_AGENTS === 'heartbeat' ? HEARTBEAT_AGENTS : OCFKIT_AGENTS;
  const rig = createRig(kind, { project: `${process.env.OCFKIT_RIG_PROJECT ?? 'ocfkit-bench'}-failover-${kind}` });
  const rounds: Round[] = [];
  // an interrupted run removes its containers, networks and volume too
  const interrupted = (signal: NodeJS.Signals) => {
    process.stdout.write(`  ${kind}: ${signal}: removing the rig\n`);
    void rig.down().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    await rig.up(seedCib({ agents, nodes: rig.nodes, ...(rig.vip ? { vip: rig.vip } : {}) }), (l) =>
      process.stdout.write(`  ${kind}: ${l}\n`),
    );
    let active = await until('grp_pgsql started', 300_000, () => activeNode(rig));
    for (let i = 1; i <= kills; i++) {
      const victim = active;
      const observer = rig.nodes.find((n) => n !== victim) as string;
      const watch = rig.exec(observer, lossWatcher(kind, victim), { timeoutMs: 130_000 });
      await sleep(500); // the loop is polling before the kill
      const t0 = performance.now();
      const killedAt = Date.now() - performance.now() + t0;
      await rig.kill(active);
      await until(`round ${i}: select 1 through ${rig.vip ?? VIP}`, 300_000, async () => ((await selectOne(rig)) ? true : undefined));
      const total = (performance.now() - t0) / 1000;
      const w = await watch;
      const seen = w.code === 0 ? Number(w.stdout.trim()) / 1e6 : Number.NaN;
      const detection = Number.isFinite(seen) ? Math.max(0, (seen - killedAt) / 1000) : undefined;
      rounds.push({ total, ...(detection !== undefined ? { detection } : {}) });
      active = await until('the new active node', 60_000, async () => {
        const n = groupNode(await rig.status());
        return typeof n === 'string' && n !== victim ? n : undefined;
      });
      process.stdout.write(
        `  ${kind}: kill ${i}/${kills} of ${victim}: ${total.toFixed(2)} s (detection ${detection?.toFixed(2) ?? '?'} s by ${observer}, then ${detection === undefined ? '?' : (total - detection).toFixed(2)} s; now on ${active})\n`,
      );
      await rig.start(victim);
      await until(`${victim} back online`, 300_000, async () => {
        const st = await rig.status(active);
        return rig.nodes.every((n) => st.online.includes(n)) ? true : undefined;
      });
      await sleep(2000);
    }
    return rounds;
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await rig.down();
  }
}

/** Median and p95 of the total, of detection and of the part after detection, per rig. */
export function failoverTable(rows: readonly { rig: string; rounds: readonly Round[] }[]): string {
  const f = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} s` : '-').padStart(8);
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${f(quantile(s, 0.5))} ${f(quantile(s, 0.95))}`;
  };
  const lines = [
    `${''.padEnd(10)} ${''.padStart(5)} ${'failover'.padEnd(17)} ${'detection'.padEnd(17)} after detection`,
    `${'rig'.padEnd(10)} ${'kills'.padStart(5)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'median'.padStart(8)} ${'p95'.padStart(8)}`,
  ];
  for (const r of rows) {
    const seen = r.rounds.filter((x) => x.detection !== undefined);
    lines.push(
      `${r.rig.padEnd(10)} ${String(r.rounds.length).padStart(5)} ${stats(r.rounds.map((x) => x.total))} ${stats(seen.map((x) => x.detection as number))} ${stats(seen.map((x) => x.total - (x.detection as number)))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export default async function failover(): Promise<{ withinBudget: boolean }> {
  const named = process.argv.slice(2).some((a) => 'failover'.includes(a) && a.length >= 4);
  if (!named && process.env.OCFKIT_BENCH_FAILOVER !== '1') {
    process.stdout.write('skipped: needs the Docker rigs and takes minutes; run `npm run bench failover`\n');
    return { withinBudget: true };
  }
  const kills = Number(process.env.OCFKIT_BENCH_FAILOVER_KILLS ?? 3);
  if (!Number.isInteger(kills) || kills < 1)
    throw new Error(`OCFKIT_BENCH_FAILOVER_KILLS=${process.env.OCFKIT_BENCH_FAILOVER_KILLS} must be a positive integer`);
  const wanted = (process.env.OCFKIT_BENCH_FAILOVER_RIGS ?? 'pacemaker,docker').split(',') as RigKind[];
  const rows: { rig: string; rounds: Round[] }[] = [];
  for (const kind of wanted) {
    if (kind === 'docker') {
      const missing = nodeDaemonMissing(checkoutRoot());
      if (missing) {
        process.stdout.write(`docker rig not measured: ${missing}\n`);
        continue;
      }
    }
    rows.push({ rig: kind, rounds: await benchRig(kind, kills) });
  }
  process.stdout.write(`\n${failoverTable(rows)}`);
  const med = (k: string) => {
    const s = (rows.find((r) => r.rig === k)?.rounds ?? []).map((r) => r.total).sort((a, b) => a - b);
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
