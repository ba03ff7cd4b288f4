import { describe, expect, it } from 'vitest';
import { MemberNode } from './member-node';
import type { Body, Codec, Effect, Frame, Heartbeat } from './messages';

type C = string[];
const plain: Codec<C, never> = { seal: (f) => f, open: (w) => w as Frame<C, never> };

function node(): MemberNode<C, never> {
  return new MemberNode<C, never>(
    {
      name: 'a',
      nodes: ['a', 'b'],
      links: 1,
      keepaliveMs: 1000,
      deadtimeMs: 10_000,
      warntimeMs: 2500,
      initdeadMs: 20_000,
      quorum: { votes: {}, twoNode: false, waitForAll: false },
      codec: plain,
      apply: (c) => ({ ok: true, content: c }),
    },
    MemberNode.fresh<C>([]),
    0,
  );
}

const hb: Heartbeat = {
  t: 'hb',
  link: 0,
  role: 'seeking',
  dc: null,
  term: null,
  beat: 0,
  quorate: false,
  quorateFor: 0,
  votes: 0,
  members: [],
  ack: null,
  key: { term: null, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 } },
};

describe('heartbeat gaps (warntime)', () => {
  it('counts the gap from heartbeat to heartbeat on a link: other frames in between do not hide a late one', () => {
    const a = node();
    let seq = 0;
    const logs: string[] = [];
    const from = (now: number, body: Body<C, never>) => {
      const effects: Effect<C>[] = a.step({ type: 'wire', now, link: 0, wire: { from: 'b', gen: 1, seq: ++seq, to: null, body } });
      for (const e of effects) if (e.type === 'log' && e.level === 'warn') logs.push(e.msg);
    };
    for (const t of [0, 1000, 2000]) from(t, hb);
    // 4 s without a heartbeat, but acknowledgements every 500 ms (a busy channel).
    for (let t = 2500; t < 6000; t += 500) from(t, { t: 'ack', toGen: 99, ep: 0, upTo: 0 });
    from(6000, hb);
    from(7000, hb);
    expect(a.heartbeats).toEqual({ received: 4, late: 1, maxGapMs: 4000 });
    expect(logs).toEqual(['a: late heartbeat from b on link 0: 4000 ms after the previous one (warntime 2500 ms)']);
  });
});
