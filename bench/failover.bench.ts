/**
 * Failover (issue 17): `docker kill` of the node running grp_pgsql until `select 1` through the VIP
 * succeeds from the client (so the VIP answers on a survivor and PostgreSQL serves), ≥ 20 kills
 * per rig in one run, median and p95. After each kill the victim boots again and rejoins before the
 * next round. Rigs: pacemaker (real Pacemaker + Corosync, token 1000 ms) and, when this checkout
 * has `ocfkit node start`, docker (the bundled engine); the budget is the bundled engine's median
 * below Pacemaker's. Needs dockerd and the rig image; long, so it runs only when named
 * (`npm run bench failover`) or with OCFKIT_BENCH_FAILOVER=1.
 *
 * The end of a failover is seen from inside the client: right after the kill a bash loop there starts
 * a `select 1` through the VIP every 50 ms, each in the background (see {@link selectProber}), and
 * the first that returns ends it; the total's resolution is 50 ms plus one psql connection.
 *
 * Each failover is split in two: detection (from the kill until a survivor's membership no longer
 * has the victim: Corosync's member list, the node daemon's `alive` list, polled every 50 ms inside
 * the survivor) and the engine's part after it (from there until `select 1` through the VIP works:
 * DC election when the DC died, scheduling, the agents' starts). Detection is what the membership
 * timeouts buy (Corosync's token, ha.cf's deadtime: OCFKIT_RIG_TOKEN / OCFKIT_RIG_DEADTIME set both
 * rigs' budgets, see conformance/README.md), the part after it is what the engines differ in.
 *
 * The part after detection is split again, polled the same way on the survivors: detection → the IP
 * agent's first process on the new active node is the engine's own part (DC election when the DC
 * died, join, scheduling, sending the action); IP agent → the VIP on its interface is that agent's
 * start; VIP up → `select 1` the database agent's start (and the client's connect). A second table
 * splits that last part, seen on the new active node the same way: the IP agent's start until its
 * process exits (after the VIP: its own readiness check, the ARP sender's launch); from there until
 * the database agent's start runs (the result to the DC, its next transition step, the action back);
 * that agent until it runs `pg_ctl start` (its checks); pg_ctl until postmaster.pid says ready
 * (PostgreSQL's start: crash recovery); ready until the agent exits (pg_ctl's own poll, the agent's
 * readiness query); and from there until the client's `select 1` (the probe's resolution).
 * The engine's part when the DC died (election, the members' histories, the controller's start)
 * is in the node daemons' debug lines: OCFKIT_RIG_DEBUG=1 with OCFKIT_BENCH_FAILOVER_LOGS.
 *
 * OCFKIT_BENCH_FAILOVER_RECORD=FILE appends every kill as a JSON line as soon as it is measured
 * (rig, round, times, the load average) and computes the table over every kill in FILE, so kills
 * from several shorter runs (each under the heavy-run lock's ~15 minutes) add up to the issue's 20;
 * the table says how many runs they came from.
 *
 * OCFKIT_BENCH_FAILOVER_LOGS=DIR writes the survivors' logs of each kill there (`docker logs -t`: every
 * line with the time it was written, to the µs), and at the end every node's log files of the whole
 * run (the pacemaker rig's pacemaker.log and corosync.log), to see where a kill's time went.
 *
 * OCFKIT_BENCH_FAILOVER_KILLS (default 3; the issue's proof is 20), OCFKIT_BENCH_FAILOVER_AGENTS=heartbeat
 * for Debian's IPaddr2 + pgsql, OCFKIT_BENCH_FAILOVER_RIGS=pacemaker,docker, OCFKIT_RIG_PROJECT
 * (name prefix), OCFKIT_RIG_NET (the rigs' subnets).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { checkoutRoot, createRig, nodeDaemonMissing } from '../conformance/src/rigs/create-rig';
import type { Rig, RigKind } from '../conformance/src/rigs/rig';
import { rigTimingEnv } from '../conformance/src/rigs/rig-timing';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS } from '../conformance/src/scenarios/agents-under-test';
import { groupNode, VIP } from '../conformance/src/scenarios/run-scenario';
import { seedCib } from '../conformance/src/scenarios/seed-cib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PSQL = '/usr/lib/postgresql/15/bin/psql';

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** An error that ends a wait at once instead of counting as one more failed probe. */
class Fatal extends Error {}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch((err: Error) => {
      if (err instanceof Fatal) throw err;
      return undefined;
    });
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
 * The survivor's half of one failover: a bash loop (builtins only, so that polling every 50 ms
 * does not load the node it measures) that prints, as each happens, `lost US` when its membership
 * no longer lists `victim` (Corosync's member list; the node daemon's `alive` list), `agent US`
 * when the IP agent `type` runs there with the action start (the engine's first action of the
 * failover; a probe of a node that just rejoined is not it), `vip US` when `vip` is on one of its
 * interfaces (/proc/net/fib_trie), `ipdone US` when that agent process has exited, then for the
 * database agent `pgtype`: `pgagent US` (its start runs), `pgctl US` (pg_ctl start runs),
 * `ready US` (`pgdata`/postmaster.pid says ready: crash recovery is over) and `pgdone US` (the
 * agent's start has exited, its own readiness check included). US is the wall clock in µs (the
 * containers share the host's clock). It exits 0 once it saw the loss, both agents' starts and
 * their ends and the VIP, 1 after 60 s or 30 s after the loss (a survivor the engine did not pick).
 */
export function failoverWatcher(
  kind: RigKind,
  victim: string,
  vip: string,
  type: string,
  pgtype = 'pgsql',
  pgdata = '/shared/pgdata',
): string[] {
  if (!/^[A-Za-z0-9_.-]+$/.test(victim)) throw new Error(`node name ${JSON.stringify(victim)} is not a plain host name`);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(vip)) throw new Error(`VIP ${JSON.stringify(vip)} is not an IPv4 address`);
  for (const t of [type, pgtype])
    if (!/^[A-Za-z0-9_.-]+$/.test(t)) throw new Error(`agent type ${JSON.stringify(t)} is not a plain OCF type`);
  if (!/^\/[A-Za-z0-9_./-]+$/.test(pgdata)) throw new Error(`pgdata ${JSON.stringify(pgdata)} is not a plain absolute path`);
  // every value arrives as a positional parameter, never pasted into the script; read -t on a
  // pipe nobody writes is the sleep (no fork); a membership that cannot be read still lists the victim
  return ['bash', '-c', WATCH_SCRIPT, 'watch', kind, victim, vip, type, pgtype, pgdata];
}

const WATCH_SCRIPT = `kind=$1 victim=$2 vip=$3 type=$4 pgtype=$5 pidfile=$6/postmaster.pid
exec {z}<> <(:)
tick() { now=\${EPOCHREALTIME/[.,]/}; }
tick; start=$now lost='' agent='' up='' ipdone='' ippid='' pga='' pgpid='' pgctl='' ready='' pgdone=''
while tick; (( now - start < 60000000 )) && { [ -z "$lost" ] || (( now - lost < 30000000 )); }; do
  if [ -z "$lost" ]; then
    out=''
    if [ "$kind" = pacemaker ]; then out=$(corosync-quorumtool -l 2>/dev/null)
    else { read -r -d '' out < /var/lib/ocfkit/membership/status.json; } 2>/dev/null
      [[ $out =~ \\"alive\\":\\[([^]]*)\\] ]] && out=\${BASH_REMATCH[1]} || out=''
    fi
    if [ -n "$out" ] && ! [[ $out =~ (^|[^[:alnum:]_.-])"$victim"($|[^[:alnum:]_.-]) ]]; then tick; lost=$now; echo "lost $lost"; fi
  fi
  if [ -z "$agent" ] || [ -z "$pga" ] || [ -z "$pgctl" ]; then
    for f in /proc/[0-9]*/cmdline; do
      { mapfile -d '' -t a < "$f"; } 2>/dev/null || continue
      c="\${a[*]}" p=\${f#/proc/}
      if [ -z "$agent" ]; then
        if [[ $c == *resource.d/*/"$type"" start"* ]]; then tick; agent=$now ippid=\${p%/cmdline}; echo "agent $agent"; fi
      elif [ -z "$pga" ]; then
        if [[ $c == *resource.d/*/"$pgtype"" start"* ]]; then tick; pga=$now pgpid=\${p%/cmdline}; echo "pgagent $pga"; fi
      elif [[ $c == *pg_ctl*" start"* ]]; then tick; pgctl=$now; echo "pgctl $pgctl"; break
      fi
    done
  fi
  if [ -n "$ippid" ] && [ -z "$ipdone" ] && [ ! -e "/proc/$ippid" ]; then tick; ipdone=$now; echo "ipdone $ipdone"; fi
  # the killed server's postmaster.pid says ready too: only the one pg_ctl wrote (after the agent removed the stale one)
  if [ -n "$pgctl" ] && [ -z "$ready" ]; then
    l=(); { mapfile -t l < "$pidfile"; } 2>/dev/null
    if [[ \${l[7]:-} == ready* ]]; then tick; ready=$now; echo "ready $ready"; fi
  fi
  if [ -n "$pgpid" ] && [ -z "$pgdone" ] && [ ! -e "/proc/$pgpid" ]; then tick; pgdone=$now; echo "pgdone $pgdone"; fi
  if [ -z "$up" ]; then
    { read -r -d '' t < /proc/net/fib_trie; } 2>/dev/null
    if [[ $t == *"-- $vip"$'\\n'* ]]; then tick; up=$now; echo "vip $up"; fi
  fi
  [ -n "$lost" ] && [ -n "$agent" ] && [ -n "$up" ] && [ -n "$ipdone" ] && [ -n "$pgdone" ] && exit 0
  read -t 0.05 -u $z || true
done
exit 1
`;

/**
 * The client's half: from `from` (µs since the epoch) a new `select 1` through the VIP every 50 ms,
 * each in the background (one that went to the dead node's MAC hangs until its 2 s connect timeout,
 * the next ones do not wait for it), until one succeeds; prints `ok US`, the time it returned. So
 * the total's resolution is 50 ms plus one psql connect, not a `docker exec` per probe after a
 * 200 ms sleep. Exits 1 after `limitS` seconds.
 */
export function selectProber(vip: string, limitS: number): string[] {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(vip)) throw new Error(`VIP ${JSON.stringify(vip)} is not an IPv4 address`);
  if (!Number.isInteger(limitS) || limitS < 1) throw new Error(`limit ${limitS} s must be a positive whole number of seconds`);
  return ['bash', '-c', PROBE_SCRIPT, 'probe', vip, PSQL, String(limitS)];
}

const PROBE_SCRIPT = `vip=$1 psql=$2 limit=$3
exec {z}<> <(:)
dir=$(mktemp -d)
probe() {
  local out
  out=$(PGCONNECT_TIMEOUT=2 timeout 3 "$psql" -h "$vip" -U postgres -d postgres -Atqc 'select 1' 2>/dev/null) || return 0
  [ "$out" = 1 ] || return 0
  local t=\${EPOCHREALTIME/[.,]/}
  echo "ok $t"
  : > "$dir/ok"
}
start=\${EPOCHREALTIME/[.,]/}
while [ ! -e "$dir/ok" ]; do
  now=\${EPOCHREALTIME/[.,]/}
  (( now - start < limit * 1000000 )) || { rm -rf "$dir"; exit 1; }
  probe &
  read -t 0.05 -u $z || true
done
wait
rm -rf "$dir"
`;

/** The first success of {@link selectProber}'s output, in ms since the epoch. */
function firstOk(stdout: string): number | undefined {
  const ts = [...stdout.matchAll(/^ok (\d+)$/gm)].map((m) => Number(m[1]) / 1000);
  return ts.length > 0 ? Math.min(...ts) : undefined;
}

/** The events of {@link failoverWatcher}'s output, in ms since the epoch. */
function watched(stdout: string): Partial<Record<(typeof WATCHED)[number], number>> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^([a-z]+) (\d+)$/gm))
    if ((WATCHED as readonly string[]).includes(m[1] as string)) out[m[1] as string] = Number(m[2]) / 1000;
  return out;
}

const WATCHED = ['lost', 'agent', 'vip', 'ipdone', 'pgagent', 'pgctl', 'ready', 'pgdone'] as const;

interface Round {
  total: number;
  /** Kill → a survivor's membership drops the victim (undefined: not observed). */
  detection?: number;
  /** Kill → the IP agent runs on the new active node: the engine's decision (undefined: not observed). */
  ipStart?: number;
  /** Kill → the VIP is on a survivor's interface (undefined: not observed). */
  vipUp?: number;
  /** Kill → the IP agent's start process has exited. */
  ipDone?: number;
  /** Kill → the database agent's start runs (the DC got the IP agent's result and sent the next action). */
  pgAgent?: number;
  /** Kill → pg_ctl start runs (the agent's checks before it done). */
  pgCtl?: number;
  /** Kill → postmaster.pid says ready (crash recovery over, connections accepted). */
  pgReady?: number;
  /** Kill → the database agent's start has exited (its readiness check included). */
  pgDone?: number;
}

/** One measured kill as OCFKIT_BENCH_FAILOVER_RECORD keeps it. */
interface RecordedRound extends Round {
  rig: string;
  /** When the run that measured it started (ISO): kills with the same run came from one rig. */
  run: string;
  kill: number;
  victim: string;
  /** The host's 1-minute load average right after the kill was measured. */
  load: number;
}

/** The kills recorded in `file` (JSON lines), oldest first; none when it does not exist. */
export function readRecord(file: string): RecordedRound[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const r = JSON.parse(l) as RecordedRound;
      if (typeof r.rig !== 'string' || typeof r.total !== 'number' || typeof r.run !== 'string')
        throw new Error(`${file} line ${i + 1} is not a failover round: ${l.slice(0, 80)}`);
      return r;
    });
}

const runStarted = new Date().toISOString();

/**
 * The rig's name in the table and the record, with its membership timing when one was asked for
 * (OCFKIT_RIG_TOKEN, OCFKIT_RIG_DEADTIME, OCFKIT_RIG_TIME_SCALE), so kills at other budgets never
 * share a row.
 *
 * @example
 * rigLabel('docker', { OCFKIT_RIG_TOKEN: '1000' }) // 'docker token=1000'
 */
export function rigLabel(kind: RigKind, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const t = rigTimingEnv(env);
  const parts = [
    t.OCFKIT_RIG_TOKEN ? `token=${t.OCFKIT_RIG_TOKEN}` : '',
    t.OCFKIT_RIG_DEADTIME ? `deadtime=${t.OCFKIT_RIG_DEADTIME}` : '',
    t.OCFKIT_RIG_KEEPALIVE && kind !== 'pacemaker' ? `keepalive=${t.OCFKIT_RIG_KEEPALIVE}` : '',
  ];
  return [kind, ...parts.filter(Boolean)].join(' ');
}

async function benchRig(kind: RigKind, kills: number, record?: string): Promise<Round[]> {
  const agents = process.env.OCFKIT_BENCH_FAILOVER_AGENTS === 'heartbeat' ? HEARTBEAT_AGENTS : OCFKIT_AGENTS;
  const project = `${process.env.OCFKIT_RIG_PROJECT ?? 'ocfkit-bench'}-failover-${kind}`;
  const rig = createRig(kind, { project });
  const rounds: Round[] = [];
  const logDir = process.env.OCFKIT_BENCH_FAILOVER_LOGS;
  if (logDir) mkdirSync(logDir, { recursive: true });
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
      // on both survivors (the engine picks one); only the new active node's is awaited
      const watches = new Map(
        rig.nodes
          .filter((n) => n !== victim)
          .map((n) => [
            n,
            rig
              .exec(n, failoverWatcher(kind, victim, rig.vip ?? VIP, agents.ip.type, agents.pgsql.type), { timeoutMs: 70_000 })
              .catch(() => undefined),
          ]),
      );
      await sleep(500); // the loops are polling before the kill
      const t0 = performance.now();
      const killedAt = Date.now() - performance.now() + t0;
      await rig.kill(active);
      // (started after the kill: before it the old node answers)
      const probed = await rig.client(selectProber(rig.vip ?? VIP, 120), { timeoutMs: 130_000 }).catch(() => undefined);
      const okAt = firstOk(probed?.stdout ?? '');
      // a prober that could not run: the slower way, a docker exec per probe
      if (okAt === undefined)
        await until(`round ${i}: select 1 through ${rig.vip ?? VIP}`, 300_000, async () => ((await selectOne(rig)) ? true : undefined));
      const total = okAt !== undefined ? (okAt - killedAt) / 1000 : (performance.now() - t0) / 1000;
      active = await until('the new active node', 60_000, async () => {
        const n = groupNode(await rig.status());
        return typeof n === 'string' && n !== victim ? n : undefined;
      });
      const seen = watched((await watches.get(active))?.stdout ?? '');
      const since = (at: number | undefined) => (at === undefined ? undefined : Math.max(0, (at - killedAt) / 1000));
      const [detection, ipStart, vipUp] = [since(seen.lost), since(seen.agent), since(seen.vip)];
      const parts = { ipDone: seen.ipdone, pgAgent: seen.pgagent, pgCtl: seen.pgctl, pgReady: seen.ready, pgDone: seen.pgdone };
      const round: Round = {
        total,
        ...(detection !== undefined ? { detection } : {}),
        ...(ipStart !== undefined ? { ipStart } : {}),
        ...(vipUp !== undefined ? { vipUp } : {}),
        ...Object.fromEntries(Object.entries(parts).flatMap(([k, at]) => (at === undefined ? [] : [[k, since(at)]]))),
      };
      rounds.push(round);
      if (record) {
        const line: RecordedRound = { rig: rigLabel(kind), run: runStarted, kill: i, victim, load: loadavg()[0] ?? 0, ...round };
        appendFileSync(record, `${JSON.stringify(line)}\n`);
      }
      if (logDir) {
        // the survivors' logs (the daemons', the agents') of this kill, for where its time went
        // (docker logs -t: each line with the time it was written, to the µs; the daemons' own stamps are whole seconds)
        const since = String(Math.floor(killedAt / 1000) - 2);
        const text = rig.nodes
          .filter((n) => n !== victim)
          .map((n) => {
            const r = spawnSync('docker', ['logs', '-t', '--since', since, `${project}-${n}`], { encoding: 'utf8' });
            return `==== ${n}\n${r.stdout}${r.stderr}`;
          });
        writeFileSync(
          join(logDir, `${rigLabel(kind).replace(/[^A-Za-z0-9=.-]+/g, '_')}-kill${i}.log`),
          `killed ${victim} at ${new Date(killedAt).toISOString()}\n${text.join('\n')}`,
        );
      }
      process.stdout.write(
        `  ${kind}: kill ${i}/${kills} of ${victim}: ${total.toFixed(2)} s (detection ${detection?.toFixed(2) ?? '?'} s by ${active}, then ${detection === undefined ? '?' : (total - detection).toFixed(2)} s; IP agent at ${ipStart?.toFixed(2) ?? '?'} s, VIP up at ${vipUp?.toFixed(2) ?? '?'} s, IP agent done at ${round.ipDone?.toFixed(2) ?? '?'} s, database agent at ${round.pgAgent?.toFixed(2) ?? '?'} s, pg_ctl at ${round.pgCtl?.toFixed(2) ?? '?'} s, ready at ${round.pgReady?.toFixed(2) ?? '?'} s, its agent done at ${round.pgDone?.toFixed(2) ?? '?'} s; now on ${active}; load ${loadavg()[0]?.toFixed(1)})\n`,
      );
      await rig.start(victim);
      await until(`${victim} back online`, 300_000, async () => {
        // a node whose start script failed is not coming back: say so now, with its log
        if (!(await rig.isUp(victim))) throw new Fatal(`${victim} exited after its restart:\n${await rig.logs(victim, 20)}`);
        const st = await rig.status(active);
        return rig.nodes.every((n) => st.online.includes(n)) ? true : undefined;
      });
      await sleep(2000);
    }
    return rounds;
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    // the stacks' own log files of the whole run (pacemaker.log, corosync.log: every kill, ms stamps)
    if (logDir)
      for (const n of rig.nodes)
        for (const [name, text] of Object.entries((await rig.logFiles?.(n).catch(() => undefined)) ?? {}))
          writeFileSync(join(logDir, `${rigLabel(kind).replace(/[^A-Za-z0-9=.-]+/g, '_')}-${n}-${name}`), text);
    await rig.down();
  }
}

/**
 * Median and p95 of the total, of detection, of the rest, and of the rest's three parts: detection →
 * IP agent running (the engine), IP agent → VIP up, VIP up → `select 1` (the database's start), per rig; `runs` says from how
 * many runs a row's kills came when more than one.
 */
export function failoverTable(rows: readonly { rig: string; rounds: readonly Round[]; runs?: number }[]): string {
  const f = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} s` : '-').padStart(8);
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${f(quantile(s, 0.5))} ${f(quantile(s, 0.95))}`;
  };
  const lines = [
    `${''.padEnd(26)} ${''.padStart(5)} ${'failover'.padEnd(17)} ${'detection'.padEnd(17)} ${'after detection'.padEnd(17)} ${'engine: →IP agent'.padEnd(17)} ${'IP agent→VIP up'.padEnd(17)} VIP up→select 1`,
    `${'rig'.padEnd(26)} ${'kills'.padStart(5)}${' median      p95'.padStart(18).repeat(6)}`,
  ];
  for (const r of rows) {
    const seen = r.rounds.filter((x) => x.detection !== undefined);
    // an IP agent seen before the loss was something else (e.g. started by hand): not observed
    const both = seen.filter((x) => x.vipUp !== undefined && x.ipStart !== undefined && x.ipStart >= (x.detection as number));
    lines.push(
      `${r.rig.padEnd(26)} ${String(r.rounds.length).padStart(5)} ${stats(r.rounds.map((x) => x.total))} ${stats(seen.map((x) => x.detection as number))} ${stats(seen.map((x) => x.total - (x.detection as number)))} ${stats(both.map((x) => (x.ipStart as number) - (x.detection as number)))} ${stats(both.map((x) => (x.vipUp as number) - (x.ipStart as number)))} ${stats(both.map((x) => x.total - (x.vipUp as number)))}${(r.runs ?? 1) > 1 ? `  (${r.runs} runs)` : ''}`,
    );
  }
  // The part after the VIP, where most of a failover goes: the kills where every step was seen.
  const split = [
    `${''.padEnd(26)} ${''.padStart(5)} ${'IP agent→its exit'.padEnd(17)} ${'→pgsql agent'.padEnd(17)} ${'pgsql agent→pg_ctl'.padEnd(17)} ${'pg_ctl→ready'.padEnd(17)} ${'ready→agent exit'.padEnd(17)} agent exit→select 1`,
    `${'rig'.padEnd(26)} ${'kills'.padStart(5)}${' median      p95'.padStart(18).repeat(6)}`,
  ];
  for (const r of rows) {
    const all = r.rounds.filter(
      (x): x is Required<Round> =>
        x.vipUp !== undefined &&
        x.ipDone !== undefined &&
        x.pgAgent !== undefined &&
        x.pgCtl !== undefined &&
        x.pgReady !== undefined &&
        x.pgDone !== undefined,
    );
    if (all.length === 0) continue;
    split.push(
      `${r.rig.padEnd(26)} ${String(all.length).padStart(5)} ${stats(all.map((x) => x.ipDone - x.ipStart))} ${stats(all.map((x) => x.pgAgent - x.ipDone))} ${stats(all.map((x) => x.pgCtl - x.pgAgent))} ${stats(all.map((x) => x.pgReady - x.pgCtl))} ${stats(all.map((x) => x.pgDone - x.pgReady))} ${stats(all.map((x) => x.total - x.pgDone))}`,
    );
  }
  return `${lines.join('\n')}\n${split.length > 2 ? `\n${split.join('\n')}\n` : ''}`;
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
  const record = process.env.OCFKIT_BENCH_FAILOVER_RECORD;
  if (record) readRecord(record); // a broken file fails now, not after the kills
  const rows: { rig: string; rounds: Round[]; runs?: number }[] = [];
  for (const kind of wanted) {
    if (kind === 'docker') {
      const missing = nodeDaemonMissing(checkoutRoot());
      if (missing) {
        process.stdout.write(`docker rig not measured: ${missing}\n`);
        continue;
      }
    }
    rows.push({ rig: rigLabel(kind), rounds: await benchRig(kind, kills, record) });
  }
  if (record) {
    // every kill in the file, per rig, not only this run's
    const all = readRecord(record);
    rows.length = 0;
    for (const rig of [...new Set(all.map((r) => r.rig))]) {
      const mine = all.filter((r) => r.rig === rig);
      rows.push({ rig, rounds: mine, runs: new Set(mine.map((r) => r.run)).size });
    }
    process.stdout.write(`\nall ${all.length} kills recorded in ${record}:\n`);
  }
  process.stdout.write(`\n${failoverTable(rows)}`);
  const med = (k: string) => {
    const s = (rows.find((r) => r.rig === rigLabel(k as RigKind))?.rounds ?? []).map((r) => r.total).sort((a, b) => a - b);
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
