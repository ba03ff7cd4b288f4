/**
 * Large, deterministic CIBs for the scheduler benchmark: N nodes, M resources (primitives with a
 * monitor, every tenth a group of three), location preferences on a tenth, colocations on a
 * twentieth, orders on a twentieth. `steady` gives every resource a current placement in the
 * history (the usual case for a running cluster); otherwise the cluster starts cold.
 */
import type { Constraint, Cib as ModelCib, NodeState as ModelNodeState, Primitive, Resource, Writable } from '../../src/core/cib-model.js';

/** Built here and changed while being built: the writable forms of the model's types. */

type NodeState = Writable<ModelNodeState>;

import { prng } from './generator.js';

function prim(id: string): Primitive {
  return {
    kind: 'primitive',
    id,
    class: 'ocf',
    provider: 'heartbeat',
    type: 'Dummy',
    params: [],
    meta: [],
    ops: [{ id: `${id}-mon`, name: 'monitor', interval: '10s', attrs: { timeout: '20s' }, meta: [] }],
  };
}

/**
 * Builds the benchmark CIB.
 *
 * @example
 * exportCib(benchCib(16, 1000, { steady: true }));
 */
export function benchCib(nodeCount: number, resourceCount: number, opts: { steady: boolean; seed?: number }): ModelCib {
  const rnd = prng(opts.seed ?? 7);
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    id: String(i + 1),
    uname: `node${i + 1}`,
    attributes: [],
    utilization: [],
  }));
  const resources: Resource[] = [];
  const leaves: Primitive[] = [];
  for (let i = 0; i < resources.length + resourceCount && resources.length < resourceCount; i++) {
    if (i % 10 === 9) {
      const members = [0, 1, 2].map((j) => prim(`g${i}m${j}`));
      leaves.push(...members);
      resources.push({ kind: 'group', id: `g${i}`, meta: [], children: members });
    } else {
      const p = prim(`r${i}`);
      leaves.push(p);
      resources.push(p);
    }
  }
  const constraints: Constraint[] = [];
  const node = () => `node${1 + Math.floor(rnd() * nodeCount)}`;
  const rsc = () => resources[Math.floor(rnd() * resources.length)]?.id as string;
  for (let i = 0; i < resourceCount / 10; i++)
    constraints.push({ kind: 'location', id: `loc${i}`, rsc: rsc(), node: node(), score: String(Math.floor(rnd() * 200) - 50), rules: [] });
  for (let i = 0; i < resourceCount / 20; i++) {
    const a = rsc();
    const b = rsc();
    if (a !== b) constraints.push({ kind: 'colocation', id: `col${i}`, rsc: a, withRsc: b, score: rnd() < 0.5 ? 'INFINITY' : '200' });
  }
  for (let i = 0; i < resourceCount / 20; i++) {
    const a = Math.floor(rnd() * (resources.length - 1));
    const b = a + 1 + Math.floor(rnd() * (resources.length - a - 1));
    constraints.push({
      kind: 'order',
      id: `ord${i}`,
      first: resources[a]?.id as string,
      thenRsc: resources[b]?.id as string,
      orderKind: 'Optional',
    });
  }
  let call = 1;
  const status: NodeState[] = nodes.map((n) => ({
    id: n.id,
    uname: n.uname,
    attrs: { id: n.id, uname: n.uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' },
    transient: [],
    lrm: [],
  }));
  if (opts.steady) {
    resources.forEach((r, i) => {
      const s = status[i % nodeCount] as NodeState;
      for (const p of r.kind === 'group' ? r.children : r.kind === 'primitive' ? [r] : []) {
        // Probed everywhere else: not running.
        for (const other of status) {
          if (other === s) continue;
          const c = call++;
          const key = `${c}:1:7:00000000-0000-0000-0000-000000000000`;
          const id = `${p.id}_last_0`;
          other.lrm.push({
            id: p.id,
            class: 'ocf',
            provider: 'heartbeat',
            type: 'Dummy',
            ops: [
              {
                id,
                operation: 'monitor',
                callId: c,
                rc: 7,
                opStatus: 0,
                intervalMs: 0,
                attrs: {
                  id,
                  operation_key: `${p.id}_monitor_0`,
                  operation: 'monitor',
                  'transition-key': key,
                  'transition-magic': `0:7;${key}`,
                  'call-id': String(c),
                  'rc-code': '7',
                  'op-status': '0',
                  interval: '0',
                  'last-rc-change': '1799990000',
                  'exec-time': '0',
                  'queue-time': '0',
                },
              },
            ],
          });
        }
        const c = call++;
        const key = `${c}:1:0:00000000-0000-0000-0000-000000000000`;
        const attrs = (id: string, op: string, interval: number) => ({
          id,
          operation_key: `${p.id}_${op}_${interval}`,
          operation: op,
          'transition-key': key,
          'transition-magic': `0:0;${key}`,
          'call-id': String(c),
          'rc-code': '0',
          'op-status': '0',
          interval: String(interval),
          'last-rc-change': '1799990000',
          'exec-time': '0',
          'queue-time': '0',
        });
        s.lrm.push({
          id: p.id,
          class: 'ocf',
          provider: 'heartbeat',
          type: 'Dummy',
          ops: [
            {
              id: `${p.id}_last_0`,
              operation: 'start',
              callId: c,
              rc: 0,
              opStatus: 0,
              intervalMs: 0,
              attrs: attrs(`${p.id}_last_0`, 'start', 0),
            },
            {
              id: `${p.id}_monitor_10000`,
              operation: 'monitor',
              callId: c,
              rc: 0,
              opStatus: 0,
              intervalMs: 10000,
              attrs: attrs(`${p.id}_monitor_10000`, 'monitor', 10000),
            },
          ],
        });
      }
    });
  }
  return {
    attrs: {
      crm_feature_set: '3.16.1',
      'validate-with': 'pacemaker-3.9',
      epoch: '1',
      num_updates: '0',
      admin_epoch: '0',
      'have-quorum': '1',
      'dc-uuid': '1',
    },
    crmConfig: [
      {
        id: 'opts',
        pairs: [
          { id: 'opt-st', name: 'stonith-enabled', value: 'false' },
          { id: 'opt-nq', name: 'no-quorum-policy', value: 'ignore' },
        ],
      },
    ],
    nodes,
    resources,
    constraints,
    rscDefaults: [{ id: 'rsc-options', pairs: [{ id: 'rsc-options-st', name: 'resource-stickiness', value: '100' }] }],
    opDefaults: [],
    other: [],
    status,
  };
}
