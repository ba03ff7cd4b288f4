/**
 * Three `ocfkit node start` daemons, each in its own network namespace on a bridge (the membership
 * rig's), forming a cluster from ha.cf + authkeys: one DC, a Dummy resource (resource-agents'
 * ocf:heartbeat:Dummy, its state file in the node's own HA_RSCTMP) with a monitor, an admin write
 * through the DC, failover after kill -9 (stonith disabled), no-quorum-policy=stop in a cut-off
 * member, the heal, and SIGTERM. Every step is asserted from `ocfkit status --output-as json` on
 * the nodes and from the agent's real effect (its state file).
 * OCFKIT_RIG_LOGS=DIR keeps the daemons' logs.
 */
import { statSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../membership/netns-rig';
import { dummyOf as dummy, NodeRig, onlineOf as online } from './cluster-rig';
import { ocfkit } from './helpers';

const NODES = ['n1', 'n2', 'n3'];
const missing = requireTool(['ip'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));

// Each step waits up to its own limit (a loaded CI host starts three tsx daemons slowly).
describe.skipIf(missing)('three node daemons form a cluster in network namespaces (membership + controller)', { timeout: 240_000 }, () => {
  let c: NodeRig;
  const run = (n: string) => c.run(n);
  const running = () => c.running();
  const status = (n: string) => c.status(n);
  const until = (...a: Parameters<NodeRig['until']>) => c.until(...a);
  const agreed = (nodes: string[]) => c.agreed(nodes);

  beforeAll(() => {
    c = new NodeRig(NODES);
  });
  afterAll(() => c?.close());

  let host = '';

  it('forms a cluster: one DC, every node shows the same nodes and placement, the Dummy runs on exactly one node', async () => {
    for (const n of NODES) c.start(n);
    // Generous: three daemons start through tsx on a shared machine.
    const all = await until('one DC and the Dummy started', NODES, agreed(NODES), 120_000);
    host = dummy(all[0])?.nodes[0] as string;
    expect(running()).toEqual([host]);
    expect(all.map((s) => s.dc)).toEqual([all[0]?.dc, all[0]?.dc, all[0]?.dc]);
    expect(all.map((s) => online(s))).toEqual([NODES, NODES, NODES]);
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
    host = dummy(all[0])?.nodes[0] as string;
  });

  it("kill -9 of the DC: the new DC takes the members' history at the join, the Dummy on a survivor is neither restarted nor probed", async () => {
    let dc = (await status(host))?.dc as string;
    if (dc === host) {
      // The Dummy must run on a survivor: move it off the DC.
      const to = NODES.find((n) => n !== dc) as string;
      expect((await ocfkit('resource', 'move', 'dummy', to, '--run-dir', run(dc))).rc).toBe(0);
      await until('the Dummy moved off the DC', NODES, (xs) => agreed(NODES)(xs) && dummy(xs[0])?.nodes[0] === to);
      // No preference left behind (stickiness keeps it there).
      expect((await ocfkit('resource', 'clear', 'dummy', '--run-dir', run(dc))).rc).toBe(0);
      host = to;
      dc = (await status(host))?.dc as string;
    }
    const stateFile = c.dummyStateFile(host);
    const before = statSync(stateFile);
    const survivors = NODES.filter((n) => n !== dc);
    const logFrom = new Map(survivors.map((n) => [n, (c.rig.logs.get(n) ?? '').length]));
    c.rig.kill(dc);
    const after = await until('a new DC among the survivors, the Dummy where it was', survivors, (xs) =>
      xs.every(
        (s) =>
          s.quorum &&
          survivors.includes(s.dc ?? '') &&
          s.dc === xs[0]?.dc &&
          online(s).join() === survivors.join() &&
          dummy(s)?.role === 'Started' &&
          dummy(s)?.nodes.join() === host,
      ),
    );
    const newDc = after[0]?.dc as string;
    // Let the new DC's first transitions (the monitor asked for again) run before looking.
    await new Promise((r) => setTimeout(r, 3000));
    const since = (n: string) => (c.rig.logs.get(n) ?? '').slice(logFrom.get(n));
    expect(since(newDc)).toMatch(/this node is the DC: controller started .*history taken from/);
    // As a member it had run the scheduler once already (warm-up), so its first run as DC was not cold.
    expect((c.rig.logs.get(newDc) ?? '').slice(0, logFrom.get(newDc))).toMatch(/scheduler warmed in [\d.]+ ms \(\d+ actions, not run\)/);
    // Not restarted: the same state file (Dummy's start touches it, its stop removes it).
    const now = statSync(stateFile);
    expect([now.ino, now.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(running()).toEqual([host]);
    // Neither stopped, started nor probed on the survivors; only its monitor is asked for again.
    const initiated = since(newDc)
      .split('\n')
      .filter((l) => /initiating dummy_/.test(l) && survivors.some((n) => l.includes(` on ${n} `)));
    expect(initiated.filter((l) => !/initiating dummy_monitor_2000 /.test(l))).toEqual([]);
    // The killed node comes back (nothing ran there) and joins without taking the DC role.
    c.start(dc);
    const back = await until('the killed DC back as a member', NODES, agreed(NODES), 90_000);
    expect(back[0]?.dc).toBe(newDc);
    expect(dummy(back[0])?.nodes).toEqual([host]);
  });

  it('kill -9 of the daemon hosting the Dummy: after deadtime it runs on another node (stonith disabled)', async () => {
    const survivors = NODES.filter((n) => n !== host);
    c.rig.kill(host);
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
    const now = dummy(all[0])?.nodes[0] as string;
    expect(running().sort()).toEqual([host, now].sort());
    // The node comes back as after a reboot (HA_RSCTMP is a tmpfs: the stale state file is gone).
    c.wipeRsctmp(host);
    c.start(host);
    const back = await until('the node back, the Dummy where it was', NODES, agreed(NODES), 90_000);
    expect(dummy(back[0])?.nodes).toEqual([now]);
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
      await until('the Dummy moved', NODES, (xs) => agreed(NODES)(xs) && dummy(xs[0])?.nodes[0] === cut);
      // No preference left behind: after the heal only stickiness decides where the Dummy runs.
      expect((await ocfkit('resource', 'clear', 'dummy', '--run-dir', run(dc))).rc).toBe(0);
    }
    const majority = NODES.filter((n) => n !== cut);
    sh('ip', ['-n', c.rig.ns(cut), 'link', 'set', 'eth1', 'down']);
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
    const kept = running()[0] as string;
    const before = statSync(c.dummyStateFile(kept));
    sh('ip', ['-n', c.rig.ns(cut), 'link', 'set', 'eth1', 'up']);
    const healed = await until('one DC again, the Dummy once', NODES, agreed(NODES), 60_000);
    expect(new Set(healed.map((s) => s.dc)).size).toBe(1);
    // Stickiness keeps the Dummy where the majority put it: the heal neither moves nor restarts it
    // (the rejoined node's probe finds nothing), also a few keepalives later.
    expect(dummy(healed[0])?.nodes).toEqual([kept]);
    await new Promise((r) => setTimeout(r, 3000));
    expect(running()).toEqual([kept]);
    const now = statSync(c.dummyStateFile(kept));
    expect([now.ino, now.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    // One CIB: the same configuration and configuration version on every node.
    const configs = await Promise.all(NODES.map((n) => ocfkit('cib', 'query', '--scope', 'configuration', '--run-dir', run(n))));
    expect(configs.map((x) => x.rc)).toEqual([0, 0, 0]);
    expect(new Set(configs.map((x) => x.out)).size).toBe(1);
    expect(new Set(healed.map((s) => s.version.split('.').slice(0, 2).join('.'))).size).toBe(1);
  });

  it('SIGTERM on the node running the Dummy: the DC moves it away first, then the daemon exits 0', async () => {
    const all = await until('the Dummy placed', NODES, agreed(NODES));
    const leaving = dummy(all[0])?.nodes[0] as string;
    const stays = NODES.filter((n) => n !== leaving);
    const proc = c.rig.procs.get(leaving);
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
