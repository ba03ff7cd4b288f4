/**
 * Fencing across node daemons: three `ocfkit node start` in network namespaces (the cluster rig),
 * stonith-enabled=true with a fence device (a scripted RHCS-style agent whose reboot kills the
 * target's node daemon and wipes its HA_RSCTMP, as a power cycle would). The node running the
 * Dummy is cut off: the majority's DC sees it lost (unclean), has the fencer run the device, and
 * starts the Dummy only once the node is fenced — at no moment does the Dummy run on two nodes.
 * OCFKIT_RIG_LOGS=DIR keeps the daemons' logs.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../../src/node/admin-client';
import { writeScriptedAgent } from '../fencing/scripted-agent';
import { sh } from '../membership/netns-rig';
import { dummyOf as dummy, HA_CF_TEST, NodeRig, onlineOf as online, SEED } from './cluster-rig';
import { ocfkit } from './helpers';

const NODES = ['n1', 'n2', 'n3'];
const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

// Every node is waited for at boot (initdead), so none is fenced for joining late.
const HA_CF = HA_CF_TEST.replace('initdead 6', 'initdead 30');
const FENCED_SEED = SEED.replace('name="stonith-enabled" value="false"', 'name="stonith-enabled" value="true"').replace(
  '<resources>',
  `<resources>
      <primitive id="fence-rig" class="stonith" type="fence_rig">
        <instance_attributes id="fence-rig-ia">
          <nvpair id="fence-rig-hosts" name="pcmk_host_list" value="n1 n2 n3"/>
        </instance_attributes>
      </primitive>`,
);

// Each step waits up to its own limit (a loaded CI host starts three tsx daemons slowly).
describe.skipIf(missing)('fencing across node daemons (stonith-enabled, a fence device)', { timeout: 240_000 }, () => {
  let c: NodeRig;
  let agents = '';

  beforeAll(() => {
    c = new NodeRig(NODES, HA_CF, FENCED_SEED);
    agents = join(c.rig.dir, 'fence-agents');
    mkdirSync(agents);
    writeScriptedAgent(agents, 'fence_rig', {
      body: `root=${JSON.stringify(c.rig.dir)}
target=\${plug:-$port}
case "$action" in
  reboot|off)
    case "$target" in n1|n2|n3) ;; *) echo "unknown target $target" >&2; exit 1 ;; esac
    pid=$(cat "$root/$target/state/ocfkit-node.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    rm -f "$root/$target/rsctmp/"*
    echo "$action $target" >> "$dir/fenced.log"
    exit 0 ;;
  *) exit 0 ;;
esac`,
    });
  });
  afterAll(() => c?.close());

  it('a node cut off is fenced by the majority before its Dummy starts elsewhere', async () => {
    for (const n of NODES) c.start(n, ['--fence-agent-dir', agents]);
    const all = await c.until(
      'the cluster, the fence device and the Dummy started',
      NODES,
      (xs) =>
        c.agreed(NODES)(xs) &&
        xs.every((s) => s.resources.some((r) => r.kind === 'primitive' && r.id === 'fence-rig' && r.role === 'Started')),
      120_000,
    );
    const host = dummy(all[0])?.nodes[0] as string;
    const majority = NODES.filter((n) => n !== host);
    const exited = new Promise((r) => c.rig.procs.get(host)?.once('exit', r));
    let twice = false;
    sh('ip', ['-n', c.rig.ns(host), 'link', 'set', 'eth1', 'down']);
    await c.until(
      'the host fenced and the Dummy on the majority',
      majority,
      (xs) => {
        if (c.running().length > 1) twice = true;
        return xs.every(
          (s) =>
            s.quorum &&
            majority.includes(dummy(s)?.nodes[0] ?? '') &&
            !online(s).includes(host) &&
            s.nodes.find((x) => x.name === host)?.unclean === false,
        );
      },
      60_000,
      100,
    );
    await exited;
    expect(readFileSync(join(agents, 'fenced.log'), 'utf8')).toMatch(new RegExp(`^(reboot|off) ${host}$`, 'm'));
    expect(twice).toBe(false);
    expect(c.running()).toEqual([dummy(await c.status(majority[0] as string))?.nodes[0]]);

    // The fencing history: on every member (the DC passes it on), in `ocfkit status -m` and
    // `ocfkit fence history`, kept on disk (0600) so that it survives a restart of the daemon.
    const fenced = new RegExp(`^reboot of ${host} successful: delegate=n\\d, devices=fence-rig, origin=n\\d`, 'm');
    const fileHistory = async (n: string) =>
      (await ocfkit('fence', 'history', host, '--run-dir', c.run(n), '--history', join(c.rig.dir, 'none.json'))).out;
    const daemonHistory = async (n: string) => (await ocfkit('fence', 'history', host, '--run-dir', c.run(n))).out;
    /** Polls until `n`'s daemon shows the fencing of `host` (the DC sends it on as it finishes). */
    const shows = async (n: string, limitMs: number) => {
      const t0 = performance.now();
      for (;;) {
        const last = await daemonHistory(n).catch((e: Error) => e.message);
        if (fenced.test(last)) return;
        if (performance.now() - t0 > limitMs) throw new Error(`${n}'s fencing history does not show ${host} fenced: ${last}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    for (const n of majority) {
      await shows(n, 10_000);
      const st = await ocfkit('status', '-m', '--run-dir', c.run(n));
      expect(st.out).toMatch(
        new RegExp(`^Fencing History:\\n  \\* reboot of ${host} successful: delegate=n\\d, origin=n\\d, completed=`, 'm'),
      );
      expect(statSync(join(c.rig.state(n), 'fencing-history.json')).mode & 0o777).toBe(0o600);
    }
    // --history FILE reads only that file
    expect(await fileHistory(majority[0] as string)).toBe(`no fencing history for ${host}\n`);
    // the fenced node boots again (fresh HA_RSCTMP, empty state of its own): the DC hands it the history
    c.wipeRsctmp(host);
    sh('ip', ['-n', c.rig.ns(host), 'link', 'set', 'eth1', 'up']);
    c.start(host, ['--fence-agent-dir', agents]);
    const back = await c.until('every node back', NODES, c.agreed(NODES), 120_000);
    await shows(host, 10_000);
    // a member's daemon stopped and started again: its history is there as soon as it answers (from its file)
    const member = NODES.find((n) => n !== back[0]?.dc && n !== host) as string;
    const stopped = new Promise((r) => c.rig.procs.get(member)?.once('exit', r));
    c.rig.procs.get(member)?.kill('SIGTERM');
    await stopped;
    c.start(member, ['--fence-agent-dir', agents]);
    const t0 = performance.now();
    for (;;) {
      const r = await adminCall(c.run(member), { op: 'fence-history' }).catch((e: Error) => e);
      if (!(r instanceof Error)) {
        expect(r.history?.map((e) => `${e.action} ${e.target} ${e.state}`)).toEqual([`reboot ${host} success`]);
        break;
      }
      if (performance.now() - t0 > 60_000) throw new Error(`${member}'s daemon did not answer after its restart: ${r.message}`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  });
});
