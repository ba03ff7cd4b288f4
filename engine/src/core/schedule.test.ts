import { describe, expect, it } from 'vitest';
import { applyTransition } from './apply.js';
import type { Cib as ModelCib, NodeState as ModelNodeState, Primitive as ModelPrimitive, Writable } from './cib-model.js';

/** Built here and changed while being built: the writable forms of the model's types. */
type Cib = Writable<ModelCib>;
type NodeState = Writable<ModelNodeState>;
type Primitive = Writable<ModelPrimitive>;

import { schedule } from './schedule.js';
import { unpack } from './unpack.js';

const NOW = 1_800_000_000;
const prim = (id: string, meta: Record<string, string> = {}): Primitive => ({
  kind: 'primitive',
  id,
  class: 'ocf',
  provider: 'heartbeat',
  type: 'Dummy',
  params: [],
  meta: Object.keys(meta).length
    ? [{ id: `${id}-meta`, pairs: Object.entries(meta).map(([name, value]) => ({ id: `${id}-${name}`, name, value })) }]
    : [],
  ops: [],
});
const up = (n: number, transient: Record<string, string> = {}): NodeState => ({
  id: String(n),
  uname: `n${n}`,
  attrs: { id: String(n), uname: `n${n}`, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' },
  transient: Object.keys(transient).length
    ? [{ id: `st-${n}`, pairs: Object.entries(transient).map(([name, value]) => ({ id: `st-${n}-${name}`, name, value })) }]
    : [],
  lrm: [],
});
function cib(resources: Cib['resources'], constraints: Cib['constraints'], status: NodeState[]): Cib {
  return {
    attrs: { 'have-quorum': '1' },
    crmConfig: [{ id: 'o', pairs: [{ id: 'o1', name: 'stonith-enabled', value: 'false' }] }],
    nodes: [1, 2, 3].map((i) => ({ id: String(i), uname: `n${i}`, attributes: [], utilization: [] })),
    resources,
    constraints,
    rscDefaults: [],
    opDefaults: [],
    other: [],
    status,
  };
}
const where = (c: Cib) => Object.fromEntries(schedule({ cib: c, now: NOW }).placements.map((p) => [p.rsc, p.node ?? p.role]));

describe('schedule', () => {
  it('breaks ties by fewest assigned resources, then node name', () => {
    expect(where(cib([prim('a'), prim('b'), prim('c'), prim('d')], [], [up(1), up(2), up(3)]))).toEqual({
      a: 'n1',
      b: 'n2',
      c: 'n3',
      d: 'n1',
    });
  });

  it('honours scores, INFINITY colocation and -INFINITY bans', () => {
    const c = cib(
      [prim('db'), prim('web')],
      [
        { kind: 'location', id: 'l1', rsc: 'db', node: 'n2', score: '100', rules: [] },
        { kind: 'colocation', id: 'c1', rsc: 'web', withRsc: 'db', score: 'INFINITY' },
        { kind: 'location', id: 'l2', rsc: 'web', node: 'n2', score: '-INFINITY', rules: [] },
      ],
      [up(1), up(2), up(3)],
    );
    // web must be with db, and db's preference (100) loses to web's ban pulled in through the colocation.
    expect(where(c)).toEqual({ db: 'n1', web: 'n1' });
  });

  it('moves a resource away once its fail count reaches migration-threshold, unless the failure expired', () => {
    const running = (s: NodeState) => {
      s.lrm.push({
        id: 'a',
        class: 'ocf',
        provider: 'heartbeat',
        type: 'Dummy',
        ops: [{ id: 'a_last_0', operation: 'start', callId: 5, rc: 0, opStatus: 0, intervalMs: 0, attrs: { 'transition-key': '5:1:0:x' } }],
      });
      return s;
    };
    const failed = (last: number) =>
      cib(
        [prim('a', { 'migration-threshold': '2', 'failure-timeout': '60s', 'resource-stickiness': '100' })],
        [],
        [running(up(1, { 'fail-count-a#monitor_10000': '2', 'last-failure-a#monitor_10000': String(last) })), up(2), up(3)],
      );
    expect(where(failed(NOW - 10)).a).toBe('n2');
    expect(where(failed(NOW - 600)).a).toBe('n1');
  });

  describe('clones', () => {
    const clone = (meta: Record<string, string>, child = prim('r')): Cib['resources'][number] => ({
      kind: 'clone',
      id: 'c',
      meta: [{ id: 'c-meta', pairs: Object.entries(meta).map(([name, value]) => ({ id: `c-${name}`, name, value })) }],
      child,
    });
    const started = (c: Cib) => schedule({ cib: c, now: NOW }).placements.filter((p) => p.role !== 'Stopped');

    it('runs several instances per node only for a globally-unique clone (clone-node-max)', () => {
      const meta = { 'clone-max': '4', 'clone-node-max': '2' };
      // Pacemaker ignores clone-node-max for an anonymous clone: one instance per node.
      expect(started(cib([clone(meta)], [], [up(1), up(2), up(3)])).map((p) => p.node)).toEqual(['n1', 'n2', 'n3']);
      const unique = started(cib([clone({ ...meta, 'globally-unique': 'true' })], [], [up(1), up(2), up(3)]));
      expect(unique.map((p) => `${p.rsc}@${p.node}`)).toEqual(['r:0@n1', 'r:1@n2', 'r:2@n3', 'r:3@n1']);
    });

    it("bans only the globally-unique instance that reached migration-threshold, and keeps each instance's own history", () => {
      const on = (s: NodeState, ...ids: string[]) => {
        for (const id of ids)
          s.lrm.push({
            id,
            class: 'ocf',
            provider: 'heartbeat',
            type: 'Dummy',
            ops: [
              {
                id: `${id}_last_0`,
                operation: 'start',
                callId: 5,
                rc: 0,
                opStatus: 0,
                intervalMs: 0,
                attrs: { 'transition-key': '5:1:0:x' },
              },
            ],
          });
        return s;
      };
      const failing = (unique: boolean) =>
        cib(
          [clone({ 'clone-max': '4', 'clone-node-max': '2', 'migration-threshold': '1', 'globally-unique': String(unique) })],
          [],
          [
            on(up(1, { 'fail-count-r:0#monitor_10000': '1', 'fail-count-r#monitor_10000': unique ? '0' : '1' }), 'r:0', 'r:3'),
            on(up(2), 'r:1'),
            on(up(3), 'r:2'),
          ],
        );
      const c = failing(true);
      const r = schedule({ cib: c, now: NOW });
      expect(r.placements.map((p) => `${p.rsc}@${p.node}`)).toEqual(['r:0@n2', 'r:1@n2', 'r:2@n3', 'r:3@n1']);
      // The output CIB records the move under the instance's own name.
      const after = applyTransition(c, r.graph, NOW);
      expect(
        after.status
          .find((s) => s.uname === 'n2')
          ?.lrm.map((l) => l.id)
          .sort(),
      ).toEqual(['r:0', 'r:1', 'r:2', 'r:3']);
      // An anonymous clone's fail count bans the whole clone from n1.
      expect(started(failing(false)).some((p) => p.node === 'n1')).toBe(false);
    });
  });

  it('records the stop of an orphaned instance of a removed clone under its own history entry', () => {
    // `r:3` was a globally-unique clone's instance; the clone is no longer configured.
    const n1 = up(1);
    n1.lrm.push({
      id: 'r:3',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      ops: [{ id: 'r:3_last_0', operation: 'start', callId: 5, rc: 0, opStatus: 0, intervalMs: 0, attrs: { 'transition-key': '5:1:0:x' } }],
    });
    const c = cib([prim('a')], [], [n1, up(2), up(3)]);
    const r = schedule({ cib: c, now: NOW });
    expect(r.graph.actions.filter((x) => x.task === 'stop').map((x) => `${x.rsc}@${x.node}`)).toEqual(['r:3@n1']);
    const after = applyTransition(c, r.graph, NOW);
    expect(after.status.find((s) => s.uname === 'n1')?.lrm.map((l) => `${l.id} ${l.ops.at(-1)?.operation}`)).toEqual([
      'r:3 stop',
      'a start',
    ]);
    expect(
      unpack(after, NOW)
        .primitives.filter((p) => p.runningOn.length > 0)
        .map((p) => p.id),
    ).toEqual(['a']);
  });

  it('is deterministic and does not modify its input', () => {
    const c = cib(
      [prim('a'), prim('b')],
      [{ kind: 'colocation', id: 'c', rsc: 'a', withRsc: 'b', score: '-INFINITY' }],
      [up(1), up(2), up(3)],
    );
    const before = JSON.stringify(c);
    const one = schedule({ cib: c, now: NOW });
    const two = schedule({ cib: c, now: NOW });
    expect(JSON.stringify(c)).toBe(before);
    expect(two).toEqual(one);
  });

  it('after applying its own transition, the cluster is where the placements say and nothing is left to do', () => {
    const c = cib([prim('a'), { kind: 'group', id: 'g', meta: [], children: [prim('g1'), prim('g2')] }], [], [up(1), up(2), up(3)]);
    const r = schedule({ cib: c, now: NOW });
    const after = applyTransition(c, r.graph, NOW);
    const ws = unpack(after, NOW);
    expect(Object.fromEntries(ws.primitives.map((p) => [p.id, p.runningOn.map((n) => n.uname).join()]))).toEqual(
      Object.fromEntries(r.placements.map((p) => [p.rsc, p.node ?? ''])),
    );
    expect(schedule({ cib: after, now: NOW }).graph.actions).toEqual([]);
  });

  it('says which configured features it does not model instead of deciding quietly', () => {
    // Notifications are modelled for a clone of a primitive, not for a cloned group.
    const clone: Cib['resources'][number] = {
      kind: 'clone',
      id: 'c-clone',
      child: { kind: 'group', id: 'c-group', children: [prim('c')], meta: [] },
      meta: [{ id: 'cm', pairs: [{ id: 'cm1', name: 'notify', value: 'true' }] }],
    };
    const notifying: Cib['resources'][number] = { ...clone, id: 'n-clone', child: prim('n') };
    const migratingClone: Cib['resources'][number] = {
      kind: 'clone',
      id: 'm-clone',
      child: prim('m', { 'allow-migrate': 'true' }),
      meta: [],
    };
    const withFeatures = cib([prim('a', { 'allow-migrate': 'true' }), clone, notifying, migratingClone], [], [up(1)]);
    const warnings = schedule({ cib: withFeatures, now: NOW }).warnings;
    expect(warnings.some((w) => /notifications \(c-clone\)/.test(w))).toBe(true);
    expect(warnings.some((w) => /n-clone/.test(w))).toBe(false);
    // Live migration is modelled for a primitive, not for clone instances.
    expect(warnings.some((w) => /live migration of clone instances \(m\)/.test(w))).toBe(true);
    expect(warnings.some((w) => /\(a\)/.test(w))).toBe(false);
    expect(schedule({ cib: cib([prim('a')], [], [up(1)]), now: NOW }).warnings).toEqual([]);
  });

  it('runs a role=Stopped monitor, expecting "not running", on every node but the one the resource runs on, after the probe there', () => {
    const a: Primitive = {
      ...prim('a'),
      ops: [
        { id: 'a-mon', name: 'monitor', interval: '10s', attrs: {}, meta: [] },
        { id: 'a-mon-stopped', name: 'monitor', interval: '20s', attrs: { role: 'Stopped' }, meta: [] },
      ],
    };
    const r = schedule({ cib: cib([a], [], [up(1), up(2), up(3)]), now: NOW });
    const started = r.placements.find((p) => p.rsc === 'a')?.node;
    const monitors = r.graph.actions.filter((x) => x.task === 'monitor' && x.intervalMs > 0);
    const others = ['n1', 'n2', 'n3'].filter((n) => n !== started);
    expect(monitors.map((x) => `${x.key} ${x.node}`).sort()).toEqual(
      [`a_monitor_10000 ${started}`, ...others.map((n) => `a_monitor_20000 ${n}`)].sort(),
    );
    for (const m of monitors.filter((x) => x.intervalMs === 20000)) {
      expect(m.detail?.targetRc).toBe(7);
      const probe = r.graph.actions.find((x) => x.probe && x.node === m.node);
      expect(r.graph.edges).toContainEqual({ before: probe?.id, after: m.id });
    }
    expect(r.warnings.some((w) => /role=Stopped/.test(w))).toBe(false);
  });

  it('moves resources off a node that is shutting down cleanly, without fencing it', () => {
    const running = (n: number, rsc: string, transient: Record<string, string> = {}): NodeState => {
      const s = up(n, transient);
      s.lrm = [
        {
          id: rsc,
          class: 'ocf',
          provider: 'heartbeat',
          type: 'Dummy',
          ops: [
            {
              id: `${rsc}_last_0`,
              operation: 'start',
              callId: 5,
              rc: 0,
              opStatus: 0,
              intervalMs: 0,
              attrs: { 'transition-key': '5:1:0:x' },
            },
          ],
        },
      ];
      return s;
    };
    const c = cib([prim('a'), prim('fence')], [], [running(1, 'a', { shutdown: '1799999000' }), up(2), up(3)]);
    c.crmConfig = [{ id: 'o', pairs: [{ id: 'o1', name: 'stonith-enabled', value: 'true' }] }];
    const fence = c.resources[1] as Primitive;
    fence.class = 'stonith';
    fence.provider = undefined;
    const r = schedule({ cib: c, now: NOW });
    expect(r.graph.actions.filter((a) => a.task === 'stonith')).toEqual([]);
    expect(r.placements.find((p) => p.rsc === 'a')?.node).toBe('n2');
  });

  it("reads a colocation's influence as Pacemaker does: an invalid value is the default", () => {
    // a (banned from n1) with b (active on n1): with influence, b moves to n2 with a; without, b
    // stays and a cannot run. Pacemaker takes an invalid value as the default (critical: true).
    const placed = (influence: string | undefined) => {
      const s = up(1);
      s.lrm = [
        {
          id: 'b',
          class: 'ocf',
          provider: 'heartbeat',
          type: 'Dummy',
          ops: [
            { id: 'b_last_0', operation: 'start', callId: 5, rc: 0, opStatus: 0, intervalMs: 0, attrs: { 'transition-key': '5:1:0:x' } },
          ],
        },
      ];
      const c = cib(
        [prim('a'), prim('b')],
        [
          { kind: 'location', id: 'ban', rsc: 'a', node: 'n1', score: '-INFINITY', rules: [] },
          { kind: 'colocation', id: 'c', rsc: 'a', withRsc: 'b', score: 'INFINITY', ...(influence !== undefined ? { influence } : {}) },
        ],
        [s, up(2), up(3)],
      );
      return where(c);
    };
    expect(placed(undefined)).toEqual({ a: 'n2', b: 'n2' });
    expect(placed('invalid')).toEqual({ a: 'n2', b: 'n2' });
    expect(placed('Yes')).toEqual({ a: 'n2', b: 'n2' });
    expect(placed('no')).toEqual({ a: 'Stopped', b: 'n1' });
  });
});
