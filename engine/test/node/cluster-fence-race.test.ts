/**
 * The two-node fence race on the bundled engine: two `ocfkit node start` in network namespaces
 * (`two_node on`: each half of a split keeps quorum), one fence device whose reboot kills the
 * target's node daemon (a power cut), `pcmk_delay_base=n1:15s;n2:0s` — a static head start for
 * n1. Both links are cut at once: each half elects itself DC and asks to fence the other; n2's
 * request waits 15 s, n1's does not, so n2 is fenced and n1 survives, every round. (A random
 * `pcmk_delay_max` alone lets both die when the draws are close; see engine/src/fencing/README.md.)
 * One round by default; OCFKIT_RIG_FENCE_RACES=N runs N. OCFKIT_RIG_LOGS=DIR keeps the logs.
 */
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../membership/netns-rig';
import { onlineOf as online } from './cluster-rig';
import { FencedNodeRig } from './fenced-node-rig';
import { ocfkit } from './helpers';

const NODES = ['n1', 'n2'];
const ROUNDS = Number(process.env.OCFKIT_RIG_FENCE_RACES ?? 1);
const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

describe.skipIf(missing)(
  'the two-node fence race on the bundled engine (pcmk_delay_base head start)',
  { timeout: 240_000 * ROUNDS },
  () => {
    let f: FencedNodeRig;

    beforeAll(() => {
      if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
        throw new Error(`OCFKIT_RIG_FENCE_RACES=${process.env.OCFKIT_RIG_FENCE_RACES} must be a positive integer`);
      f = new FencedNodeRig(NODES, { pcmk_delay_base: 'n1:15s;n2:0s' });
    });
    afterAll(() => f?.close());

    it(`split both ways ${ROUNDS} time(s): exactly one node survives, n1`, async () => {
      const { c } = f;
      const alive = (n: string) => c.rig.procs.get(n)?.exitCode === null && c.rig.procs.get(n)?.signalCode === null;
      for (const n of NODES) f.start(n);
      for (let round = 1; round <= ROUNDS; round++) {
        await c.until(
          `round ${round}: both nodes online with the device started`,
          NODES,
          (xs) =>
            xs.every(
              (s) =>
                online(s).join() === NODES.join() &&
                s.resources.some((r) => r.kind === 'primitive' && r.id === 'fence-rig' && r.role === 'Started'),
            ),
          120_000,
        );
        const before = f.fenced().length;
        for (const n of NODES) sh('ip', ['-n', c.rig.ns(n), 'link', 'set', 'eth1', 'down']);
        const t0 = performance.now();
        while (NODES.every(alive)) {
          if (performance.now() - t0 > 60_000) throw new Error(`round ${round}: nobody fenced within 60 s`);
          await new Promise((r) => setTimeout(r, 100));
        }
        process.stderr.write(`round ${round}/${ROUNDS}: a node fenced ${((performance.now() - t0) / 1000).toFixed(1)} s after the split\n`);
        // a second kill would follow within the head start: wait it out
        await new Promise((r) => setTimeout(r, 8000));
        const fenced = f.fenced().slice(before);
        expect({ round, survivors: NODES.filter(alive), fenced }).toEqual({ round, survivors: ['n1'], fenced: ['reboot n2'] });
        // n1's fencer ran the device (n2's request was still waiting out its head start)
        const history = (await ocfkit('fence', 'history', 'n2', '--run-dir', c.run('n1'))).out;
        expect(history.split('\n')[0]).toMatch(/^reboot of n2 successful: delegate=n1, devices=fence-rig, origin=n1, /);
        // n2 boots again
        for (const n of NODES) sh('ip', ['-n', c.rig.ns(n), 'link', 'set', 'eth1', 'up']);
        c.wipeRsctmp('n2');
        f.start('n2');
      }
    });
  },
);
