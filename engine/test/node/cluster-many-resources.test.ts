/**
 * Three `ocfkit node start` daemons in network namespaces (the cluster rig) with 300 primitives:
 * every node's status section is then far larger than one UDP datagram (64 KB), so the DC's
 * status push to its members, and each member's own history to a new DC, travel as messages cut
 * into parts. The DC must see every resource's state, the members must show the same, and after
 * kill -9 of the DC the new DC must take the members' large histories (nothing probed again).
 *
 * The agent is a few lines of /bin/sh (a state file per instance in the node's HA_RSCTMP): 300
 * resources probed on three nodes are 900 agent runs, which bash and ocf-shellfuncs would make
 * the slowest part of the test. OCFKIT_RIG_LOGS=DIR keeps the daemons' logs.
 *
 * Each node's event-loop delay and heartbeat gaps are printed after the first step (not asserted:
 * timing). OCFKIT_RIG_HOGS=N runs N CPU hogs (`yes > /dev/null`, in this test's cgroup) for the
 * whole test, to measure how late heartbeats come under CPU starvation.
 *
 * On demand (OCFKIT_RIG_MANY=1): about 3 minutes of both cores, too long for every CI run.
 * It failed until the membership ran on a thread of its own and the DC's status went to members
 * as differences: the DC's event loop was blocked for up to 3 s (p99 1.9 s: scheduler runs over
 * 300 × 3 histories, whole-status serialisation and validation per result, retransmitted 48 KB
 * parts), so its heartbeats came up to 4.7 s apart and the members elected another DC. Now the
 * daemon's loop is still blocked as long, but the membership thread's is not: heartbeats at most
 * ~1 s apart (keepalive 500 ms), none later than warntime (see ../../src/node/README.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus, PrimitiveStatus } from '../../src/node/status';
import { NodeRig, onlineOf, threeNodeCib } from './cluster-rig';
import { ocfkit } from './helpers';

const NODES = ['n1', 'n2', 'n3'];
const COUNT = 300;
const ids = Array.from({ length: COUNT }, (_, i) => `lite${String(i + 1).padStart(3, '0')}`);
// On demand (OCFKIT_RIG_MANY=1): see the file comment.
const missing =
  process.env.OCFKIT_RIG_MANY !== '1'
    ? 'on demand: OCFKIT_RIG_MANY=1'
    : requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

const AGENT = `#!/bin/sh
# ocf:ocfkit-test:Lite, a resource that is a file: started = $HA_RSCTMP/lite-$OCF_RESOURCE_INSTANCE exists.
f="\${HA_RSCTMP:-/run/resource-agents}/lite-\${OCF_RESOURCE_INSTANCE}"
case "$1" in
  meta-data) cat <<'END'
<?xml version="1.0"?>
<resource-agent name="Lite" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">A file as a resource</shortdesc>
  <longdesc lang="en">Started when its file exists.</longdesc>
  <parameters/>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="5s"/>
  </actions>
</resource-agent>
END
    exit 0 ;;
  start) : > "$f"; exit 0 ;;
  stop) rm -f "$f"; exit 0 ;;
  monitor) [ -e "$f" ] && exit 0; exit 7 ;;
  validate-all) exit 0 ;;
  *) exit 3 ;;
esac
`;

function seed(): string {
  return threeNodeCib(ids.map((id) => `      <primitive id="${id}" class="ocf" provider="ocfkit-test" type="Lite"/>`).join('\n'));
}

/** Where each resource is Started according to a status (id → nodes). */
function placement(s: ClusterStatus): Map<string, string[]> {
  return new Map(
    s.resources.filter((r): r is PrimitiveStatus => r.kind === 'primitive' && r.role === 'Started').map((r) => [r.id, [...r.nodes].sort()]),
  );
}

describe.skipIf(missing)(
  `${COUNT} resources on three node daemons: status messages far larger than a datagram`,
  { timeout: 300_000 },
  () => {
    let c: NodeRig;
    const agents = () => join(c.rig.dir, 'agents');
    /** Where each resource really runs: its file in a node's HA_RSCTMP. */
    const files = (nodes = NODES) => {
      const m = new Map<string, string[]>();
      for (const n of nodes)
        for (const f of readdirSync(c.rsctmp(n))) if (f.startsWith('lite-')) m.set(f.slice(5), [...(m.get(f.slice(5)) ?? []), n].sort());
      return m;
    };
    const startNode = (n: string) => c.start(n, ['--agent-path', `${agents()}:/usr/lib/ocf/resource.d`]);
    const allStarted = (nodes: string[]) => (xs: ClusterStatus[]) =>
      xs.every((s) => s.quorum && s.dc === xs[0]?.dc && onlineOf(s).join() === nodes.join() && placement(s).size === COUNT);

    const hogs: ChildProcess[] = [];
    /** For the record (not asserted: timing): how long each event loop was blocked, how late heartbeats came. */
    const record = (when: string, nodes: string[]) => {
      for (const n of nodes) {
        const m = JSON.parse(readFileSync(join(c.rig.state(n), 'membership', 'status.json'), 'utf8'));
        process.stdout.write(
          `${when}, ${n} (${hogs.length} CPU hogs): event loop delay: membership thread ${JSON.stringify(m.loop)}, daemon ${JSON.stringify(m.ownerLoop)}, heartbeats ${JSON.stringify(m.heartbeats)}, sent ${m.io.bytesSent} bytes\n`,
        );
      }
    };
    beforeAll(() => {
      for (let i = 0; i < Number(process.env.OCFKIT_RIG_HOGS ?? 0); i++)
        hogs.push(spawn('yes', [], { stdio: ['ignore', 'ignore', 'ignore'] }));
      c = new NodeRig(NODES, undefined, seed(), `h63m${process.pid % 100000}`);
      mkdirSync(join(agents(), 'ocfkit-test'), { recursive: true });
      writeFileSync(join(agents(), 'ocfkit-test', 'Lite'), AGENT);
      chmodSync(join(agents(), 'ocfkit-test', 'Lite'), 0o755);
    });
    afterAll(() => {
      for (const h of hogs) h.kill('SIGKILL');
      c?.close();
    });

    it('the DC sees every resource started, and every member shows the same placement, from status sections over 64 KB', async () => {
      for (const n of NODES) startNode(n);
      const all = await c.until(`${COUNT} resources started`, NODES, allStarted(NODES), 240_000, 1000);
      const dc = all[0]?.dc as string;
      const onDc = placement(all[NODES.indexOf(dc)]!);
      // Each resource on exactly one node, the one the DC says, and where its file is.
      expect([...onDc.values()].filter((ns) => ns.length !== 1)).toEqual([]);
      expect(Object.fromEntries(files())).toEqual(Object.fromEntries(onDc));
      for (const s of all) expect(Object.fromEntries(placement(s))).toEqual(Object.fromEntries(onDc));
      // The status section a member holds came from the DC in one message: far larger than a datagram.
      const member = NODES.find((n) => n !== dc) as string;
      const q = await ocfkit('cib', 'query', '--scope', 'status', '--run-dir', c.run(member));
      expect(q.rc).toBe(0);
      expect(Buffer.byteLength(q.out)).toBeGreaterThan(3 * 65_536);
      for (const n of NODES) expect((q.out.match(new RegExp(`<node_state [^>]*uname="${n}"`, 'g')) ?? []).length).toBe(1);
      expect((q.out.match(/<lrm_resource /g) ?? []).length).toBe(COUNT * NODES.length);
      // It came as differences, each acknowledged: no full copy for want of an acknowledgement.
      expect(c.rig.logs.get(dc) ?? '').not.toMatch(/did not acknowledge its status/);
      record('after the start', NODES);
    });

    it("kill -9 of the DC: the new DC takes each member's history (over 64 KB) and probes nothing again", async () => {
      const dc = (await c.status('n1'))?.dc as string;
      const survivors = NODES.filter((n) => n !== dc);
      const before = files(survivors);
      expect(before.size).toBeGreaterThan(0);
      const logFrom = new Map(survivors.map((n) => [n, (c.rig.logs.get(n) ?? '').length]));
      c.rig.kill(dc);
      // The dead DC's resources start on the survivors (stonith disabled); those already there stay.
      const after = await c.until('every resource on a survivor', survivors, allStarted(survivors), 180_000, 1000);
      const newDc = after[0]?.dc as string;
      const since = (n: string) => (c.rig.logs.get(n) ?? '').slice(logFrom.get(n));
      const other = survivors.find((n) => n !== newDc) as string;
      expect(since(newDc)).toMatch(new RegExp(`this node is the DC: controller started .*history taken from ${newDc}, ${other}\\)`));
      const onDc = placement(after[0]!);
      for (const [id, ns] of before) expect([id, onDc.get(id)]).toEqual([id, ns]);
      expect(Object.fromEntries(files(survivors))).toEqual(Object.fromEntries(onDc));
      // No probe on the survivors: the new DC knew their resources from the histories.
      const probes = since(newDc)
        .split('\n')
        .filter((l) => /initiating lite\d+_monitor_0 /.test(l));
      expect(probes).toEqual([]);
      record('after the failover', survivors);
    });
  },
);
