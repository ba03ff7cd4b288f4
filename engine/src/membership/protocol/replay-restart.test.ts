import { describe, expect, it } from 'vitest';
import { MemberNode } from './member-node';
import type { Codec, Effect, Persisted } from './messages';
import type { NodeOptions } from './options';

type C = Record<string, string>;
const codec: Codec<C, never> = { seal: (f) => JSON.stringify(f), open: (w) => JSON.parse(w as string) };
const opts = (name: string): NodeOptions<C, never> => ({
  name,
  nodes: ['n1', 'n2'],
  links: 1,
  keepaliveMs: 1000,
  deadtimeMs: 5000,
  warntimeMs: 2500,
  initdeadMs: 10_000,
  quorum: { votes: {}, twoNode: false, waitForAll: false },
  codec,
  apply: (c) => ({ ok: true, content: c }),
});
const wires = (effects: Effect<C>[]) => effects.flatMap((e) => (e.type === 'send' ? [e.wire] : []));
const lastPersisted = (effects: Effect<C>[], before: Persisted<C>) =>
  effects.reduce((p, e) => (e.type === 'persist' ? e.state : p), before);

/** Boots n1 from `state`, feeds it `wire`s at `now`, and returns it with what it persisted. */
function boot(state: Persisted<C>, now: number, feed: unknown[]) {
  const n = new MemberNode<C, never>(opts('n1'), state, now);
  let effects = n.start(now);
  for (const wire of feed) effects = [...effects, ...n.step({ type: 'wire', now, link: 0, wire })];
  return { n, state: lastPersisted(effects, state) };
}

describe("replay protection survives a restart (the peers' generations and sequence numbers are persisted)", () => {
  it('a frame captured before the restart is a replay after it; a frame of an older generation is stale; new frames pass', () => {
    const n2 = new MemberNode<C, never>(opts('n2'), MemberNode.fresh({}), 0);
    const n2State = lastPersisted(n2.start(0), MemberNode.fresh({}));
    const captured = wires(n2.step({ type: 'wake', now: 1000 }));
    expect(captured.length).toBeGreaterThan(0);

    const first = boot(MemberNode.fresh({}), 1000, captured);
    expect(first.n.drops).toMatchObject({ replayed: 0, staleGeneration: 0 });
    expect(first.state.peers?.n2).toEqual({ gen: 1, seq: expect.any(Number) });

    // n1 restarts: the same frames again are replays, as they were before the restart.
    const second = boot(first.state, 2000, captured);
    expect(second.n.drops.replayed).toBe(captured.length);
    // n2's next heartbeats (same generation, higher sequence numbers) are accepted.
    const fresh = wires(n2.step({ type: 'wake', now: 2000 }));
    for (const wire of fresh) second.n.step({ type: 'wire', now: 2000, link: 0, wire });
    expect(second.n.drops.replayed).toBe(captured.length);
    expect(second.n.view(2000).alive).toEqual(['n1', 'n2']);

    // n2 restarts (generation 2); n1 sees it, then restarts itself: n2's generation-1 frames are stale.
    const n2b = new MemberNode<C, never>(opts('n2'), n2State, 3000);
    const gen2 = wires(n2b.start(3000));
    let state = second.state;
    for (const wire of gen2) state = lastPersisted(second.n.step({ type: 'wire', now: 3000, link: 0, wire }), state);
    expect(state.peers?.n2?.gen).toBe(2);
    const third = boot(state, 4000, [...captured, ...fresh]);
    expect(third.n.drops.staleGeneration).toBe(captured.length + fresh.length);
  });
});
