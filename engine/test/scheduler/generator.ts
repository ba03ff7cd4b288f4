/**
 * A seeded generator of random CIBs within the subset the engine's scheduler supports: nodes
 * online/offline/standby with attributes, primitives and groups, location constraints with
 * scores and rules (the diskcheck rule among them), colocations, orders, stickiness with a
 * current placement taken from the operation history, fail counts with migration-threshold and
 * failure-timeout; clones anonymous or globally-unique (instances `rsc:N` in the history, with
 * their own fail counts and promotion scores), clone-node-max, interleave, promotable; allow-migrate
 * on some primitives and group members. Same seed, same CIB.
 */
import type {
  Constraint,
  Cib as ModelCib,
  NodeState as ModelNodeState,
  NvSet as ModelNvSet,
  Op as ModelOp,
  Primitive as ModelPrimitive,
  Resource as ModelResource,
  Rule,
  Writable,
} from '../../src/core/cib-model.js';

/** Built here and changed while being built: the writable forms of the model's types. */

type NodeState = Writable<ModelNodeState>;
type NvSet = Writable<ModelNvSet>;
type Op = Writable<ModelOp>;
type Primitive = Writable<ModelPrimitive>;
type Resource = Writable<ModelResource>;

import { addH101Features, type H101Options } from './gen-h101.js';
import { addH102Features, type H102Chances, unfencedWhereRunning } from './gen-h102.js';
import { addH103Features, type H103Chances } from './gen-h103.js';
import { addH134Features, type H134Chances } from './gen-h134.js';
import { type FailureKind, injectFailure, lrmOp } from './history-gen.js';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from one random stream: a number in [0, 1), an integer in [lo, hi], a pick, a chance. */
export interface Draw {
  rnd: () => number;
  int: (lo: number, hi: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
}

/**
 * The draws of one stream, as the feature modules (gen-h103.ts, gen-h134.ts) take them.
 *
 * @example
 * drawsFrom(prng(seed * 104729 + 134)).int(1, 3) // 1, 2 or 3
 */
export function drawsFrom(rnd: () => number): Draw {
  return {
    rnd,
    int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T,
    chance: (p) => rnd() < p,
  };
}

interface GenOptions extends H101Options, H102Chances, H103Chances, H134Chances {
  /** The scheduler's notion of now (seconds); fail timestamps are placed around it. */
  now: number;
  maxNodes?: number;
  maxResources?: number;
  maxConstraints?: number;
  /** Probability that a top-level resource is an anonymous clone (default 0.15). */
  cloneChance?: number;
  /** Probability of stonith-enabled=true with a fence device and an unclean node (default 0.1). */
  fencingChance?: number;
  /** Probability that a clone is promotable (default 0.4). */
  promotableChance?: number;
  /** Probability that a placed primitive has a failure in its history on a node (default 0.12). */
  failureChance?: number;
  /** Probability that a clone is globally-unique (default 0.3). */
  uniqueChance?: number;
  /** Probability that a clone has interleave=true (default 0.35). */
  interleaveChance?: number;
  /** Chance that a primitive or group member allows live migration (default 0.3). */
  migrateChance?: number;
  /** Chance of a placement strategy other than `default`, with node capacities and resource utilization (default 0). */
  utilizationChance?: number;
}

/** How a globally-unique clone's instances may be laid out in the generated history. */
interface UniqueShape {
  perNode: number;
  /** A random instance number not used yet (one at clone-max, an orphan, now and then), or undefined when none is left. */
  take: () => number | undefined;
}

const onFailValues = ['ignore', 'block', 'stop', 'restart', 'standby', 'fence', 'demote'];
const scores = ['-INFINITY', '-100', '0', '10', '50', '100', '200', 'INFINITY'];
const stickies = ['0', '0', '1', '50', '100', 'INFINITY'];

function flatPairs(sets: readonly NvSet[]): [string, string][] {
  return sets.flatMap((set) => set.pairs.map((x): [string, string] => [x.name, x.value]));
}

function meta(id: string, pairs: [string, string][]): NvSet[] {
  if (pairs.length === 0) return [];
  return [{ id: `${id}-meta`, pairs: pairs.map(([name, value]) => ({ id: `${id}-meta-${name}`, name, value })) }];
}

/** Would colocating `a` with `b` close a cycle through three or more resources? */
function longCycle(constraints: Constraint[], a: string, b: string): boolean {
  const edges: [string, string][] = [];
  for (const c of constraints) if (c.kind === 'colocation') edges.push([c.rsc, c.withRsc]);
  // Is `a` reachable from `b` by a path of two or more edges?
  const seen = new Set<string>();
  const queue: [string, number][] = [[b, 0]];
  while (queue.length > 0) {
    const [at, depth] = queue.shift() as [string, number];
    for (const [from, to] of edges) {
      if (from !== at) continue;
      if (to === a && depth + 1 >= 2) return true;
      if (!seen.has(to)) {
        seen.add(to);
        queue.push([to, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * Generates one random CIB from a seed.
 *
 * @example
 * const cib = generateCib(42, { now: 1_800_000_000 });
 */
export function generateCib(seed: number, opts: GenOptions): ModelCib {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const chance = (p: number) => rnd() < p;
  // Failures and on-fail draw from their own stream, so the rest of a seed's CIB stays as it was.
  const frnd = prng(seed * 7919 + 17);
  const fpick = <T>(xs: readonly T[]): T => xs[Math.floor(frnd() * xs.length)] as T;
  const fchance = (p: number) => frnd() < p;
  const failureChance = opts.failureChance ?? 0.12;
  const onFailOp = (id: string, name: string, interval: string, extra: Record<string, string> = {}): Op => ({
    id: `${id}-${name}-${interval}`,
    name,
    interval,
    attrs: { timeout: '20s', ...extra, ...(fchance(0.6) ? { 'on-fail': fpick(onFailValues) } : {}) },
    meta: [],
  });

  const nNodes = int(2, opts.maxNodes ?? 5);
  const nodes = Array.from({ length: nNodes }, (_, i) => {
    const uname = `node${i + 1}`;
    const attrs: [string, string][] = [['site', pick(['a', 'b'])]];
    if (chance(0.12)) attrs.push(['standby', 'on']);
    return {
      id: String(i + 1),
      uname,
      attributes: [{ id: `nodes-${i + 1}`, pairs: attrs.map(([name, value]) => ({ id: `nodes-${i + 1}-${name}`, name, value })) }],
      utilization: [],
    };
  });
  const online = nodes.map(() => chance(0.82));
  if (!online.some(Boolean)) online[0] = true;

  const prims: Primitive[] = [];
  const prim = (id: string, metaPairs: [string, string][]): Primitive => {
    const p: Primitive = {
      kind: 'primitive',
      id,
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      params: [],
      meta: meta(id, metaPairs),
      ops: chance(0.5) ? [{ id: `${id}-monitor-10s`, name: 'monitor', interval: '10s', attrs: { timeout: '20s' }, meta: [] }] : [],
    };
    if (failureChance > 0) {
      // on-fail on some operations (any value the schema allows, also ones not valid for the operation).
      const mon = p.ops[0];
      if (mon && fchance(0.5)) mon.attrs['on-fail'] = fpick(onFailValues);
      if (fchance(0.3)) p.ops.push(onFailOp(id, 'start', '0'));
      if (fchance(0.3)) p.ops.push(onFailOp(id, 'stop', '0'));
    }
    prims.push(p);
    return p;
  };
  const rscMeta = (): [string, string][] => {
    const m: [string, string][] = [];
    if (chance(0.4)) m.push(['resource-stickiness', pick(stickies)]);
    if (chance(0.15)) m.push(['priority', String(int(1, 3))]);
    if (chance(0.06)) m.push(['target-role', 'Stopped']);
    if (chance(0.3)) m.push(['migration-threshold', String(int(1, 3))]);
    if (chance(0.2)) m.push(['failure-timeout', pick(['60s', '10min', '120'])]);
    return m;
  };
  const resources: Resource[] = [];
  const uniqueShapes = new Map<string, UniqueShape>();
  // Several instances per node are for globally-unique clones only, and interleaved clones must
  // allow the same number per node as the clones they are colocated with (anything else is a
  // configuration error for crm_verify): so either every clone here is globally-unique with the
  // same clone-node-max > 1, or every clone runs one instance per node.
  const perNode = chance(0.2) ? int(2, 3) : 1;
  const nRes = int(1, opts.maxResources ?? 7);
  for (let i = 0; i < nRes; i++) {
    if (chance(opts.cloneChance ?? 0.15)) {
      const cid = `cln${i}`;
      const cmeta: [string, string][] = [];
      const unique = perNode > 1 || chance(opts.uniqueChance ?? 0.3);
      if (unique) cmeta.push(['globally-unique', 'true']);
      if (perNode > 1 || chance(0.1)) cmeta.push(['clone-node-max', String(perNode)]);
      const max = chance(0.4) ? int(1, nNodes * (unique ? perNode : 1)) : nNodes;
      if (max !== nNodes || chance(0.2)) cmeta.push(['clone-max', String(max)]);
      if (chance(opts.interleaveChance ?? 0.35)) cmeta.push(['interleave', 'true']);
      if (chance(0.3)) cmeta.push(['resource-stickiness', pick(stickies)]);
      if (chance(0.1)) cmeta.push(['target-role', 'Stopped']);
      if (unique && chance(0.3)) cmeta.push(['migration-threshold', String(int(1, 2))]);
      if (chance(opts.promotableChance ?? 0.4)) {
        cmeta.push(['promotable', 'true']);
        if (chance(0.3)) cmeta.push(['promoted-max', String(int(1, 2 * perNode))]);
        if (unique && perNode > 1 && chance(0.5)) cmeta.push(['promoted-node-max', String(int(1, 2))]);
      }
      if (unique) {
        const used = new Set<number>();
        const take = () => {
          const free = Array.from({ length: max }, (_, n) => n).filter((n) => !used.has(n));
          const n = chance(0.05) && !used.has(max) ? max : free.length > 0 ? pick(free) : undefined;
          if (n !== undefined) used.add(n);
          return n;
        };
        uniqueShapes.set(`${cid}-clone`, { perNode, take });
      }
      resources.push({
        kind: 'clone',
        id: `${cid}-clone`,
        meta: meta(`${cid}-clone`, cmeta),
        child: prim(cid, chance(0.2) ? rscMeta().filter(([k]) => k !== 'target-role') : []),
      });
    } else if (chance(0.3)) {
      const gid = `grp${i}`;
      const members = Array.from({ length: int(2, 3) }, (_, j) => prim(`${gid}m${j}`, chance(0.15) ? rscMeta() : []));
      resources.push({ kind: 'group', id: gid, meta: meta(gid, rscMeta()), children: members });
    } else {
      resources.push(prim(`rsc${i}`, rscMeta()));
    }
  }
  const top = resources.map((r) => r.id);
  const constraints: Constraint[] = [];
  let cid = 0;
  const nCons = int(0, opts.maxConstraints ?? 6);
  for (let i = 0; i < nCons; i++) {
    const kind = rnd();
    const id = `c${cid++}`;
    if (kind < 0.45) {
      const rsc = pick(top);
      if (chance(0.6)) constraints.push({ kind: 'location', id, rsc, node: pick(nodes).uname, score: pick(scores), rules: [] });
      else {
        const r = pick(['diskcheck', 'site', 'ping', 'and']);
        let rule: Rule;
        if (r === 'diskcheck')
          rule = {
            kind: 'rule',
            id: `${id}-rule`,
            score: '-INFINITY',
            booleanOp: 'or',
            terms: [
              { kind: 'expression', id: `${id}-e1`, attribute: 'diskcheck_status', operation: 'not_defined' },
              { kind: 'expression', id: `${id}-e2`, attribute: 'diskcheck_status', operation: 'eq', value: 'ERROR' },
            ],
          };
        else if (r === 'site')
          rule = {
            kind: 'rule',
            id: `${id}-rule`,
            score: pick(scores),
            terms: [{ kind: 'expression', id: `${id}-e1`, attribute: 'site', operation: pick(['eq', 'ne']), value: pick(['a', 'b']) }],
          };
        else if (r === 'ping')
          rule = {
            kind: 'rule',
            id: `${id}-rule`,
            score: pick(scores),
            terms: [
              {
                kind: 'expression',
                id: `${id}-e1`,
                attribute: 'ping',
                operation: pick(['lt', 'gt', 'lte', 'gte']),
                value: String(int(0, 3)),
              },
            ],
          };
        else
          rule = {
            kind: 'rule',
            id: `${id}-rule`,
            score: pick(scores),
            booleanOp: 'and',
            terms: [
              { kind: 'expression', id: `${id}-e1`, attribute: 'ping', operation: 'defined' },
              { kind: 'expression', id: `${id}-e2`, attribute: 'site', operation: 'eq', value: pick(['a', 'b']) },
            ],
          };
        constraints.push({ kind: 'location', id, rsc, rules: [rule] });
      }
    } else if (kind < 0.8 && top.length > 1) {
      const a = pick(top);
      const b = pick(top.filter((x) => x !== a));
      const score = pick(['INFINITY', 'INFINITY', '-INFINITY', '100', '-100', '50', '500']);
      // Colocation cycles through three or more resources are left out (a known difference).
      if (!longCycle(constraints, a, b)) constraints.push({ kind: 'colocation', id, rsc: a, withRsc: b, score });
    } else if (top.length > 1) {
      // Orders only go forward in configuration order: a cycle makes Pacemaker's transition invalid.
      const i = int(0, top.length - 2);
      const j = int(i + 1, top.length - 1);
      constraints.push({
        kind: 'order',
        id,
        first: top[i] as string,
        thenRsc: top[j] as string,
        orderKind: pick(['Mandatory', 'Optional'] as const),
      });
    }
  }

  // Status: membership, transient attributes (diskcheck, ping, fail counts), current placement.
  let call = 10;
  const status: NodeState[] = nodes.map((n, i) => {
    const up = online[i] === true;
    const transient: [string, string][] = [];
    if (chance(0.7)) transient.push(['diskcheck_status', chance(0.75) ? 'normal' : 'ERROR']);
    if (chance(0.6)) transient.push(['ping', String(int(0, 3))]);
    for (const r of resources) {
      if (r.kind === 'clone' && r.meta.some((m) => m.pairs.some((x) => x.name === 'promotable')) && chance(0.7))
        transient.push([`master-${r.child.id}`, pick(['1', '5', '10', '100'])]);
    }
    for (const p of prims) {
      if (!chance(0.08)) continue;
      transient.push([`fail-count-${p.id}#monitor_10000`, String(int(1, 3))]);
      transient.push([`last-failure-${p.id}#monitor_10000`, String(opts.now - pick([5, 30, 90, 400, 900]))]);
    }
    return {
      id: n.id,
      uname: n.uname,
      attrs: up
        ? { id: n.id, uname: n.uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' }
        : { id: n.id, uname: n.uname, in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down' },
      transient: transient.length
        ? [{ id: `status-${n.id}`, pairs: transient.map(([name, value]) => ({ id: `status-${n.id}-${name}`, name, value })) }]
        : [],
      lrm: [],
    };
  });
  const upStates = status.filter((_, i) => online[i]);
  // A globally-unique instance's own fail count and promotion score where it runs.
  const uniqueInstanceAttrs = (s: NodeState, id: string, promotable: boolean) => {
    const attrs: [string, string][] = [];
    if (chance(0.2)) {
      attrs.push([`fail-count-${id}#monitor_10000`, String(int(1, 3))]);
      attrs.push([`last-failure-${id}#monitor_10000`, String(opts.now - pick([5, 30, 900]))]);
    }
    if (promotable && chance(0.6)) attrs.push([`master-${id}`, pick(['1', '5', '10', '100'])]);
    if (attrs.length > 0 && s.transient.length === 0) s.transient.push({ id: `status-${s.id}`, pairs: [] });
    for (const [name, value] of attrs) s.transient[0]?.pairs.push({ id: `status-${s.id}-${name}`, name, value });
  };
  const place = (p: Primitive, s: NodeState, promoted = false) => {
    const task = promoted ? 'promote' : 'start';
    const ops = [
      lrmOp(p.id, { id: `${p.id}_last_0`, task, intervalMs: 0, callId: call, rc: 0, expected: 0, lastRcChange: opts.now - 1000 }),
    ];
    call++;
    s.lrm.push({ id: p.id, class: p.class, provider: p.provider, type: p.type, ops });
  };
  for (const r of resources) {
    if (upStates.length === 0 || !chance(0.55)) continue;
    const s = pick(upStates);
    if (r.kind === 'primitive') place(r, s);
    else if (r.kind === 'clone' && r.child.kind === 'primitive') {
      const child = r.child;
      const promotable = r.meta.some((m) => m.pairs.some((x) => x.name === 'promotable'));
      let promotedOnce = false;
      const shape = uniqueShapes.get(r.id);
      for (const st of upStates) {
        if (!chance(0.6)) continue;
        // A globally-unique clone's history names its instances (`rsc:N`), possibly several per node.
        for (let k = shape ? int(1, shape.perNode) : 1; k > 0; k--) {
          const n = shape?.take();
          if (shape && n === undefined) break;
          const promoted: boolean = promotable && !promotedOnce && chance(0.5);
          promotedOnce ||= promoted;
          const inst = shape ? { ...child, id: `${child.id}:${n}` } : child;
          place(inst, st, promoted);
          if (shape) uniqueInstanceAttrs(st, inst.id, promotable);
        }
      }
    } else if (r.kind === 'group') {
      const upTo = chance(0.85) ? r.children.length : int(1, r.children.length);
      for (const m of r.children.slice(0, upTo)) place(m, s);
    }
  }
  const fencing = chance(opts.fencingChance ?? 0.1);
  const quorum = chance(0.9);
  const opDefaults: NvSet[] = [];
  const crm: [string, string][] = [
    ['stonith-enabled', fencing ? 'true' : 'false'],
    ['no-quorum-policy', quorum ? 'ignore' : pick(['stop', 'freeze', 'ignore'])],
  ];
  if (fencing) {
    // A fence device, and one offline node that was expected up with resources on it: unclean.
    resources.push({ kind: 'primitive', id: 'fencer', class: 'stonith', type: 'fence_dummy', params: [], meta: [], ops: [] });
    const lost = status.find((_s, i) => !online[i]);
    if (lost && upStates.length > 0) {
      lost.attrs = { ...lost.attrs, expected: 'member' };
      const placed = (id: string) => status.some((st) => st.lrm.some((l) => l.id === id));
      for (const r of resources) if (r.kind === 'primitive' && r.id !== 'fencer' && !placed(r.id) && chance(0.5)) place(r, lost);
    }
  }
  if (chance(0.15)) crm.push(['symmetric-cluster', 'false']);
  const hasFailureTimeout = (p: Primitive): boolean => {
    const owner = resources.find(
      (r) => r.id === p.id || (r.kind === 'group' && r.children.includes(p)) || (r.kind === 'clone' && r.child === p),
    );
    return [p.meta, owner?.meta ?? []].some((sets) => sets.some((set) => set.pairs.some((x) => x.name === 'failure-timeout')));
  };
  if (failureChance > 0) {
    // Failures in the history: failed monitors, starts, stops, promotes and probes, with the fail
    // counts the controller would have recorded.
    const startFatal = !fchance(0.2);
    if (!startFatal) crm.push(['start-failure-is-fatal', 'false']);
    if (fchance(0.1))
      opDefaults.push({ id: 'op-options', pairs: [{ id: 'op-options-on-fail', name: 'on-fail', value: fpick(onFailValues) }] });
    // Instances of globally-unique clones have their own history names (`rsc:N`): left out here.
    const uniqueMembers = new Set(
      resources
        .filter((r) => r.kind === 'clone' && r.meta.some((m) => m.pairs.some((x) => x.name === 'globally-unique')))
        .flatMap((r) => (r.kind === 'clone' ? (r.child.kind === 'group' ? r.child.children : [r.child]) : [])),
    );
    for (const st of status) {
      for (const p of prims) {
        if (uniqueMembers.has(p)) continue;
        const placed = st.lrm.find((l) => l.id === p.id);
        if (!fchance(placed ? failureChance : failureChance / 3)) continue;
        const promoted = placed?.ops.some((o) => o.operation === 'promote') ?? false;
        const kinds: FailureKind[] = placed
          ? ['monitor', 'monitor', 'start', 'stop', ...(promoted ? (['promote', 'promoted-monitor'] as const) : [])]
          : ['probe', 'probe', 'start'];
        const kind = fpick(kinds);
        const rc =
          kind === 'probe'
            ? fpick([5, 2, 1, 6, 0])
            : kind === 'promoted-monitor'
              ? fpick([1, 7, 9])
              : kind === 'stop'
                ? fpick([1, 1, 5, 6])
                : fpick([1, 1, 1, 7, 2, 5, 6, 3]);
        const opStatus = rc === 1 && fchance(0.2) ? 2 : fchance(0.3) ? 4 : 0;
        // A recurring monitor's failure is kept within failure-timeout: once expired, Pacemaker
        // reschedules the monitor even on a node the resource leaves (a known difference).
        const recurring = kind === 'monitor' || kind === 'promoted-monitor';
        const when = opts.now - (recurring && hasFailureTimeout(p) ? 5 : fpick([5, 30, 90, 400, 900]));
        const attrs = injectFailure(st, p, kind, { callId: call++, rc, opStatus, when, startFatal });
        if (attrs.length === 0) continue;
        let set = st.transient[0];
        if (!set) {
          set = { id: `status-${st.id}`, pairs: [] };
          st.transient.push(set);
        }
        for (const [name, value] of attrs) {
          set.pairs = set.pairs.filter((x) => x.name !== name);
          set.pairs.push({ id: `status-${st.id}-${name}`, name, value });
        }
      }
    }
  }
  // Live migration (allow-migrate) on some primitives and group members, drawn from its own
  // stream so the rest of a seed's CIB stays as it was.
  const mrnd = prng(seed * 104729 + 31);
  const migratable = (p: Primitive): Primitive =>
    mrnd() < (opts.migrateChance ?? 0.3) ? { ...p, meta: meta(p.id, [...flatPairs(p.meta), ['allow-migrate', 'true']]) } : p;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i] as Resource;
    if (r.kind === 'primitive') resources[i] = migratable(r);
    else if (r.kind === 'group') resources[i] = { ...r, children: r.children.map(migratable) };
  }
  // Placement strategies with capacities and utilization, from their own stream too.
  const urnd = prng(seed * 15485863 + 7);
  const uint = (lo: number, hi: number) => lo + Math.floor(urnd() * (hi - lo + 1));
  let withCapacity: ModelCib['nodes'] = nodes;
  if (urnd() < (opts.utilizationChance ?? 0)) {
    crm.push(['placement-strategy', (['utilization', 'minimal', 'balanced'] as const)[uint(0, 2)] as string]);
    const util = (id: string, max: number): NvSet[] => {
      const pairs = (['cpu', 'mem'] as const)
        .filter(() => urnd() < 0.8)
        .map((name) => ({ id: `${id}-util-${name}`, name, value: String(uint(0, max)) }));
      return pairs.length > 0 ? [{ id: `${id}-util`, pairs }] : [];
    };
    withCapacity = nodes.map((n) => ({ ...n, utilization: util(`node${n.id}`, 4) }));
    const using = (p: Primitive): Primitive => (urnd() < 0.6 ? { ...p, utilization: util(p.id, 2) } : p);
    const withUse = (r: Resource): Resource =>
      r.kind === 'primitive'
        ? using(r)
        : r.kind === 'group'
          ? { ...r, children: r.children.map(using) }
          : { ...r, child: withUse(r.child) as typeof r.child };
    for (let i = 0; i < resources.length; i++) resources[i] = withUse(resources[i] as Resource);
  }
  const generated: ModelCib = {
    attrs: {
      crm_feature_set: '3.16.1',
      'validate-with': 'pacemaker-3.9',
      epoch: '1',
      num_updates: '0',
      admin_epoch: '0',
      'have-quorum': quorum ? '1' : '0',
      'dc-uuid': String(online.indexOf(true) + 1),
    },
    crmConfig: [{ id: 'cib-bootstrap-options', pairs: crm.map(([name, value]) => ({ id: `opt-${name}`, name, value })) }],
    nodes: withCapacity,
    resources,
    constraints,
    rscDefaults: chance(0.3)
      ? [{ id: 'rsc-options', pairs: [{ id: 'rsc-options-stickiness', name: 'resource-stickiness', value: pick(stickies) }] }]
      : [],
    opDefaults,
    other: [],
    status,
  };
  // Each from streams of its own: h102's date rules, node health, multiple-active, shutdown locks,
  // unfencing (gen-h102.ts); h103's clone notifications, remote and guest nodes (gen-h103.ts); last
  // h101's resource sets, role constraints, tickets, templates and tags (gen-h101.ts), which write
  // what the model cannot hold into the XML.
  // Remote nodes' history comes after the unfencing (h133: unfencedWhereRunning marks those nodes).
  const withH102 = addH102Features(generated, seed, opts.now, opts, prng);
  const withH101 = addH101Features(unfencedWhereRunning(addH103Features(withH102, seed, prng, opts.now, opts)), seed, opts);
  // h134: bundles, with their replicas' history and constraints naming them (gen-h134.ts).
  return addH134Features(withH101, seed, opts.now, opts);
}
