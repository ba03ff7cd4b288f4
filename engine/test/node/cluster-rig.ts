/**
 * A cluster of `ocfkit node start` daemons on the membership rig (each node in its own network
 * namespace on a bridge): the daemons run from source, each with its own state, run and
 * HA_RSCTMP directories, so the Dummy's state file says where it really runs. Used by
 * cluster-rig.test.ts and `npm run bench cluster`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterStatus, PrimitiveStatus } from '../../src/node/status';
import { Rig } from '../membership/netns-rig';
import { ocfkit } from './helpers';

export { HA_CF_FAST } from '../membership/netns-rig';

/**
 * The tests' timing: keepalive 500 ms, deadtime 3 s. On a loaded CI host heartbeats arrive up to
 * a second late; at 200 ms / 1 s the DC's quorum lease (deadtime - 2 keepalives) would lapse now
 * and then, and no-quorum-policy=stop would stop resources each time.
 */
export const HA_CF_TEST = `# rig: keepalive 500 ms, deadtime 3 s
keepalive 500ms
warntime 1500ms
deadtime 3
initdead 6
udpport 694
bcast eth1
node n1 n2 n3
crm on
`;

/** A CIB for the three nodes: no fencing, no-quorum-policy=stop, stickiness 100, the given `<resources>` children. */
export function threeNodeCib(resources: string): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">
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
${resources}
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
}

/** Three nodes, no fencing, no-quorum-policy=stop, one Dummy (resource-agents') with a 2 s monitor, stickiness 100. */
export const SEED = threeNodeCib(`      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-monitor-2s" name="monitor" interval="2s" timeout="20s"/>
        </operations>
      </primitive>`);

const SCRIPT = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";

/** The Dummy's line in a status, if any. */
export function dummyOf(s: ClusterStatus | null | undefined): PrimitiveStatus | undefined {
  return s?.resources.find((r): r is PrimitiveStatus => r.kind === 'primitive' && r.id === 'dummy');
}

/** The online nodes of a status. */
export function onlineOf(s: ClusterStatus | null | undefined): string[] {
  return (s?.nodes ?? []).filter((x) => x.online).map((x) => x.name);
}

export class NodeRig {
  readonly rig: Rig;
  readonly nodes: string[];

  constructor(nodes = ['n1', 'n2', 'n3'], haCf = HA_CF_TEST, seed: string = SEED, tag?: string) {
    this.nodes = nodes;
    this.rig = new Rig({ nodes, haCf, key: 'cluster-rig-secret', ...(tag ? { tag } : {}) });
    writeFileSync(join(this.rig.dir, 'seed.xml'), seed);
    for (const n of nodes) mkdirSync(this.rsctmp(n), { recursive: true });
  }

  /** Replaces the seed CIB the daemons start from (before they start). */
  writeSeed(xml: string): void {
    writeFileSync(join(this.rig.dir, 'seed.xml'), xml);
  }

  run(n: string): string {
    return join(this.rig.dir, n, 'run');
  }

  rsctmp(n: string): string {
    return join(this.rig.dir, n, 'rsctmp');
  }

  /** Where the Dummy really runs: its state file exists in that node's HA_RSCTMP. */
  running(): string[] {
    return this.nodes.filter((n) => readdirSync(this.rsctmp(n)).some((f) => f.startsWith('Dummy-dummy')));
  }

  /** The Dummy's state file on node `n` (throws when it does not run there). */
  dummyStateFile(n: string): string {
    const f = readdirSync(this.rsctmp(n)).find((x) => x.startsWith('Dummy-dummy'));
    if (!f) throw new Error(`the Dummy has no state file on ${n}`);
    return join(this.rsctmp(n), f);
  }

  /** `ocfkit node start` in the node's namespace (`extra`: more options; `wrap`: a command it runs under, e.g. chrt). */
  start(n: string, extra: readonly string[] = [], wrap: readonly string[] = []): void {
    this.rig.spawnIn(
      n,
      [
        ...wrap,
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
        this.rig.conf(n),
        '--state-dir',
        this.rig.state(n),
        '--run-dir',
        this.run(n),
        '--cib',
        join(this.rig.dir, 'seed.xml'),
        '--node-name',
        n,
        ...extra,
      ],
      // Debug lines too: tests look for steps that only they name (a member's scheduler warm-up).
      { HA_RSCTMP: this.rsctmp(n), HA_debug: '1' },
    );
  }

  /** As after a reboot: HA_RSCTMP is a tmpfs, the Dummy's stale state file is gone. */
  wipeRsctmp(n: string): void {
    rmSync(this.rsctmp(n), { recursive: true, force: true });
    mkdirSync(this.rsctmp(n));
  }

  /** What `ocfkit status --output-as json` prints on node `n` (null when its daemon does not answer). */
  async status(n: string): Promise<ClusterStatus | null> {
    const r = await ocfkit('status', '--output-as', 'json', '--run-dir', this.run(n));
    return r.rc === 0 ? (JSON.parse(r.out) as ClusterStatus) : null;
  }

  /** Polls `nodes` until `pred` holds for their statuses; on timeout, says what each showed. */
  async until(
    what: string,
    nodes: string[],
    pred: (all: ClusterStatus[]) => boolean,
    timeoutMs = 45_000,
    everyMs = 300,
  ): Promise<ClusterStatus[]> {
    const t0 = performance.now();
    for (;;) {
      const last = await Promise.all(nodes.map((n) => this.status(n)));
      if (last.every((s) => s !== null) && pred(last as ClusterStatus[])) return last as ClusterStatus[];
      if (performance.now() - t0 > timeoutMs) {
        const shown = nodes.map((n, i) => {
          const s = last[i];
          return `${n}: dc=${s?.dc} quorum=${s?.quorum} online=${onlineOf(s)} dummy=${JSON.stringify(dummyOf(s)?.nodes)}\n${(this.rig.logs.get(n) ?? '').split('\n').slice(-15).join('\n')}`;
        });
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; Dummy state files on [${this.running()}]\n${shown.join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Every node shows the same DC (with quorum), `nodes` online, the Dummy started on one node, which runs it. */
  agreed(nodes: string[]): (all: ClusterStatus[]) => boolean {
    return (all) =>
      all.every(
        (s) =>
          s.dc === all[0]?.dc &&
          s.dc !== undefined &&
          nodes.includes(s.dc) &&
          s.quorum &&
          onlineOf(s).join() === nodes.join() &&
          dummyOf(s)?.role === 'Started' &&
          dummyOf(s)?.nodes.length === 1 &&
          dummyOf(s)?.nodes[0] === dummyOf(all[0])?.nodes[0],
      ) && this.running().length === 1;
  }

  /** OCFKIT_RIG_LOGS=DIR keeps each daemon's log; then everything is removed. */
  close(): void {
    const keep = process.env.OCFKIT_RIG_LOGS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const [n, text] of this.rig.logs) writeFileSync(join(keep, `${n}.log`), text);
    }
    this.rig.close();
  }
}
