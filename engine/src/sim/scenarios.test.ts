import { describe, expect, it } from 'vitest';
import { createSim, DEFAULT_SIM, type SimOptions } from './cluster-sim';

/** A calm network (no loss, 1-10 ms delay), keepalive 1 s, deadtime 5 s, initdead 10 s, one resource. */
const CALM: SimOptions = { ...DEFAULT_SIM, seed: 7, loss: 0, duplicate: 0, delayMs: [1, 10], resources: 1, durationMs: 0 };
const formed = (o: Partial<SimOptions> = {}) => {
  const sim = createSim({ ...CALM, ...o });
  sim.runUntil(20_000);
  expect(sim.failure).toBeUndefined();
  return sim;
};
const holders = (sim: ReturnType<typeof createSim>, rsc = 'r1') => [...sim.active.get(rsc)!].sort();

describe('cluster scenarios on the simulator', () => {
  it('forms one cluster: the smallest name is DC, everyone joined, quorum, the resource runs once', () => {
    const sim = formed();
    const dc = sim.view('n1')!;
    expect({ role: dc.role, phase: dc.phase, quorate: dc.quorate, members: dc.members }).toEqual({
      role: 'dc',
      phase: 'stable',
      quorate: true,
      members: ['n1', 'n2', 'n3'],
    });
    expect(['n2', 'n3'].map((n) => [sim.view(n)!.dc, sim.view(n)!.quorate])).toEqual([
      ['n1', true],
      ['n1', true],
    ]);
    expect(holders(sim)).toEqual(['n1']);
  });

  it('replaces a killed DC within deadtime + one round and recovers its resource after fencing it', () => {
    const sim = formed();
    const killedAt = sim.now;
    sim.kill('n1');
    while (sim.dc() === null || sim.dc() === 'n1') sim.run(10);
    const elapsed = sim.now - killedAt;
    expect(sim.dc()).toBe('n2');
    expect(elapsed).toBeLessThanOrEqual(CALM.deadtimeMs + CALM.keepaliveMs + 20);
    sim.run(5000);
    expect(holders(sim)).toEqual(['n2']);
    expect(sim.failure).toBeUndefined();
  });

  it('a DC elected after its predecessor died has quorum within a few network delays, not keepalives later (the failover waits for it)', () => {
    // keepalive 900 ms / deadtime 3.6 s: the rig's timing at OCFKIT_RIG_TOKEN=1000, where a new DC's quorum waited for the
    // DC's next beat and then the member's next heartbeat to acknowledge it (0.9-1.8 s)
    const slow = { keepaliveMs: 900, deadtimeMs: 3600 };
    const gaps: number[] = [];
    for (const seed of [7, 8, 9, 10, 11]) {
      const sim = formed({ ...slow, seed });
      sim.kill('n1');
      while (sim.view('n2')?.role !== 'dc') sim.run(1);
      const electedAt = sim.now;
      while (!(sim.view('n2')!.quorate && sim.view('n2')!.phase === 'stable')) sim.run(1);
      gaps.push(sim.now - electedAt);
      expect(sim.failure).toBeUndefined();
    }
    // a few one-way delays of at most 10 ms: heartbeat → join, join → beat, beat → acknowledging heartbeat; sync → synced
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60);
  });

  it("a DC killed within initdead of a survivor's boot is replaced within deadtime + one round: the survivor has seen the cluster", () => {
    // n1 restarts and joins n2 (after its boot lease, 3 s); n2 dies then (initdead 10 s). n1, the
    // smallest survivor, used to wait until its boot + initdead, and n3 waited for n1: 7 s, not 5.
    const sim = formed();
    const bootedAt = sim.now + 8000;
    sim.kill('n1', 8000);
    while (sim.view('n1')?.dc !== 'n2') sim.run(10);
    const killedAt = sim.now;
    sim.kill('n2');
    while (sim.dc() === null || sim.dc() === 'n2') sim.run(10);
    expect(sim.now - bootedAt).toBeLessThan(CALM.initdeadMs);
    expect(sim.dc()).toBe('n1');
    expect(sim.now - killedAt).toBeLessThanOrEqual(CALM.deadtimeMs + CALM.keepaliveMs + 20);
    sim.run(10_000);
    expect(holders(sim)).toHaveLength(1);
    expect(sim.failure).toBeUndefined();
  });

  it('a node that never saw the cluster still waits initdead before claiming without a missing node', () => {
    const sim = createSim({ ...CALM, down: ['n2', 'n3'] });
    let claimedAt = -1;
    while (sim.now < 30_000 && claimedAt < 0) {
      sim.run(10);
      if (sim.view('n1')?.role === 'dc') claimedAt = sim.now;
    }
    expect(claimedAt).toBeGreaterThanOrEqual(CALM.initdeadMs);
    expect(sim.failure).toBeUndefined();
  });

  it('a node that comes back does not take the DC role, even with the smallest name', () => {
    const sim = formed();
    sim.kill('n1', 8000);
    sim.run(30_000);
    expect(sim.dc()).toBe('n2');
    expect(sim.view('n2')!.members).toEqual(['n1', 'n2', 'n3']);
    expect(sim.view('n1')!.dc).toBe('n2');
  });

  it('a partitioned node stops its resource before the majority starts it (no-quorum-policy=stop, no fencing), and heals to one CIB', () => {
    const sim = formed({ fencing: false });
    expect(holders(sim)).toEqual(['n1']);
    sim.partition(['n1']);
    let twice = 0;
    let minorityStoppedAt = -1;
    let majorityStartedAt = -1;
    const t0 = sim.now;
    while (sim.now < t0 + 20_000) {
      sim.run(10);
      const h = holders(sim);
      if (h.length > 1) twice++;
      if (minorityStoppedAt < 0 && !h.includes('n1')) minorityStoppedAt = sim.now - t0;
      if (majorityStartedAt < 0 && h.some((n) => n !== 'n1')) majorityStartedAt = sim.now - t0;
    }
    expect(twice).toBe(0);
    expect(minorityStoppedAt).toBeGreaterThan(0);
    expect(minorityStoppedAt).toBeLessThan(majorityStartedAt);
    expect(sim.view('n1')!.quorate).toBe(false);
    expect(sim.dc()).toBe(null); // n1 leads its own partition of one, n2 the majority
    expect([sim.view('n1')!.role, sim.view('n2')!.role, sim.view('n2')!.quorate]).toEqual(['dc', 'dc', true]);
    const id = sim.update('n3');
    const refused = sim.update('n1');
    sim.run(2000);
    expect(sim.committed.has(id)).toBe(true);
    expect(sim.committed.has(refused)).toBe(false);
    sim.heal();
    sim.run(20_000);
    expect(sim.dc()).toBe('n2');
    sim.checkConverged();
    expect(sim.failure).toBeUndefined();
    expect(sim.view('n1')!.copy.content).toContain(id);
  });

  it('a node restarted with an older CIB catches up, and a DC elected with an older copy takes the newest', () => {
    const sim = formed();
    sim.kill('n1');
    sim.run(15_000);
    const ids = ['n2', 'n3', 'n2'].map((n) => sim.update(n));
    sim.run(3000);
    expect(ids.every((id) => sim.committed.has(id))).toBe(true);
    // Everyone down; n1 (older copy, smallest name) comes back with n3 and becomes DC.
    sim.kill('n2');
    sim.kill('n3');
    sim.boot('n1');
    sim.boot('n3');
    sim.run(20_000);
    expect(sim.dc()).toBe('n1');
    expect(sim.view('n1')!.copy.content).toEqual(expect.arrayContaining(ids));
    sim.boot('n2');
    sim.run(20_000);
    sim.checkConverged();
    expect(sim.failure).toBeUndefined();
  });

  it('a node is dead only when every link misses it', () => {
    const sim = formed({ trace: true });
    sim.partition(['n3'], [0]);
    sim.run(15_000);
    expect(sim.view('n1')!.alive).toEqual(['n1', 'n2', 'n3']);
    expect(sim.view('n1')!.members).toEqual(['n1', 'n2', 'n3']);
    expect(sim.trace.some((l) => l.includes('n1: link 0 to n3 dead'))).toBe(true);
    sim.partition(['n3'], [1]);
    sim.run(15_000);
    expect(sim.view('n1')!.alive).toEqual(['n1', 'n2']);
  });

  it('drops and counts forged frames, frames from unknown nodes, and replays', () => {
    const sim = formed();
    const before = sim.view('n2')!;
    const hb = (from: string) => ({
      from,
      gen: 99,
      seq: 1,
      to: null,
      body: {
        t: 'hb' as const,
        link: 0,
        role: 'dc' as const,
        dc: from,
        term: { n: 1000, dc: from },
        beat: 1,
        quorate: true,
        quorateFor: 1e9,
        votes: 9,
        members: [],
        ack: null,
        key: { term: null, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 } },
      },
    });
    sim.inject('n2', 0, sim.sealWith('wrong-key', hb('n1')));
    sim.inject('n2', 0, sim.sealWith('cluster-key', hb('mallory')));
    const old = sim.captured.find((c) => c.to === 'n2')!;
    sim.inject('n2', old.link, old.wire);
    sim.run(5000);
    const after = sim.view('n2')!;
    expect(after.drops).toEqual({
      ...before.drops,
      forged: before.drops.forged + 1,
      unknownSender: before.drops.unknownSender + 1,
      replayed: after.drops.replayed,
    });
    expect(after.drops.replayed).toBeGreaterThan(before.drops.replayed);
    expect([after.dc, after.term]).toEqual([before.dc, before.term]);
  });

  it('two_node: each node alone keeps quorum, but a booting node waits for its peer (wait_for_all)', () => {
    const sim = createSim({ ...CALM, nodes: 2, twoNode: true, fencing: false, down: ['n2'] });
    sim.run(30_000);
    expect(sim.view('n1')!.quorate).toBe(false);
    sim.boot('n2');
    sim.run(20_000);
    expect(sim.view('n1')!.quorate).toBe(true);
    sim.kill('n2');
    sim.run(20_000);
    expect([sim.view('n1')!.role, sim.view('n1')!.quorate]).toEqual(['dc', true]);
  });
});
