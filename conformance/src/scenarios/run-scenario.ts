import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../checks/findings';
import type { ClusterStatus, Rig } from '../rigs/rig';
import { type AgentsUnderTest, agentName } from './agents-under-test';
import { describeOverlap, overlapOf, samplePostmasters } from './postmaster-sampler';
import type { Action, Expectation, NodeRef, Scenario, Step } from './scenario';
import { seedCib } from './seed-cib';
import { blameStop } from './stop-leftovers';

export const VIP = '10.217.1.100';
const GROUP = ['prmIp', 'prmPg'] as const;
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const POSTMASTER = '^/usr/lib/postgresql/15/bin/postgres';
/** How long what a successful stop left behind may linger (the status read races the process's exit). */
const STOP_GRACE_MS = 3000;
/** The pause between two samples of every node's postmasters (one pgrep per node each). */
const POSTMASTER_SAMPLE_MS = 1000;

/** The verdict on one scenario on one rig. */
export interface ScenarioResult {
  scenario: string;
  summary: string;
  rig: string;
  agents: AgentsUnderTest;
  status: 'passed' | 'failed' | 'skipped';
  /** What held (ok) and what did not, in order, each naming what was seen. */
  findings: Finding[];
  /** Seconds from the fault to what the expectation waited for, by timing label. */
  timings: Record<string, number>;
  /** Things worth knowing that are not failures (e.g. an allowed overlap). */
  notes: string[];
  durationMs: number;
}

interface RunOptions {
  agents: AgentsUnderTest;
  progress?: (line: string) => void;
  /** Multiplies every deadline (a loaded machine); default OCFKIT_RIG_TIME_SCALE or 1. */
  timeScale?: number;
  /** Extra seed options (e.g. a faster monitor). */
  seed?: Parameters<typeof seedCib>[0];
  /** Keep every node's log here when the scenario ends (default OCFKIT_RIG_LOGS). */
  logsDir?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => Math.round(ms / 100) / 10;

class Failure extends Error {}

/** Where grp_pgsql runs: the one node both members are active on, or why there is none. */
export function groupNode(st: ClusterStatus): string | { why: string } {
  const where = GROUP.map((id) => st.resources.get(id)?.nodes ?? []);
  const [ip = [], pg = []] = where;
  if (ip.length === 1 && pg.length === 1 && ip[0] === pg[0]) return ip[0] as string;
  return {
    why: GROUP.map(
      (id, i) => `${id} ${where[i]?.length ? `on ${where[i]?.join('+')}` : 'stopped'}${st.resources.get(id)?.failed ? ' (failed)' : ''}`,
    ).join(', '),
  };
}

/** One line about the cluster for failure reports. */
function describe(st: ClusterStatus): string {
  const res = [...st.resources.values()].map((r) => `${r.id}@${r.nodes.join('+') || '-'}${r.failed ? '(failed)' : ''}`).join(' ');
  const attrs = [...st.attributes.entries()].map(([n, a]) => `${n}:diskcheck_status=${a.diskcheck_status ?? 'unset'}`).join(' ');
  const fc = [...st.failCounts.entries()].map(([k, v]) => `${k}=${v}`).join(' ');
  return `via ${st.via}: online ${st.online.join(',') || 'none'}, DC ${st.dc ?? 'none'}${st.quorate ? '' : ' (no quorum)'}; ${res}; ${attrs}${fc ? `; fail counts ${fc}` : ''}`;
}

/**
 * Runs one scenario on a rig: brings the seed configuration up with the agents under test,
 * interprets the steps, samples the invariants in the background, and tears the rig down.
 *
 * @example
 * const r = await runScenario(rig, SCENARIOS[1], { agents: OCFKIT_AGENTS, progress: console.log });
 * r.status // 'passed'
 */
export async function runScenario(rig: Rig, scenario: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  // the seed's VIP: given, else on the rig's lan (a copy of the rig on other subnets), else the reference rig's
  const vip = o.seed?.vip ?? rig.vip ?? VIP;
  const shared = rig.shared ?? '/shared';
  const say = (m: string) =>
    o.progress?.(
      `  [${scenario.name} ${secs(Date.now() - t0)
        .toFixed(1)
        .padStart(5)}s] ${m}`,
    );
  const findings: Finding[] = [];
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  const ok = (message: string) => {
    findings.push({ ok: true, message });
    say(`ok   ${message}`);
  };
  const ctx = { active: '', victim: '', rows: 0, lastAction: Date.now(), lastStatus: undefined as ClusterStatus | undefined };
  const violations: string[] = [];
  const activeTwice = () => `active twice (${violations.length} samples):\n  ${violations.slice(0, 5).join('\n  ')}`;
  const scale = o.timeScale ?? Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`time scale ${scale} (OCFKIT_RIG_TIME_SCALE) must be a positive number`);
  let sampling = true;

  const status = async (via?: string): Promise<ClusterStatus> => {
    const st = await rig.status(via);
    ctx.lastStatus = st;
    return st;
  };

  const nodeOf = (ref: NodeRef): string => (ref === 'active' ? ctx.active : ctx.victim);

  const sql = async (query: string, timeoutMs = 8000) =>
    rig.client([PSQL, '-h', vip, '-U', 'postgres', '-d', 'postgres', '-Atq', '-v', 'ON_ERROR_STOP=1', '-c', query], {
      timeoutMs: timeoutMs * scale,
    });

  async function fail(message: string, node?: string): Promise<never> {
    const st = await status().catch(() => undefined);
    const lines = [message];
    if (st) lines.push(`cluster: ${describe(st)}`);
    const placed = st ? GROUP.flatMap((id) => st.resources.get(id)?.nodes ?? [])[0] : undefined;
    const who = node || ctx.victim || ctx.active || placed || rig.nodes[0];
    if (who && (await rig.isUp(who))) {
      const log = await rig.exec(
        who,
        ['sh', '-c', 'grep -hE "prmIp|prmPg|prmDiskd" /var/log/pacemaker/pacemaker.log 2>/dev/null | grep -vE "debug|trace" | tail -12'],
        {
          timeoutMs: 10_000,
        },
      );
      if (log.stdout.trim()) lines.push(`${who}'s cluster log (last lines about the resources):\n${log.stdout.trimEnd()}`);
      // the stops' results with their exit reasons: later lines about the other nodes push them out of the tail above
      const stops = await rig.exec(
        who,
        [
          'sh',
          '-c',
          'grep -hE "(prmIp|prmPg) stop \\(call|(pgsql|IPaddr2?)\\(prm(Ip|Pg)\\).*(ERROR|WARNING)" /var/log/pacemaker/pacemaker.log 2>/dev/null | tail -6',
        ],
        { timeoutMs: 10_000 },
      );
      if (stops.stdout.trim()) lines.push(`${who}'s stops of grp_pgsql (results, errors):\n${stops.stdout.trimEnd()}`);
    }
    throw new Failure(lines.join('\n'));
  }

  // invariants, sampled while the scenario runs
  async function sampleVip(): Promise<void> {
    while (sampling) {
      // one request (-i 5 leaves no time for a second within -w 1), up to two answers
      const r = await rig
        .client(['arping', '-c', '2', '-w', '1', '-i', '5', '-I', 'eth0', vip], { timeoutMs: 5000 })
        .catch(() => undefined);
      const macs = new Set([...(r?.stdout ?? '').matchAll(/\[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1]?.toLowerCase()));
      if (macs.size > 1)
        violations.push(
          `${secs(Date.now() - t0)} s: the VIP ${vip} answered one ARP request from ${macs.size} MACs (${[...macs].join(', ')})`,
        );
      await sleep(300);
    }
  }
  async function sampleStatus(): Promise<void> {
    while (sampling) {
      const st = await rig.status().catch(() => undefined);
      if (st)
        for (const id of GROUP) {
          const n = st.resources.get(id)?.nodes ?? [];
          if (n.length > 1) violations.push(`${secs(Date.now() - t0)} s: ${id} active on ${n.join(' and ')} (${st.via}'s view)`);
        }
      await sleep(1500);
    }
  }

  // two postmasters on the shared data directory, at any moment of the run (not only once settled):
  // one pgrep per node; when two nodes have one, a second sample at once proves they overlapped
  async function samplePostmasterOverlap(): Promise<void> {
    const pgdata = o.seed?.pgdata ?? `${shared}/pgdata`;
    while (sampling) {
      const at = Date.now();
      const first = await samplePostmasters(rig, POSTMASTER, 5000 * scale);
      if (first.size > 1) {
        const second = await samplePostmasters(rig, POSTMASTER, 5000 * scale);
        const overlap = overlapOf(first, second);
        if (overlap.length > 0) {
          // whose fault, while it is there to see: a node the cluster already counts as stopped
          const st = await rig.status().catch(() => undefined);
          const blame = st ? overlap.flatMap(([n]) => blameStop(st, n, { vip: false, postmaster: true }, o.agents)) : [];
          violations.push(
            `${secs(at - t0)} s: ${describeOverlap(overlap, pgdata, Date.now() - at)}${blame.length ? `: ${blame.join('; ')}` : ''}`,
          );
        }
      }
      await sleep(POSTMASTER_SAMPLE_MS);
    }
  }

  async function waitFor<T>(label: string, within: number, probe: () => Promise<T | { why: string }>): Promise<T> {
    const deadline = ctx.lastAction + within * scale * 1000;
    let why = 'not checked';
    for (;;) {
      const r = await probe().catch((e: Error) => {
        if (e instanceof Failure) throw e;
        return { why: e.message };
      });
      if (!(r !== null && typeof r === 'object' && 'why' in r)) return r as T;
      why = r.why;
      // what the samplers saw is the finding, not this wait running out (a VIP left on the old node
      // also keeps select 1 from working through it)
      if (violations.length > 0 && !scenario.overlapAllowed) return fail(activeTwice());
      if (Date.now() > deadline) return fail(`${label}: not within ${within * scale} s of the last action (last seen: ${why})`);
      await sleep(400);
    }
  }

  async function waitAttr(node: string, name: string, value: string, within: number): Promise<void> {
    await waitFor(`${name}=${value} on ${node}`, within, async () => {
      const st = await status();
      const v = st.attributes.get(node)?.[name];
      return v === value ? true : { why: `${name}=${v ?? 'unset'} on ${node}` };
    });
  }

  async function groupRunning(where: 'same' | 'elsewhere' | 'anywhere'): Promise<string | { why: string }> {
    const st = await status();
    const n = groupNode(st);
    if (typeof n !== 'string') return n;
    if (where === 'same' && n !== ctx.active) return { why: `grp_pgsql on ${n}, expected it where it was, on ${ctx.active}` };
    if (where === 'elsewhere' && n === ctx.victim) return { why: `grp_pgsql still on ${n}` };
    const addr = await rig.exec(n, ['ip', '-o', '-4', 'addr', 'show'], { timeoutMs: 5000 * scale });
    if (addr.code !== 0) return { why: `grp_pgsql on ${n}, but listing its addresses failed: ${addr.stderr.trim()}` };
    if (!addr.stdout.includes(` ${vip}/`)) return { why: `the cluster says grp_pgsql is on ${n}, but ${vip} is not on its interfaces` };
    const q = await sql('select 1', 5000 * scale);
    if (q.code !== 0 || q.stdout.trim() !== '1')
      return { why: `grp_pgsql on ${n}, but select 1 through ${vip} failed: ${q.stderr.trim() || q.stdout.trim()}` };
    return n;
  }

  async function leftovers(node: string): Promise<string[]> {
    if (!(await rig.isUp(node))) return [];
    const out: string[] = [];
    const addr = await rig.exec(node, ['ip', '-o', '-4', 'addr', 'show'], { timeoutMs: 5000 * scale });
    if (addr.code !== 0) out.push(`listing ${node}'s addresses failed: ${addr.stderr.trim()}`);
    if (addr.stdout.includes(` ${vip}/`)) out.push(`${vip} still on ${node}'s interfaces`);
    const pm = await rig.exec(node, ['pgrep', '-f', POSTMASTER], { timeoutMs: 5000 * scale });
    if (pm.code === 0) out.push(`a postmaster still runs on ${node} (pid ${pm.stdout.trim().split('\n').join(', ')})`);
    if (out.length > 0) {
      const st = await status().catch(() => undefined);
      if (st) out.push(...blameStop(st, node, { vip: addr.stdout.includes(` ${vip}/`), postmaster: pm.code === 0 }, o.agents));
    }
    return out;
  }

  async function act(a: Action): Promise<void> {
    if (a.do === 'write-row') {
      // idempotent, so a retry after a client-side timeout cannot count a row twice
      const token = `row-${ctx.rows + 1}`;
      const insert = `insert into rig_rows(token, at) select '${token}', now()::text where not exists (select 1 from rig_rows where token = '${token}')`;
      let r = await sql(insert);
      for (let i = 0; r.code !== 0 && i < 10; i++) {
        await sleep(1000);
        r = await sql(insert);
      }
      if (r.code !== 0) await fail(`could not write a row through ${vip}: ${r.stderr.trim()}`);
      ctx.rows++;
      say(`wrote ${token}`);
      return;
    }
    const node = nodeOf(a.node);
    if (!node) await fail(`step ${a.do}: no ${a.node} node known`);
    if (a.node === 'active') ctx.victim = node;
    say(`${a.do} ${node}`);
    ctx.lastAction = Date.now();
    switch (a.do) {
      case 'kill-node':
        await rig.kill(node);
        break;
      case 'start-node':
        await rig.start(node);
        break;
      case 'kill-postmaster': {
        const pidFile = `${shared}/pgdata/postmaster.pid`;
        const r = await rig.exec(node, ['sh', '-c', 'kill -9 "$(head -1 "$1")"', 'sh', pidFile], { timeoutMs: 10_000 });
        if (r.code !== 0) await fail(`kill -9 of the postmaster on ${node} failed: ${r.stderr.trim()}`, node);
        break;
      }
      case 'disk-readonly': {
        const r = await rig.remount(node, shared, 'ro');
        if (r.code !== 0) await fail(`remounting ${shared} read-only on ${node} failed (exit ${r.code}): ${r.stderr.trim()}`, node);
        break;
      }
      case 'isolate':
        await rig.isolate(node);
        break;
      case 'reconnect':
        await rig.reconnect(node);
        break;
    }
    ctx.lastAction = Date.now();
  }

  async function expect(e: Expectation): Promise<void> {
    const started = ctx.lastAction;
    const timed = (label: string | undefined) => {
      if (label) timings[label] = secs(Date.now() - started);
      return label ? ` after ${timings[label]} s` : '';
    };
    switch (e.expect) {
      case 'group-running': {
        const n = await waitFor(`grp_pgsql running ${e.where === 'anywhere' ? '' : `${e.where} `}with the VIP answering`, e.within, () =>
          groupRunning(e.where),
        );
        const prev = ctx.active;
        ctx.active = n;
        ok(`grp_pgsql runs on ${n}${prev && n !== prev ? ` (was ${prev})` : ''}, ${vip} answers and select 1 works${timed(e.timing)}`);
        return;
      }
      case 'attribute': {
        const node = nodeOf(e.node);
        await waitAttr(node, e.name, e.value, e.within);
        ok(`${e.name}=${e.value} on ${node}${timed(e.timing)}`);
        return;
      }
      case 'stopped-on': {
        const node = nodeOf(e.node);
        // Leftovers the cluster already counts as stopped (a stop that returned success) are an
        // agent's fault, not slowness: failed once they outlast a short grace, not waited out (a
        // postmaster left running is shut down by PostgreSQL itself within a minute when another
        // node's rewrites its postmaster.pid, which hid Debian's pgsql stop behind a long deadline)
        let blamedSince: number | undefined;
        await waitFor(`nothing of grp_pgsql left on ${node}`, e.within, async () => {
          const left = await leftovers(node);
          if (left.length === 0) return true;
          if (!left.some((l) => l.startsWith('the cluster counts'))) blamedSince = undefined;
          else if (blamedSince === undefined) blamedSince = Date.now();
          else if (Date.now() - blamedSince >= STOP_GRACE_MS * scale)
            await fail(
              `nothing of grp_pgsql left on ${node}, ${secs(Date.now() - blamedSince)} s after the cluster counted it stopped: ${left.join('; ')}`,
              node,
            );
          return { why: left.join('; ') };
        });
        ok(`nothing of grp_pgsql left on ${node} (no VIP, no postmaster)${timed(e.timing)}`);
        return;
      }
      case 'all-online': {
        await waitFor('every node a member', e.within, async () => {
          const st = await status(ctx.active || undefined);
          const missing = rig.nodes.filter((n) => !st.online.includes(n));
          return missing.length === 0 ? true : { why: `${missing.join(', ')} not online in ${st.via}'s view` };
        });
        ok(`all ${rig.nodes.length} nodes online${timed(e.timing)}`);
        return;
      }
      case 'rows-intact': {
        const tokens = Array.from({ length: ctx.rows }, (_, i) => `'row-${i + 1}'`).join(',');
        const r = await sql(`select count(*) from rig_rows where token in (${tokens})`);
        const n = Number(r.stdout.trim());
        if (r.code !== 0 || n !== ctx.rows)
          await fail(`rows lost: ${ctx.rows} written, ${r.code === 0 ? `${n} found` : `count failed: ${r.stderr.trim()}`}`);
        ok(`all ${ctx.rows} rows written so far are there`);
        return;
      }
      case 'settled': {
        const end = Date.now() + e.seconds * 1000;
        while (Date.now() < end) {
          const running = await Promise.all(rig.nodes.map(async (n) => ((await rig.isUp(n)) ? n : '')));
          const pms: string[] = [];
          const vips: string[] = [];
          for (const n of running.filter(Boolean)) {
            const left = await leftovers(n);
            if (left.some((l) => l.includes('postmaster'))) pms.push(n);
            if (left.some((l) => l.includes(vip))) vips.push(n);
          }
          if (pms.length > 1) await fail(`a postmaster runs on ${pms.join(' and ')} at once (shared data directory!)`);
          if (vips.length > 1) await fail(`${vip} is up on ${vips.join(' and ')} at once`);
          await sleep(500);
        }
        ok(`settled for ${e.seconds} s: at most one postmaster and one VIP across the nodes`);
        return;
      }
    }
  }

  const result = (status: ScenarioResult['status']): ScenarioResult => ({
    scenario: scenario.name,
    summary: scenario.summary,
    rig: rig.kind,
    agents: o.agents,
    status,
    findings,
    timings,
    notes,
    durationMs: Date.now() - t0,
  });

  let samplers: Promise<void>[] = [];
  try {
    say(`seed: ${agentName(o.agents.ip)} + ${agentName(o.agents.pgsql)} in grp_pgsql, ${agentName(o.agents.diskcheck)} clone`);
    await rig.up(
      seedCib({
        ...(rig.shared ? { pgdata: `${shared}/pgdata`, diskDir: shared } : {}),
        ...o.seed,
        vip,
        agents: o.agents,
        nodes: rig.nodes,
      }),
      say,
    );
    ctx.lastAction = Date.now();
    await expect({ expect: 'group-running', where: 'anywhere', within: 120, timing: 'seed started' });
    ctx.lastAction = Date.now();
    for (const n of rig.nodes) await waitAttr(n, 'diskcheck_status', 'normal', 60);
    ok(`diskcheck_status=normal on ${rig.nodes.join(', ')}`);
    const mk = await sql('create table if not exists rig_rows(token text primary key, at text)');
    if (mk.code !== 0) await fail(`could not create the test table through ${vip}: ${mk.stderr.trim()}`);
    await act({ do: 'write-row' });
    samplers = [sampleVip(), sampleStatus(), samplePostmasterOverlap()];
    for (const step of scenario.steps as Step[]) {
      if ('do' in step) await act(step);
      else await expect(step);
      if (violations.length > 0 && !scenario.overlapAllowed) break;
    }
    sampling = false;
    await Promise.all(samplers);
    if (violations.length > 0) {
      if (scenario.overlapAllowed) notes.push(`${scenario.overlapAllowed}: ${violations.length} samples, first: ${violations[0]}`);
      else await fail(activeTwice());
    }
    return result('passed');
  } catch (err) {
    sampling = false;
    await Promise.all(samplers);
    findings.push({ ok: false, message: err instanceof Failure ? err.message : `rig error: ${(err as Error).stack ?? err}` });
    say(`FAIL ${(err as Error).message.split('\n')[0]}`);
    return result('failed');
  } finally {
    await keepLogs(rig, scenario.name, o.logsDir ?? process.env.OCFKIT_RIG_LOGS).catch((err: Error) =>
      say(`could not keep the node logs: ${err.message}`),
    );
    await rig.down().catch(() => undefined);
  }
}

/**
 * Writes every node's log to `<dir>/<scenario>-<rig>-<node>.log` before the rig goes (for a
 * post-mortem), and the node's log files (pacemaker.log, corosync.log) to
 * `<dir>/<scenario>-<rig>-<node>-<file>`.
 */
async function keepLogs(rig: Rig, scenario: string, dir: string | undefined): Promise<void> {
  if (!dir) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const n of rig.nodes) {
    const base = join(dir, `${scenario}-${rig.kind}-${n}`);
    writeFileSync(`${base}.log`, await rig.logs(n, 100_000), { mode: 0o600 });
    for (const [name, text] of Object.entries((await rig.logFiles?.(n)) ?? {})) writeFileSync(`${base}-${name}`, text, { mode: 0o600 });
  }
}
