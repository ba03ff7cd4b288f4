/**
 * Node daemons in network namespaces with fencing on (the cluster rig of cluster-rig.ts plus a
 * fence device): stonith-enabled=true and one `stonith:fence_rig` device for every node, an
 * RHCS-style scripted agent whose reboot/off kills the target's node daemon and wipes its
 * HA_RSCTMP, as a power cut would. `fabric(true)` turns it into fencing that leaves the node
 * running (a storage or switch-port fence, or a misconfigured device): it still reports success.
 * Used by cluster-fencing-rig.test.ts and cluster-fence-race.test.ts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeScriptedAgent } from '../fencing/scripted-agent';
import { HA_CF_TEST, NodeRig, SEED } from './cluster-rig';

/** What the rig's fence device is configured with, besides `pcmk_host_list` (e.g. `pcmk_delay_base`). */
type DeviceParams = Record<string, string>;

/** The seed with stonith-enabled=true, only `nodes`, and the device `fence-rig` for them. */
function fencedSeed(nodes: readonly string[], deviceParams: DeviceParams = {}): string {
  const params = { pcmk_host_list: nodes.join(' '), ...deviceParams };
  const nvpairs = Object.entries(params).map(([k, v]) => `          <nvpair id="fence-rig-${k}" name="${k}" value="${v}"/>`);
  return SEED.replace('name="stonith-enabled" value="false"', 'name="stonith-enabled" value="true"')
    .replace(/\n\s*<node id="\d+" uname="([^"]+)"\/>/g, (line, name: string) => (nodes.includes(name) ? line : ''))
    .replace(
      '<resources>',
      `<resources>
      <primitive id="fence-rig" class="stonith" type="fence_rig">
        <instance_attributes id="fence-rig-ia">
${nvpairs.join('\n')}
        </instance_attributes>
      </primitive>`,
    );
}

/** ha.cf for `nodes` (two: `two_node on`); every node is waited for at boot, so none is fenced for joining late. */
function fencedHaCf(nodes: readonly string[]): string {
  const two = nodes.length === 2 ? '\ntwo_node on' : '';
  return HA_CF_TEST.replace('node n1 n2 n3', `node ${nodes.join(' ')}${two}`).replace('initdead 6', 'initdead 30');
}

export class FencedNodeRig {
  readonly c: NodeRig;
  /** The fence agent's directory (`--fence-agent-dir`), with `fenced.log`: one `ACTION TARGET` line per fencing. */
  readonly agents: string;

  constructor(nodes: readonly string[], deviceParams: DeviceParams = {}) {
    this.c = new NodeRig([...nodes], fencedHaCf(nodes), fencedSeed(nodes, deviceParams));
    this.agents = join(this.c.rig.dir, 'fence-agents');
    mkdirSync(this.agents);
    writeFileSync(join(this.agents, 'fenced.log'), '');
    const targets = nodes.join('|');
    writeScriptedAgent(this.agents, 'fence_rig', {
      body: `root=${JSON.stringify(this.c.rig.dir)}
target=\${plug:-$port}
case "$action" in
  reboot|off)
    case "$target" in ${targets}) ;; *) echo "unknown target $target" >&2; exit 1 ;; esac
    if [ -e "$dir/fabric" ]; then echo "$action $target (fabric)" >> "$dir/fenced.log"; exit 0; fi
    pid=$(cat "$root/$target/state/ocfkit-node.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    rm -f "$root/$target/rsctmp/"*
    echo "$action $target" >> "$dir/fenced.log"
    exit 0 ;;
  *) exit 0 ;;
esac`,
    });
  }

  /** `ocfkit node start` of `n` with the rig's fence agents. */
  start(n: string): void {
    this.c.start(n, ['--fence-agent-dir', this.agents]);
  }

  /** The fencings so far (`reboot n2`, `off n1 (fabric)`), oldest first. */
  fenced(): string[] {
    return readFileSync(join(this.agents, 'fenced.log'), 'utf8').split('\n').filter(Boolean);
  }

  /** From now on the device reports success without touching the target (or kills again). */
  fabric(on: boolean): void {
    if (on) writeFileSync(join(this.agents, 'fabric'), '');
    else rmSync(join(this.agents, 'fabric'), { force: true });
  }

  close(): void {
    this.c.close();
  }
}
