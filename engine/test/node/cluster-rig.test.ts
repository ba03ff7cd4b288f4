/**
 * Three `ocfkit node start` daemons, each in its own network namespace on a bridge (the membership
 * rig's), forming a cluster from ha.cf + authkeys: one DC, a Dummy resource (resource-agents'
 * ocf:heartbeat:Dummy, its state file in the node's own HA_RSCTMP) with a monitor, failover after
 * kill -9, no-quorum-policy=stop in a cut-off node, and the heal. Every step is asserted from
 * `ocfkit status --output-as json` on the nodes and from the agent's real effect (its state file).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus, PrimitiveStatus } from '../../src/node/status';
import { Rig, sh } from '../membership/netns-rig';
import { ocfkit } from './helpers';

const HA_CF = `# rig: keepalive 200 ms, deadtime 1 s
keepalive 200ms
warntime 500ms
deadtime 1
initdead 2
udpport 694
bcast eth1
node n1 n2 n3
crm on
`;

const SEED = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-nqp" name="no-quorum-policy" value="stop"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"/>
      <node id="2" uname="n2"/>
      <node id="3" uname="n3"/>
    </nodes>
    <resources>
      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-monitor-2s" name="monitor" interval="2s" timeout="20s"/>
        </operations>
      </primitive>
    </resources>
    <constraints/>
    <rsc_defaults>
      <meta_attributes id="rsc-defaults">
        <nvpair id="rsc-stickiness" name="resource-stickiness" value="100"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>
`;

const NODES = ['n1', 'n2', 'n3'];
const SCRIPT = "const { main } = await import('@ocfkit/sdk/cli'); process.exitCode = await main(process.argv.slice(1));";
const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

describe.skipIf(missing)('three node daemons form a cluster in network namespaces (membership + controller)', () => {
  let rig: Rig;
  const run = (n: string) => join(rig.dir, n, 'run');
  const rsctmp = (n: string) => join(rig.dir, n, 'rsctmp');
  /** Where the Dummy really runs: its state file exists in that node's HA_RSCTMP. */
  const running = () => NODES.filter((n) => readdirSync(rsctmp(n)).some((f) => f.startsWith('Dummy-dummy')));

  const start = (n: string) =>
    rig.spawnIn(
      n,
      [
        process.execPath,
        '--conditions=source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        SCRIPT,
        'node',
        'start',
        '--config-dir',
        rig.conf(n),
        '--state-dir',
        rig.state(n),
        '--run-dir',
        run(n),
        '--cib',
        join(rig.dir, 'seed.xml'),
        '--node-name',
        n,
      ],
      { HA_RSCTMP: rsctmp(n) },
    );

  const status = async (n: string): Promise<ClusterStatus | null> => {
    const r = await ocfkit('status', '--output-as', 'json', '--run-dir', run(n));
    return r.rc === 0 ? (JSON.parse(r.out) as ClusterStatus) : null;
  };
  const dummy = (s: ClusterStatus | null) => s?.resources.find((r): r is PrimitiveStatus => r.kind === 'primitive' && r.id === 'dummy');
  const online = (s: ClusterStatus | null) => (s?.nodes ?? []).filter((x) => x.online).map((x) => x.name);

  /** Polls every node in `nodes` until `pred` holds for their statuses; on timeout, says what each showed. */
  const until = async (what: string, nodes: string[], pred: (all: ClusterStatus[]) => boolean, timeoutMs = 45_000) => {
    const t0 = performance.now();
    let last: (ClusterStatus | null)[] = [];
    for (;;) {
      last = await Promise.all(nodes.map(status));
      if (last.every((s) => s !== null) && pred(last as ClusterStatus[])) return last as ClusterStatus[];
      if (performance.now() - t0 > timeoutMs) {
        const shown = nodes.map((n, i) => {
          const s = last[i];
          return `${n}: dc=${s?.dc} quorum=${s?.quorum} online=${online(s ?? null)} dummy=${JSON.stringify(dummy(s ?? null)?.nodes)}\n${(rig.logs.get(n) ?? '').split('\n').slice(-15).join('\n')}`;
        });
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; Dummy state files on [${running()}]\n${shown.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  /** Every node shows the same DC (with quorum), the same online nodes, the Dummy on one node. */
  const agreed = (nodes: string[]) => (all: ClusterStatus[]) =>
    all.every(
      (s) =>
        s.dc === all[0]?.dc &&
        s.dc !== undefined &&
        nodes.includes(s.dc) &&
        s.quorum &&
        online(s).join() === nodes.join() &&
        dummy(s)?.role === 'Started' &&
        dummy(s)?.nodes.length === 1 &&
        dummy(s)?.nodes[0] === dummy(all[0] ?? null)?.nodes[0],
    ) && running().length === 1;

  beforeAll(() => {
    rig = new Rig({ nodes: NODES, haCf: HA_CF, key: 'cluster-rig-secret' });
    writeFileSync(join(rig.dir, 'seed.xml'), SEED);
    for (const n of NODES) mkdirSync(rsctmp(n), { recursive: true });
  });
  afterAll(() => {
    // OCFKIT_RIG_LOGS=DIR keeps each daemon's log (HA format) for a look afterwards.
    const keep = process.env.OCFKIT_RIG_LOGS;
    if (keep && rig) {
      mkdirSync(keep, { recursive: true });
      for (const [n, text] of rig.logs) writeFileSync(join(keep, `${n}.log`), text);
    }
    rig?.close();
  });

  let host = '';

  it('forms a cluster: one DC, every node shows the same nodes and placement, the Dummy runs on exactly one node', async () => {
    for (const n of NODES) start(n);
    // Generous: three daemons start through tsx on a shared machine.
    const all = await until('one DC and the Dummy started', NODES, agreed(NODES), 120_000);
    host = dummy(all[0] ?? null)?.nodes[0] as string;
    expect(running()).toEqual([host]);
    expect(all.map((s) => s.dc)).toEqual([all[0]?.dc, all[0]?.dc, all[0]?.dc]);
    // The monitor runs on the host (its history is the DC's, shown by every node).
    await until('the monitor recorded', NODES, (xs) => xs.every((s) => online(s).length === 3 && dummy(s)?.nodes[0] === host));
  });

  it('an admin write on a node that is not the DC goes through the DC and reaches every node', async () => {
    const dc = (await status('n1'))?.dc as string;
    const other = NODES.find((n) => n !== dc) as string;
    const r = await ocfkit('resource', 'stop', 'dummy', '--run-dir', run(other));
    expect(r.err).toBe('');
    expect(r.rc).toBe(0);
    await until('the Dummy stopped everywhere', NODES, (xs) => xs.every((s) => dummy(s)?.role === 'Stopped') && running().length === 0);
    expect((await ocfkit('resource', 'start', 'dummy', '--run-dir', run(other))).rc).toBe(0);
    const all = await until('the Dummy started again', NODES, agreed(NODES));
    host = dummy(all[0] ?? null)?.nodes[0] as string;
  });

  it('kill -9 of the daemon hosting the Dummy: after deadtime it runs on another node (stonith disabled)', async () => {
    const survivors = NODES.filter((n) => n !== host);
    rig.kill(host);
    // The killed daemon's Dummy is still "running" on its node (nothing fenced it); the survivors
    // see the node offline and start the Dummy themselves.
    const all = await until('the Dummy on a survivor', survivors, (xs) =>
      xs.every(
        (s) =>
          s.quorum &&
          survivors.includes(s.dc ?? '') &&
          s.dc === xs[0]?.dc &&
          online(s).join() === survivors.join() &&
          survivors.includes(dummy(s)?.nodes[0] ?? '') &&
          dummy(s)?.nodes.length === 1,
      ),
    );
    const now = dummy(all[0] ?? null)?.nodes[0] as string;
    expect(running().sort()).toEqual([host, now].sort());
    // The node comes back as after a reboot (HA_RSCTMP is a tmpfs: the stale state file is gone).
    rmSync(rsctmp(host), { recursive: true, force: true });
    mkdirSync(rsctmp(host));
    start(host);
    const back = await until('the node back, the Dummy where it was', NODES, agreed(NODES), 90_000);
    expect(dummy(back[0] ?? null)?.nodes).toEqual([now]);
    host = now;
  });

  it('a member cut off from the others stops its resources (no-quorum-policy=stop); the majority runs them; after the heal one DC and one CIB', async () => {
    // The node cut off is a member, not the DC (the harder case: it must notice it is alone,
    // elect itself and apply the policy); `resource move` from the DC puts the Dummy there.
    const dc = (await status(host))?.dc as string;
    let cut = host;
    if (cut === dc) {
      cut = NODES.find((n) => n !== dc) as string;
      expect((await ocfkit('resource', 'move', 'dummy', cut, '--run-dir', run(dc))).rc).toBe(0);
      await until('the Dummy moved', NODES, (xs) => agreed(NODES)(xs) && dummy(xs[0] ?? null)?.nodes[0] === cut);
    }
    const majority = NODES.filter((n) => n !== cut);
    sh('ip', ['-n', rig.ns(cut), 'link', 'set', 'eth1', 'down']);
    await until('the cut-off node without quorum, its Dummy stopped', [cut], (xs) => !xs[0]?.quorum && !running().includes(cut));
    await until('the majority with quorum, running the Dummy', majority, (xs) =>
      xs.every(
        (s) =>
          s.quorum &&
          majority.includes(s.dc ?? '') &&
          s.dc === xs[0]?.dc &&
          majority.includes(dummy(s)?.nodes[0] ?? '') &&
          dummy(s)?.nodes.length === 1,
      ),
    );
    expect(running().length).toBe(1);
    expect(majority).toContain(running()[0]);
    sh('ip', ['-n', rig.ns(cut), 'link', 'set', 'eth1', 'up']);
    const healed = await until('one DC again, the Dummy once', NODES, agreed(NODES), 60_000);
    expect(new Set(healed.map((s) => s.dc)).size).toBe(1);
    // One CIB: the same configuration and configuration version on every node.
    const configs = await Promise.all(NODES.map((n) => ocfkit('cib', 'query', '--scope', 'configuration', '--run-dir', run(n))));
    expect(configs.map((c) => c.rc)).toEqual([0, 0, 0]);
    expect(new Set(configs.map((c) => c.out)).size).toBe(1);
    const versions = healed.map((s) => s.version.split('.').slice(0, 2).join('.'));
    expect(new Set(versions).size).toBe(1);
  });

  it('SIGTERM on the node running the Dummy: the DC moves it away first, then the daemon exits 0', async () => {
    const all = await until('the Dummy placed', NODES, agreed(NODES));
    const leaving = dummy(all[0] ?? null)?.nodes[0] as string;
    const stays = NODES.filter((n) => n !== leaving);
    const proc = rig.procs.get(leaving);
    const exited = new Promise<number | null>((r) => proc?.once('exit', (code) => r(code)));
    proc?.kill('SIGTERM');
    expect(await exited).toBe(0);
    // It left only once nothing ran there any more: its state file is gone, another node runs the Dummy.
    expect(running()).not.toContain(leaving);
    await until('the Dummy on a remaining node', stays, (xs) =>
      xs.every((s) => s.quorum && stays.includes(dummy(s)?.nodes[0] ?? '') && dummy(s)?.nodes.length === 1),
    );
    expect(running().length).toBe(1);
  });
});
