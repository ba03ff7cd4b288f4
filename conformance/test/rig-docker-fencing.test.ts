import { describe, expect, it } from 'vitest';
import type { Rig } from '../src/rigs/rig';
import { groupNode } from '../src/scenarios/run-scenario';
import { createFencedRig } from './fenced-rig';
import { healPair, RIG_PREFIX, raceRounds, rigLog, rigTestsMissing, splitPair, untilFenced } from './rig-gate';
import { until } from './rig-until';

// Issue 16's proofs on ocfkit's bundled engine: the docker rig (`ocfkit node start` in the
// containers of docker-compose.yml) with stonith:fence_ocfkit_docker reaching the Docker API over
// mutual TLS, stonith-action=off (a fenced node's container stays down). Opt-in and run alone, as
// rig-docker.test.ts: OCFKIT_RIG_TESTS=1 npx vitest run conformance/test/rig-docker-fencing.test.ts
// (OCFKIT_RIG_COMPOSE: a copy of the rig on other subnets). The two-node race runs on demand:
// OCFKIT_RIG_FENCE_RACES=N rounds.
const optIn = process.env.OCFKIT_RIG_TESTS === '1';
const missing = optIn ? rigTestsMissing() : true;
const composeFile = process.env.OCFKIT_RIG_COMPOSE ? { composeFile: process.env.OCFKIT_RIG_COMPOSE } : {};
const scale = Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);
const OCFKIT = ['/usr/local/bin/node', '/opt/ocfkit/conformance/bin/ocfkit.js'];

async function ocfkit(rig: Rig, node: string, ...argv: string[]): Promise<string> {
  const r = await rig.exec(node, [...OCFKIT, ...argv], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`ocfkit ${argv.join(' ')} on ${node}: exit ${r.code} ${r.stderr.trim()}`);
  return r.stdout;
}

/** The node daemon's log lines (syslog-style timestamps, second resolution) with their time. */
function stamped(log: string): { at: number; line: string }[] {
  const year = new Date().getFullYear();
  return log.split('\n').flatMap((line) => {
    const m = /^([A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2}) /.exec(line);
    return m ? [{ at: Date.parse(`${m[1]} ${year}`), line }] : [];
  });
}

describe.skipIf(missing)('fencing on the bundled engine: stonith:fence_ocfkit_docker on the docker rig (issue 16)', () => {
  it('a cut-off node is fenced for real before grp_pgsql starts elsewhere; a failing device blocks recovery and shows in ocfkit status', async () => {
    // stonith-max-attempts 3: a device that keeps failing is not hammered; the next change retries
    const f = createFencedRig({ project: `${RIG_PREFIX}-dfence`, kind: 'docker', maxAttempts: 3, ...composeFile });
    const { rig } = f;
    try {
      await f.up(rigLog);
      const active = await until('grp_pgsql running', 180, async () => groupNode(await rig.status()));
      const survivors = rig.nodes.filter((n) => n !== active);

      // 1. the node running the group is cut off both bridges: the majority fences it, then recovers
      rigLog(`isolating ${active} (grp_pgsql runs there)`);
      const t0 = Date.now();
      await rig.isolate(active);
      await until(`${active}'s container killed by the fence device`, 120, async () =>
        (await rig.isUp(active)) ? { why: 'still running' } : true,
      );
      rigLog(`${active} fenced after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const moved = await until('grp_pgsql recovered on a survivor', 120, async () => groupNode(await rig.status(survivors[0])));
      expect(survivors).toContain(moved);
      // the DC's log: "fencing NODE: done" before the first start of the group elsewhere
      const dc = (await rig.status(survivors[0])).dc as string;
      const lines = stamped(await rig.logs(dc, 2000));
      const done = lines.findIndex((l) => l.line.includes(`fencing ${active}: done`));
      const start = lines.findIndex((l, i) => i > done && /initiating prmIp_start_0 on /.test(l.line));
      expect(done, `"fencing ${active}: done" in ${dc}'s log`).toBeGreaterThanOrEqual(0);
      expect(start, `prmIp started after the fencing in ${dc}'s log`).toBeGreaterThan(done);
      expect(lines.slice(0, done).some((l) => /initiating prmIp_start_0 on /.test(l.line) && l.at >= t0 - 1000)).toBe(false);
      expect(lines[start]?.at).toBeGreaterThanOrEqual(lines[done]?.at as number);
      rigLog(`${dc}: ${lines[done]?.line}\n${dc}: ${lines[start]?.line}`);
      const history = await ocfkit(rig, survivors[0] as string, 'fence', 'history', active);
      expect(history).toMatch(new RegExp(`^off of ${active} successful: delegate=node\\d, devices=fenceDocker, origin=${dc}`, 'm'));

      // the fenced node boots and rejoins
      await rig.reconnect(active);
      await rig.start(active);
      await until('every node online again', 180, async () => {
        const st = await rig.status(survivors[0]);
        const off = rig.nodes.filter((n) => !st.online.includes(n));
        return off.length ? { why: `${off.join(', ')} not online` } : true;
      });

      // 2. the device fails (its API endpoint is gone): the node running the group is cut off again,
      // fencing fails, recovery waits (nothing started on the majority) and ocfkit status says why
      const victim = await until('grp_pgsql running', 120, async () => groupNode(await rig.status()));
      const majority = rig.nodes.filter((n) => n !== victim);
      const via = majority[0] as string;
      await f.endpoint(false);
      rigLog(`fence endpoint stopped; isolating ${victim}`);
      await rig.isolate(victim);
      const failed = await until('a failed fencing in ocfkit status', 180, async () => {
        const text = await ocfkit(rig, via, 'status');
        return new RegExp(`Failed Fencing Actions:\\n  \\* off of ${victim} failed: `).test(text) ? text : { why: text };
      });
      rigLog(failed);
      for (let i = 0; i < 5; i++) {
        const st = await rig.status(via);
        expect(
          majority.filter((n) => st.resources.get('prmIp')?.nodes.includes(n) || st.resources.get('prmPg')?.nodes.includes(n)),
        ).toEqual([]);
        expect(await rig.isUp(victim)).toBe(true);
        await new Promise((r) => setTimeout(r, 2000 * scale));
      }
      // the device is back; a cleanup is the change that retries it (stonith-max-attempts gave up)
      await f.endpoint(true);
      await ocfkit(rig, via, 'resource', 'cleanup', 'prmIp');
      await until(`${victim} fenced once the device works`, 180, async () => ((await rig.isUp(victim)) ? { why: 'still running' } : true));
      const again = await until('grp_pgsql recovered on the majority', 120, async () => groupNode(await rig.status(via)));
      expect(majority).toContain(again);
      expect(f.refused()).toEqual([]);
    } finally {
      await f.down();
    }
  }, 1_800_000);

  it.skipIf(raceRounds() === undefined)(
    'two-node cluster with a pcmk_delay_base head start: split both ways, exactly one node (the favoured one) survives each time',
    async () => {
      const rounds = raceRounds() as number;
      const head = 15 * scale;
      const f = createFencedRig({
        project: `${RIG_PREFIX}-drace`,
        kind: 'docker',
        nodes: ['node1', 'node2'],
        deviceParams: { pcmk_delay_base: `node1:${head}s;node2:0s` },
        timeout: `${60 + head}s`,
        ...composeFile,
      });
      const { rig } = f;
      try {
        await f.up(rigLog);
        for (let i = 1; i <= rounds; i++) {
          for (const via of rig.nodes)
            await until(`round ${i}: both nodes online in ${via}'s view`, 120, async () => {
              const st = await rig.status(via);
              return st.online.length === 2 ? true : { why: `online: ${st.online.join(', ')}` };
            });
          await splitPair(rig);
          const t0 = Date.now();
          await untilFenced(rig, `round ${i}: a node fenced`, 120);
          const fencedAfter = (Date.now() - t0) / 1000;
          await new Promise((r) => setTimeout(r, 8000));
          const up = [];
          for (const n of rig.nodes) if (await rig.isUp(n)) up.push(n);
          rigLog(`round ${i}/${rounds}: fenced after ${fencedAfter.toFixed(1)} s; survivor: ${up.join('+') || 'none'}`);
          expect(up, `round ${i}: exactly one survivor, node1`).toEqual(['node1']);
          await healPair(rig, 'node1', 'node2');
          await rig.start('node2');
        }
        expect(f.refused()).toEqual([]);
      } finally {
        await f.down();
      }
    },
    3_600_000,
  );
});
