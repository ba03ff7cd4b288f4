import { describe, expect, it } from 'vitest';
import { NOW, profileFor } from '../../test/scheduler/differential.js';
import { generateCib } from '../../test/scheduler/generator.js';
import { lrmOp } from '../../test/scheduler/history-gen.js';
import type { LrmOp, Primitive } from './cib-model.js';
import { type HistoryContext, unpackHistory } from './history.js';
import { UnpackMemo } from './unpack-memo.js';

/** Every (primitive, history) pair of some generated CIBs: failures, failure-timeouts, failed stops among them. */
function histories(): { prim: Primitive; ops: readonly LrmOp[]; failureTimeoutS: number }[] {
  const out: { prim: Primitive; ops: readonly LrmOp[]; failureTimeoutS: number }[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const cib = generateCib(seed, { ...profileFor(seed), failureChance: 0.5 });
    const prims = new Map<string, Primitive>();
    const walk = (r: (typeof cib.resources)[number]): void => {
      if (r.kind === 'primitive') prims.set(r.id, r);
      else if (r.kind === 'group') r.children.forEach(walk);
      else walk(r.child);
    };
    cib.resources.forEach(walk);
    for (const s of cib.status)
      for (const lr of s.lrm) {
        const prim = prims.get(lr.id.replace(/:\d+$/, ''));
        if (prim) out.push({ prim, ops: lr.ops, failureTimeoutS: lr.ops.length % 2 === 0 ? 600 : 0 });
      }
  }
  // A recurring monitor that failed long ago: rescheduled only on a node that is online and clean.
  const prim = out[0]?.prim as Primitive;
  const start = lrmOp(prim.id, {
    id: `${prim.id}_last_0`,
    task: 'start',
    intervalMs: 0,
    callId: 1,
    rc: 0,
    expected: 0,
    lastRcChange: NOW - 7200,
  });
  const failed = {
    id: `${prim.id}_monitor_10000`,
    task: 'monitor',
    intervalMs: 10000,
    callId: 2,
    rc: 7,
    expected: 0,
    lastRcChange: NOW - 7000,
  };
  out.push({
    prim,
    ops: [start, lrmOp(prim.id, failed), lrmOp(prim.id, { ...failed, id: `${prim.id}_last_failure_0` })],
    failureTimeoutS: 600,
  });
  return out;
}

/** Each input of unpackHistory besides the operations, changed one at a time. */
const variations: [string, (n: { online: boolean; unclean: boolean }, c: HistoryContext) => [typeof n, HistoryContext]][] = [
  ['node offline', (n, c) => [{ ...n, online: false }, c]],
  ['node unclean', (n, c) => [{ ...n, unclean: true }, c]],
  ['fencing disabled', (n, c) => [n, { ...c, stonithEnabled: !c.stonithEnabled }]],
  ['cannot fence', (n, c) => [n, { ...c, canFence: !c.canFence }]],
  ['unmanaged', (n, c) => [n, { ...c, managed: false }]],
  ['promotable', (n, c) => [n, { ...c, promotable: !c.promotable }]],
  ['next role Stopped', (n, c) => [n, { ...c, nextRole: 'Stopped' }]],
  ['no failure-timeout', (n, c) => [n, { ...c, failureTimeoutS: 0 }]],
  ['failure-timeout of a day', (n, c) => [n, { ...c, failureTimeoutS: c.failureTimeoutS > 0 ? 86_400 : 0 }]],
  ['long before', (n, c) => [n, { ...c, now: 0 }]],
  ['fail count still effective', (n, c) => [n, { ...c, failCount: () => 1 }]],
  [
    'on-fail=ignore by default',
    (n, c) => [n, { ...c, opDefaults: [{ id: 'od', pairs: [{ id: 'od-of', name: 'on-fail', value: 'ignore' }] }] }],
  ],
  [
    'ops reconfigured',
    (n, c) => [
      n,
      { ...c, prim: c.prim && { ...c.prim, ops: c.prim.ops.map((o) => ({ ...o, attrs: { ...o.attrs, 'on-fail': 'block' } })) } },
    ],
  ],
];

describe('UnpackMemo', () => {
  it('answers a history again only for the very inputs it was unpacked from', () => {
    const all = histories();
    expect(all.length).toBeGreaterThan(200);
    const differs = new Map<string, number>();
    for (const { prim, ops, failureTimeoutS } of all) {
      const node = { online: true, unclean: false };
      const ctx: HistoryContext = {
        prim,
        stonithEnabled: true,
        canFence: true,
        opDefaults: [],
        // An hour on, with failures expired after 10 minutes (a raw fail count, none effective).
        now: NOW + 3600,
        failureTimeoutS,
        managed: true,
        promotable: false,
        failCount: (effective) => (effective ? 0 : 1),
        nextRole: 'Unknown',
      };
      const base = unpackHistory(ops, node, ctx);
      for (const [name, vary] of variations) {
        const memo = new UnpackMemo();
        expect(memo.history(ops, node, ctx)).toEqual(base);
        const [n2, c2] = vary(node, ctx);
        const direct = unpackHistory(ops, n2, c2);
        expect(memo.history(ops, n2, c2), `${name}: ${ops.map((o) => `${o.id} rc ${o.rc}`).join(', ')}`).toEqual(direct);
        if (JSON.stringify(direct) !== JSON.stringify(base)) differs.set(name, (differs.get(name) ?? 0) + 1);
        // The same inputs again: answered from the memo.
        const { hits } = memo.counts;
        memo.history(ops, n2, c2);
        expect(memo.counts.hits).toBe(hits + 1);
      }
    }
    // Each variation changes the outcome of some history, so a memo that ignored it would be caught above.
    expect([...variations.map(([name]) => name)].filter((name) => !differs.has(name))).toEqual([]);
  });
});
