/**
 * Fencing across node daemons: three `ocfkit node start` in network namespaces (the cluster rig),
 * stonith-enabled=true with a fence device (a scripted RHCS-style agent whose reboot kills the
 * target's node daemon and wipes its HA_RSCTMP, as a power cycle would). The node running the
 * Dummy is cut off: the majority's DC sees it lost (unclean), has the fencer run the device, and
 * starts the Dummy only once the node is fenced — at no moment does the Dummy run on two nodes.
 * OCFKIT_RIG_LOGS=DIR keeps the daemons' logs.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../../src/node/admin-client';
import type { ClusterStatus } from '../../src/node/status';
import { sh } from '../membership/netns-rig';
import { dummyOf as dummy, onlineOf as online } from './cluster-rig';
import { FencedNodeRig } from './fenced-node-rig';
import { ocfkit } from './helpers';

const NODES = ['n1', 'n2', 'n3'];
/** A status where `host` was fenced (offline, clean again) and the Dummy runs on the quorate majority. */
function fencedAway(majority: string[], host: string): (s: ClusterStatus) => boolean {
  return (s) =>
    s.quorum &&
    majority.includes(dummy(s)?.nodes[0] ?? '') &&
    !online(s).includes(host) &&
    s.nodes.find((x) => x.name === host)?.unclean === false;
}

const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

// Each step waits up to its own limit (a loaded CI host starts three tsx daemons slowly).
describe.skipIf(missing)('fencing across node daemons (stonith-enabled, a fence device)', { timeout: 240_000 }, () => {
  let f: FencedNodeRig;
  let c: FencedNodeRig['c'];

  beforeAll(() => {
    f = new FencedNodeRig(NODES);
    c = f.c;
  });
  afterAll(() => f?.close());

  it('a node cut off is fenced by the majority before its Dummy starts elsewhere', async () => {
    for (const n of NODES) f.start(n);
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
        return xs.every(fencedAway(majority, host));
      },
      60_000,
      100,
    );
    await exited;
    expect(f.fenced()).toContain(`reboot ${host}`);
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
    f.start(host);
    const back = await c.until('every node back', NODES, c.agreed(NODES), 120_000);
    await shows(host, 10_000);
    // a member's daemon stopped and started again: its history is there as soon as it answers (from its file)
    const member = NODES.find((n) => n !== back[0]?.dc && n !== host) as string;
    const stopped = new Promise((r) => c.rig.procs.get(member)?.once('exit', r));
    c.rig.procs.get(member)?.kill('SIGTERM');
    await stopped;
    f.start(member);
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

  it('a node told it was fenced while it still runs (fabric fencing) stops its resources and exits 100, as fence-reaction=stop', async () => {
    const all = await c.until('every node back, the Dummy started once', NODES, c.agreed(NODES), 120_000);
    const host = dummy(all[0])?.nodes[0] as string;
    const majority = NODES.filter((n) => n !== host);
    // no-quorum-policy=freeze: the cut-off node keeps its Dummy (under =stop it would stop it itself)
    const crm = (await ocfkit('cib', 'query', '--scope', 'crm_config', '--run-dir', c.run(majority[0] as string))).out;
    const freeze = join(c.rig.dir, 'crm-freeze.xml');
    writeFileSync(freeze, crm.replace('name="no-quorum-policy" value="stop"', 'name="no-quorum-policy" value="freeze"'));
    expect(readFileSync(freeze, 'utf8')).toContain('value="freeze"');
    const replaced = await ocfkit('cib', 'replace', freeze, '--scope', 'crm_config', '--run-dir', c.run(majority[0] as string));
    expect(replaced.rc, replaced.err).toBe(0);
    for (const t0 = performance.now(); ; ) {
      const there = (await ocfkit('cib', 'query', '--scope', 'crm_config', '--run-dir', c.run(host))).out;
      if (there.includes('value="freeze"')) break;
      if (performance.now() - t0 > 20_000) throw new Error(`no-quorum-policy=freeze did not reach ${host}: ${there}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // the device now reports success and leaves the node running
    f.fabric(true);
    const before = f.fenced().length;
    const exited = new Promise<number | null>((r) => c.rig.procs.get(host)?.once('exit', (code) => r(code)));
    sh('ip', ['-n', c.rig.ns(host), 'link', 'set', 'eth1', 'down']);
    const fenced = await c.until(
      'the host fenced (the device said so) and the Dummy started on the majority',
      majority,
      (xs) => xs.every(fencedAway(majority, host)),
      60_000,
    );
    expect(f.fenced().slice(before)).toEqual([`reboot ${host} (fabric)`]);
    // what a fence that does not cut the node off leaves: the node and its Dummy still running
    const moved = dummy(fenced[0])?.nodes[0] as string;
    expect(c.running().sort()).toEqual([host, moved].sort());
    expect(c.rig.procs.get(host)?.exitCode).toBe(null);

    // the partition heals: the DC's fencing history tells the node; it stops its Dummy and exits
    sh('ip', ['-n', c.rig.ns(host), 'link', 'set', 'eth1', 'up']);
    const t0 = performance.now();
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running after 60 s'), 60_000))]);
    expect(code).toBe(100);
    process.stderr.write(`${host} exited ${((performance.now() - t0) / 1000).toFixed(1)} s after the heal\n`);
    const log = c.rig.logs.get(host) ?? '';
    expect(log).toMatch(/CRIT: We were allegedly just fenced by n\d for n\d \(reboot with fence-rig\)/);
    // its Dummy is stopped (its state file gone: nothing else touches this node's HA_RSCTMP now)
    expect(c.running()).not.toContain(host);
    await c.until(
      'the Dummy on one majority node only, the fenced node offline',
      majority,
      (xs) =>
        xs.every(
          (s) => online(s).join() === majority.join() && dummy(s)?.nodes.length === 1 && majority.includes(dummy(s)?.nodes[0] ?? ''),
        ) &&
        c.running().length === 1 &&
        majority.includes(c.running()[0] as string),
      60_000,
    );
  });
});
