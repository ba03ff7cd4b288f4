import { describe, expect, it } from 'vitest';
import type { Rig } from '../src/rigs/rig';
import { groupNode } from '../src/scenarios/run-scenario';
import { createFencedRig } from './fenced-rig';
import { healPair, RIG_PREFIX, raceRounds, rigLog, rigTestsMissing, splitPair, untilFenced } from './rig-gate';
import { until, type Why } from './rig-until';

// Issue 16's proofs on real Pacemaker 2.1 + Corosync 3 (the pacemaker rig of docker-compose.yml):
// stonith:fence_ocfkit_docker (the SDK's reference fence agent) as a Pacemaker stonith resource,
// reaching the Docker API over mutual TLS. stonith-action=off, so a fenced node's container stays
// down where the test can see it. OCFKIT_RIG_COMPOSE (a copy of docker-compose.yml and its config
// on other subnets) runs these beside another rig.
//
// The two-node race runs on demand: OCFKIT_RIG_FENCE_RACES rounds (the proof: 20). Its
// device gives node1 a *static* head start (pcmk_delay_base=node1:15s;node2:0s): fencing node2
// starts at once, fencing node1 only after 15 s, by which time node1 has killed node2. A random
// delay alone (pcmk_delay_max=15s, as this test had before) is not safe: a CI run saw both nodes
// fenced 5.1 s after the split — the two draws were closer than the time one fencing takes, so
// both requests were already running when the first kill landed. pcmk_delay_max cannot fix that
// on one device either (it is per device, not per target, and caps the base). Pacemaker's other
// answer is priority-fencing-delay (the node running the higher-priority resources wins).
const missing = rigTestsMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const scale = Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);
const composeFile = process.env.OCFKIT_RIG_COMPOSE ? { composeFile: process.env.OCFKIT_RIG_COMPOSE } : {};
/**
 * The race's favoured node, and how long fencing it waits (the other is fenced at once). The head
 * start must outlast the favoured side's whole way to a kill (detection, a DC elected in its half,
 * the scheduler, the fence agent): 15 s on a quiet machine; a run at load 10 with a 5 s token saw
 * that take more than 15 s once, so it grows with OCFKIT_RIG_TIME_SCALE.
 */
const FAVOURED = 'node1';
const HEAD_START_S = 15 * scale;

/** One fencing event of `stonith_admin --history NODE --output-as=xml`. */
interface FenceEvent {
  action: string;
  target: string;
  delegate: string;
  status: string;
}

async function fenceHistory(rig: Rig, via: string, target: string): Promise<FenceEvent[]> {
  const r = await rig.exec(via, ['stonith_admin', '--history', target, '--output-as=xml'], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`stonith_admin --history ${target} on ${via}: exit ${r.code} ${r.stderr.trim()}`);
  return [...r.stdout.matchAll(/<fence_event\b([^>]*)\/?>/g)].map((m) => {
    const a = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '';
    return { action: a('action'), target: a('target'), delegate: a('delegate'), status: a('status') };
  });
}

/** Waits until `via`'s fencing history has a successful `off` of `target` (recorded just after the kill). */
async function fencedInHistory(rig: Rig, via: string, target: string): Promise<FenceEvent> {
  return until(`stonith_admin --history ${target} on ${via} showing a successful off`, 60, async () => {
    const ev = await fenceHistory(rig, via, target);
    return ev.find((e) => e.action === 'off' && e.target === target && e.status === 'success') ?? { why: JSON.stringify(ev) };
  });
}

/** pacemaker-fenced's "Delaying 'off' action targeting NODE using DEVICE for Ns" lines on a node, oldest first. */
async function delayLines(rig: Rig, node: string): Promise<string[]> {
  const r = await rig.exec(node, ['grep', '-h', "Delaying 'off' action", '/var/log/pacemaker/pacemaker.log'], { timeoutMs: 20_000 });
  return r.stdout.split('\n').filter(Boolean);
}

async function allOnline(rig: Rig, via: string, nodes: readonly string[]): Promise<true | Why> {
  const st = await rig.status(via);
  const off = nodes.filter((n) => !st.online.includes(n));
  if (off.length) return { why: `${off.join(', ')} not online in ${via}'s view` };
  if (!st.resources.get('fenceDocker')?.nodes.length) return { why: 'fenceDocker not started' };
  return true;
}

describe.skipIf(missing)('fencing on the pacemaker rig: stonith:fence_ocfkit_docker (issue 16)', () => {
  it('fences a cut-off node and a node whose stop failed (on-fail=fence); stonith_admin --history shows both', async () => {
    const f = createFencedRig({ project: `${RIG_PREFIX}-fence`, ...composeFile });
    const { rig } = f;
    try {
      await f.up(rigLog);
      const active = await until('grp_pgsql running', 150, async () => {
        const n = groupNode(await rig.status());
        return n;
      });
      const survivors = rig.nodes.filter((n) => n !== active);
      const via = survivors[0] as string;
      // Pacemaker registered the device and knows it can fence the victim
      const can = await rig.exec(via, ['stonith_admin', '--list', active], { timeoutMs: 20_000 });
      expect(can.stdout).toContain('fenceDocker');

      // 1. a node cut off every link: the survivors (2 of 3, quorate) fence it, then recover the group
      rigLog(`isolating ${active} (grp_pgsql runs there)`);
      const t0 = Date.now();
      await rig.isolate(active);
      await until(`${active}'s container killed by the fence device`, 90, async () =>
        (await rig.isUp(active)) ? { why: 'still running' } : true,
      );
      rigLog(`${active} fenced after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const event = await fencedInHistory(rig, via, active);
      expect(survivors).toContain(event.delegate);
      const moved = await until('grp_pgsql recovered on a survivor', 90, async () => {
        const n = groupNode(await rig.status(via));
        return n;
      });
      expect(survivors).toContain(moved);

      // the fenced node boots again and rejoins
      await rig.reconnect(active);
      await rig.start(active);
      await until('every node online again', 120, () => allOnline(rig, via, rig.nodes));

      // 2. a stop that fails with on-fail=fence: the node is fenced (never "stopped" by assumption)
      const xml =
        '<primitive id="prmStopFails" class="ocf" provider="mutant" type="StopFails"><operations>' +
        '<op id="prmStopFails-monitor-10s" name="monitor" interval="10s" timeout="30s"/>' +
        '<op id="prmStopFails-stop-0s" name="stop" interval="0s" timeout="30s" on-fail="fence"/>' +
        '</operations></primitive>';
      const mk = await rig.exec(via, ['cibadmin', '-C', '-o', 'resources', '-X', xml], { timeoutMs: 30_000 });
      expect(mk.code, mk.stderr).toBe(0);
      const where = await until('prmStopFails started', 90, async () => {
        const n = (await rig.status(via)).resources.get('prmStopFails')?.nodes ?? [];
        return n.length === 1 ? (n[0] as string) : { why: `prmStopFails on ${n.join('+') || 'no node'}` };
      });
      const other = rig.nodes.find((n) => n !== where) as string;
      rigLog(`prmStopFails runs on ${where}; stopping it (its stop fails)`);
      const stop = await rig.exec(other, ['crm_resource', '-r', 'prmStopFails', '--meta', '-p', 'target-role', '-v', 'Stopped'], {
        timeoutMs: 30_000,
      });
      expect(stop.code, stop.stderr).toBe(0);
      await until(`${where} fenced after the failed stop`, 90, async () => ((await rig.isUp(where)) ? { why: 'still running' } : true));
      const after = await fencedInHistory(rig, other, where);
      expect(after.delegate).not.toBe(where);
      expect(f.refused()).toEqual([]);
    } finally {
      await f.down();
    }
  }, 1_500_000);

  it.skipIf(raceRounds() === undefined)(
    'two-node cluster with a pcmk_delay_base head start: split both ways, exactly one node (the favoured one) survives each time',
    async () => {
      const rounds = raceRounds() as number;
      const f = createFencedRig({
        project: `${RIG_PREFIX}-race`,
        nodes: ['node1', 'node2'],
        deviceParams: { pcmk_delay_base: `${FAVOURED}:${HEAD_START_S}s;node2:0s` },
        // a static delay counts against stonith-timeout (Pacemaker adds only pcmk_delay_max to it)
        timeout: `${60 + HEAD_START_S}s`,
        ...composeFile,
      });
      const { rig } = f;
      const survivors: string[] = [];
      try {
        await f.up(rigLog);
        for (let i = 1; i <= rounds; i++) {
          await until(`round ${i}: both nodes online with the device started`, 120, () => allOnline(rig, 'node1', rig.nodes));
          await until(`round ${i}: both nodes online in node2's view`, 60, () => allOnline(rig, 'node2', rig.nodes));
          // each node's fence delays logged so far: the round's own come after these
          const delaysBefore = new Map(await Promise.all(rig.nodes.map(async (n) => [n, (await delayLines(rig, n)).length] as const)));
          // a symmetric split of both heartbeat links; the fencing endpoint (the lan gateway) stays reachable
          await splitPair(rig);
          const t0 = Date.now();
          const firstDown = await untilFenced(rig, `round ${i}: a node fenced`, 90);
          const fencedAfter = (Date.now() - t0) / 1000;
          // a late second kill would come within a few seconds of the first (an in-flight request)
          await sleep(8000);
          const up = [];
          for (const n of rig.nodes) if (await rig.isUp(n)) up.push(n);
          rigLog(
            `round ${i}/${rounds}: ${firstDown.join('+')} fenced after ${fencedAfter.toFixed(1)} s; survivor: ${up.join('+') || 'none'}`,
          );
          if (up.length === 1 && up[0] !== FAVOURED) {
            // what the survivor's fencer did, to tell a slow favoured side from a wrong delay
            const r = await rig.exec(up[0] as string, [
              'grep',
              '-hE',
              'Requesting fencing|Delaying|Operation .off.|Peer .* was',
              '/var/log/pacemaker/pacemaker.log',
            ]);
            rigLog(r.stdout.split('\n').slice(-12).join('\n'));
          }
          expect(up, `round ${i}: exactly one survivor, the favoured node`).toEqual([FAVOURED]);
          const survivor = up[0] as string;
          const loser = rig.nodes.find((n) => n !== survivor) as string;
          survivors.push(survivor);
          expect((await fencedInHistory(rig, survivor, loser)).delegate).toBe(survivor);
          await healPair(rig, survivor, loser);
          await rig.start(loser);
          // both sides raced: the loser asked to fence the favoured node with the head start (its log
          // says so, unless it was fenced before it decided); the favoured node's request had no delay
          const delays = await Promise.all(
            [survivor, loser].map(async (n) => {
              const peer = n === survivor ? loser : survivor;
              const line = (await delayLines(rig, n)).slice(delaysBefore.get(n) ?? 0).find((l) => l.includes(`targeting ${peer}`));
              return `${n}→${peer}: ${/ for (\d+s)/.exec(line ?? '')?.[1] ?? 'none logged'}`;
            }),
          );
          rigLog(`round ${i}: delays ${delays.join(', ')}`);
        }
        rigLog(`survivors: ${survivors.join(', ')}`);
        expect(f.refused()).toEqual([]);
      } finally {
        await f.down();
      }
    },
    3_600_000,
  );
});
