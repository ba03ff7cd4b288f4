/**
 * Features the differential generator adds to a generated CIB from random streams of their own
 * (`prng(seed * 130363 + 102 + k)`, one per feature), so a seed's CIB stays as it was when no
 * feature fires: date rules decided at the scheduler's `now` (locations, meta and instance
 * attribute sets, rsc_defaults), node health, `multiple-active` with a primitive active on two
 * nodes, shutdown locks on a node that shut down cleanly, and unfencing.
 */
import type {
  DateExpression,
  Cib as ModelCib,
  NodeState as ModelNodeState,
  NvSet as ModelNvSet,
  Primitive as ModelPrimitive,
  Resource as ModelResource,
  Rule as ModelRule,
  Writable,
} from '../../src/core/cib-model.js';
import { lrmOp } from './history-gen.js';

type Cib = Writable<ModelCib>;
type NodeState = Writable<ModelNodeState>;
type NvSet = Writable<ModelNvSet>;
type Primitive = Writable<ModelPrimitive>;
type Resource = Writable<ModelResource>;
type Rule = Writable<ModelRule>;

/** Chances (per seed) of each feature; 0 or absent: never. */
export interface H102Chances {
  dateRuleChance?: number;
  healthChance?: number;
  multipleActiveChance?: number;
  shutdownLockChance?: number;
  unfencingChance?: number;
}

/** One random stream: numbers, picks and chances. */
function stream(seed: number, k: number, prng: (seed: number) => () => number) {
  const rnd = prng(seed * 130363 + 102 + k);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const chance = (p: number) => rnd() < p;
  return { rnd, int, pick, chance };
}
type Stream = ReturnType<typeof stream>;

const scores = ['-INFINITY', '-100', '0', '10', '50', '100', '200', 'INFINITY'];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * A time as a CIB date with an explicit offset (`2027-01-15 09:00:00 +01:00`, or `…T…Z`), so the
 * host's time zone never matters.
 */
function cibDate(t: number, s: Stream): string {
  const offsetMin = s.pick([0, 0, 60, -300, 330]);
  const d = new Date((t + offsetMin * 60) * 1000);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (offsetMin === 0 && s.chance(0.5)) return `${day}T${time}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${day} ${time} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Offsets from now (seconds) that put a boundary before, at, or after now. */
const nearOffsets = [-30 * 86400, -86400, -3600, -1, 0, 1, 3600, 86400, 30 * 86400];

/**
 * A random `date_expression` around `now`: true, false, or on the boundary. `now` is
 * 2027-01-15 08:00:00 UTC (a Friday) in the differential test, but any `now` works.
 */
function dateExpression(id: string, now: number, s: Stream): DateExpression {
  const kind = s.pick(['in_range', 'in_range', 'range_duration', 'gt', 'lt', 'date_spec', 'date_spec'] as const);
  if (kind === 'gt') return { kind: 'date_expression', id, operation: 'gt', start: cibDate(now + s.pick(nearOffsets), s) };
  if (kind === 'lt') return { kind: 'date_expression', id, operation: 'lt', end: cibDate(now + s.pick(nearOffsets), s) };
  if (kind === 'in_range') {
    const start = now + s.pick(nearOffsets);
    const end = Math.max(start, now + s.pick(nearOffsets));
    const which = s.pick(['both', 'both', 'start', 'end'] as const);
    return {
      kind: 'date_expression',
      id,
      operation: 'in_range',
      ...(which !== 'end' ? { start: cibDate(start, s) } : {}),
      ...(which !== 'start' ? { end: cibDate(end, s) } : {}),
    };
  }
  if (kind === 'range_duration') {
    // start plus a duration: the range ends before, at or after now.
    const [field, unit] = s.pick([
      ['hours', 3600],
      ['minutes', 60],
      ['days', 86400],
      ['weeks', 7 * 86400],
    ] as const);
    const n = s.int(1, 3);
    const start = now - n * unit + s.pick([-1, 0, 0, 1, -unit, unit]);
    return {
      kind: 'date_expression',
      id,
      operation: 'in_range',
      start: cibDate(start, s),
      duration: { id: `${id}-duration`, [field]: String(n) },
    };
  }
  // date_spec: fields of now in UTC, matching or not, ranges ending at now's value.
  const d = new Date(now * 1000);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  const yearday =
    Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  const fields: [string, number, number, number][] = [
    ['hours', d.getUTCHours(), 0, 23],
    ['weekdays', weekday, 1, 7],
    ['monthdays', d.getUTCDate(), 1, 31],
    ['months', d.getUTCMonth() + 1, 1, 12],
    ['minutes', d.getUTCMinutes(), 0, 59],
    ['yeardays', yearday, 1, 366],
    ['years', d.getUTCFullYear(), 2000, 2100],
  ];
  const spec: Record<string, string> = { id: `${id}-spec` };
  for (let k = s.int(1, 2); k > 0; k--) {
    const [name, v, lo, hi] = s.pick(fields);
    const a = Math.max(lo, v + s.pick([-2, -1, 0, 0, 1]));
    const b = Math.min(hi, a + s.pick([0, 0, 1, 3]));
    spec[name] = a === b ? String(a) : `${a}-${b}`;
  }
  return { kind: 'date_expression', id, operation: 'date_spec', spec };
}

/** A rule of one date expression (sometimes two, joined by `and` or `or`). */
function dateRule(id: string, now: number, s: Stream, score = 'INFINITY'): Rule {
  const terms: Rule['terms'] = [dateExpression(`${id}-d1`, now, s)];
  if (s.chance(0.25)) terms.push(dateExpression(`${id}-d2`, now, s));
  return { kind: 'rule', id, score, ...(terms.length > 1 ? { booleanOp: s.pick(['and', 'or'] as const) } : {}), terms };
}

function topPrimitives(cib: Cib): Primitive[] {
  return cib.resources.filter((r): r is Primitive => r.kind === 'primitive' && r.class !== 'stonith');
}

function crmSet(cib: Cib): NvSet {
  const set = cib.crmConfig[0];
  if (!set) throw new Error('generated CIB without cib-bootstrap-options');
  return set;
}

function setOption(cib: Cib, name: string, value: string): void {
  const set = crmSet(cib);
  set.pairs = [...set.pairs.filter((p) => p.name !== name), { id: `opt-${name}`, name, value }];
}

function transientSet(st: NodeState): NvSet {
  let set = st.transient[0];
  if (!set) {
    set = { id: `status-${st.id}`, pairs: [] };
    st.transient.push(set);
  }
  return set;
}

function setTransient(st: NodeState, name: string, value: string): void {
  const set = transientSet(st);
  set.pairs = [...set.pairs.filter((p) => p.name !== name), { id: `status-${st.id}-${name}`, name, value }];
}

const isUp = (st: NodeState) => st.attrs.crmd === 'online';
const isDevice = (r: Resource) => r.kind === 'primitive' && r.class === 'stonith';

/**
 * Date rules in a location constraint, a resource's meta attributes, and rsc_defaults; then,
 * sometimes, in a primitive's instance attributes (a parameter that, when the rule holds, changes
 * a running primitive's digest: a definition change). The instance attributes come last from the
 * stream, so the other date rules are what they were before those were added.
 */
function addDateRules(cib: Cib, now: number, s: Stream): void {
  const top = cib.resources.filter((r) => !isDevice(r));
  for (let n = s.int(1, 3), i = 0; i < n; i++) {
    const where = s.pick(['location', 'location', 'meta', 'meta', 'defaults'] as const);
    const id = `date${i}`;
    if (where === 'location' && top.length > 0) {
      const rule = dateRule(`${id}-rule`, now, s, s.pick(scores));
      if (s.chance(0.5)) {
        // With a node: the date rule nested, or next to the node expression.
        const node = s.pick(cib.nodes).uname;
        const nodeExpr = { kind: 'expression' as const, id: `${id}-node`, attribute: '#uname', operation: 'eq' as const, value: node };
        rule.terms = s.chance(0.5) ? [nodeExpr, { ...rule, id: `${id}-when`, score: '0' }] : [nodeExpr, ...rule.terms];
        rule.booleanOp = 'and';
      }
      cib.constraints.push({ kind: 'location', id, rsc: s.pick(top).id, rules: [rule] });
    } else if (where === 'meta' && top.length > 0) {
      const r = s.pick(top);
      const [name, value] = s.pick([
        ['resource-stickiness', s.pick(['0', '100', 'INFINITY'])],
        ['target-role', 'Stopped'],
        ['priority', '5'],
      ] as const);
      const set: NvSet = {
        id: `${r.id}-${id}`,
        ...(s.chance(0.5) ? { score: s.pick(['10', '-10']) } : {}),
        rule: dateRule(`${r.id}-${id}-rule`, now, s),
        pairs: [{ id: `${r.id}-${id}-${name}`, name, value }],
      };
      r.meta = s.chance(0.5) ? [set, ...r.meta] : [...r.meta, set];
    } else if (where === 'defaults') {
      const set: NvSet = {
        id: `rsc-options-${id}`,
        ...(s.chance(0.5) ? { score: s.pick(['10', '-10']) } : {}),
        rule: dateRule(`rsc-options-${id}-rule`, now, s),
        pairs: [{ id: `rsc-options-${id}-stickiness`, name: 'resource-stickiness', value: s.pick(['0', '100', 'INFINITY']) }],
      };
      cib.rscDefaults = s.chance(0.5) ? [set, ...cib.rscDefaults] : [...cib.rscDefaults, set];
    }
  }
  const prims = top.flatMap((r) =>
    r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : r.child.kind === 'group' ? r.child.children : [r.child],
  );
  if (prims.length === 0 || !s.chance(0.4)) return;
  // `fake` (ocf:heartbeat:Dummy's reloadable parameter), set by the rule, before or after a plain value.
  const p = s.pick(prims) as Primitive;
  const set: NvSet = {
    id: `${p.id}-date-params`,
    ...(s.chance(0.5) ? { score: s.pick(['10', '-10']) } : {}),
    rule: dateRule(`${p.id}-date-params-rule`, now, s),
    pairs: [{ id: `${p.id}-date-params-fake`, name: 'fake', value: 'dated' }],
  };
  const plain: NvSet = { id: `${p.id}-plain-params`, pairs: [{ id: `${p.id}-plain-params-fake`, name: 'fake', value: 'plain' }] };
  const sets = s.chance(0.5) ? [set] : s.chance(0.5) ? [set, plain] : [plain, set];
  p.params = [...p.params, ...sets];
}

/** A node-health strategy and `#health-*` attributes red/yellow/green (or a score) on some nodes. */
function addHealth(cib: Cib, s: Stream): void {
  const strategy = s.pick(['migrate-on-red', 'only-green', 'progressive', 'custom'] as const);
  setOption(cib, 'node-health-strategy', strategy);
  if (strategy === 'progressive' || strategy === 'custom') {
    for (const colour of ['red', 'yellow', 'green'])
      if (s.chance(0.6)) setOption(cib, `node-health-${colour}`, s.pick(['-INFINITY', '-100', '-10', '0', '10', 'INFINITY']));
    if (strategy === 'progressive' && s.chance(0.5)) setOption(cib, 'node-health-base', s.pick(['0', '50', '200']));
  }
  for (const st of cib.status) {
    if (!s.chance(0.6)) continue;
    for (const name of ['#health-disk', '#health-cpu'])
      if (s.chance(0.6)) setTransient(st, name, s.pick(['red', 'yellow', 'green', 'green', '-50', '10']));
  }
  for (const r of cib.resources)
    if (!isDevice(r) && s.chance(0.1))
      r.meta = [...r.meta, { id: `${r.id}-health`, pairs: [{ id: `${r.id}-health-allow`, name: 'allow-unhealthy-nodes', value: 'true' }] }];
}

/** The lrm_resource of a primitive on a node, made if missing (with no operations). */
function lrmOf(st: NodeState, p: Primitive) {
  let lr = st.lrm.find((l) => l.id === p.id);
  if (!lr) {
    lr = { id: p.id, class: p.class, provider: p.provider, type: p.type, ops: [] };
    st.lrm.push(lr);
  }
  return lr;
}

/** A top-level primitive active on two (or three) online nodes, with a `multiple-active` policy. */
function addMultipleActive(cib: Cib, now: number, s: Stream, call: { n: number }): void {
  const up = cib.status.filter(isUp);
  const prims = topPrimitives(cib);
  if (up.length < 2 || prims.length === 0) return;
  const p = s.pick(prims);
  const policy = s.pick(['stop_start', 'stop_only', 'block', 'stop_unexpected', undefined]);
  if (policy) p.meta = [...p.meta, { id: `${p.id}-ma`, pairs: [{ id: `${p.id}-ma-policy`, name: 'multiple-active', value: policy }] }];
  const where = up.filter((st) => st.lrm.some((l) => l.id === p.id && l.ops.some((o) => o.rc === 0 && o.operation === 'start')));
  for (const st of s.chance(0.5) ? up : [...up].sort(() => s.rnd() - 0.5)) {
    if (where.length >= (s.chance(0.2) ? 3 : 2)) break;
    if (where.includes(st)) continue;
    const lr = lrmOf(st, p);
    lr.ops = [
      ...lr.ops.filter((o) => o.id !== `${p.id}_last_0`),
      lrmOp(p.id, { id: `${p.id}_last_0`, task: 'start', intervalMs: 0, callId: call.n++, rc: 0, expected: 0, lastRcChange: now - 500 }),
    ];
    where.push(st);
  }
}

/** shutdown-lock=true and an offline node, down cleanly, holding locks on resources it stopped. */
function addShutdownLocks(cib: Cib, now: number, s: Stream, call: { n: number }): void {
  setOption(cib, 'shutdown-lock', 'true');
  if (s.chance(0.5)) setOption(cib, 'shutdown-lock-limit', s.pick(['30s', '10min', '1h', '0']));
  const down = cib.status.filter((st) => !isUp(st) && st.attrs.expected !== 'member');
  if (down.length === 0) return;
  const st = s.pick(down);
  const active = new Set(
    cib.status.flatMap((x) => x.lrm.filter((l) => l.ops.some((o) => o.rc === 0 && o.operation !== 'stop')).map((l) => l.id)),
  );
  const candidates = cib.resources.flatMap((r) =>
    r.kind === 'primitive' && r.class !== 'stonith' ? [r] : r.kind === 'group' ? r.children : [],
  );
  for (const p of candidates) {
    if (active.has(p.id) || !s.chance(0.5)) continue;
    const lr = lrmOf(st, p);
    lr.shutdownLock = String(now - s.pick([5, 60, 600, 3000, 7200]));
    lr.ops = s.chance(0.15)
      ? []
      : [lrmOp(p.id, { id: `${p.id}_last_0`, task: 'stop', intervalMs: 0, callId: call.n++, rc: 0, expected: 0, lastRcChange: now - 30 })];
  }
}

/**
 * Whether a node's history holds more than stops and "not running" probes: something ran or was
 * started there (a start that failed with rc 7 too: Pacemaker counts the resource active and stops
 * it, before the node's unfencing; seed 417 at 0.15).
 */
const running = (st: ModelNodeState) =>
  st.lrm.some((l) => l.ops.some((o) => o.operation !== 'stop' && !(o.operation === 'monitor' && o.intervalMs === 0 && o.rc === 7)));

const unfenced = (st: ModelNodeState) => st.transient.some((t) => t.pairs.some((p) => p.name === '#node-unfenced'));

/**
 * Once unfencing is generated (a fence device `provides=unfencing`), marks unfenced every node
 * where something ran and that is not marked yet: the remote nodes gen-h103.ts adds after
 * addUnfencing, with history moved onto them (seeds 30, 58 and 70 at chance 1: Pacemaker unfences
 * a remote node, too, before what requires it starts there, and orders the stops there before the
 * unfencing and the probes after it, a loop). A CIB without unfencing is returned as it is.
 *
 * @example
 * const cib = unfencedWhereRunning(addH103Features(withH102, seed, prng, now, opts));
 */
export function unfencedWhereRunning(generated: ModelCib): ModelCib {
  const enabled = generated.resources.some(
    (r) =>
      r.kind === 'primitive' &&
      r.class === 'stonith' &&
      r.meta.some((m) => m.pairs.some((p) => p.name === 'provides' && p.value === 'unfencing')),
  );
  if (!enabled || !generated.status.some((st) => running(st) && !unfenced(st))) return generated;
  const cib = structuredClone(generated) as Cib;
  for (const st of cib.status) if (running(st) && !unfenced(st)) setTransient(st, '#node-unfenced', '1700000000');
  return cib;
}

/** Fencing on with a device that provides unfencing, resources that require it, nodes unfenced or not. */
function addUnfencing(cib: Cib, s: Stream): void {
  setOption(cib, 'stonith-enabled', 'true');
  let device = cib.resources.find((r): r is Primitive => r.kind === 'primitive' && r.class === 'stonith');
  if (!device) {
    device = { kind: 'primitive', id: 'fencer', class: 'stonith', type: 'fence_dummy', params: [], meta: [], ops: [] };
    cib.resources.push(device);
  }
  device.meta = [
    ...device.meta,
    { id: `${device.id}-unfence`, pairs: [{ id: `${device.id}-provides`, name: 'provides', value: 'unfencing' }] },
  ];
  for (const r of cib.resources)
    if (r !== device && s.chance(0.3))
      r.meta = [
        ...r.meta,
        {
          id: `${r.id}-requires`,
          pairs: [{ id: `${r.id}-requires-unfencing`, name: 'requires', value: s.pick(['unfencing', 'fencing', 'quorum']) }],
        },
      ];
  // A node with history other than stops and "not running" probes was unfenced before anything
  // started there (the controller unfences a node before what requires it starts); with resources
  // active on a node never unfenced, Pacemaker orders their stops before the unfencing and the
  // probes there after it, a loop crm_simulate cannot complete (seeds 1, 6, 9, 12, 18 at chance 1).
  // Remote nodes get their history later (gen-h103.ts): unfencedWhereRunning marks them.
  for (const st of cib.status) {
    const unfenced = s.chance(0.5);
    const when = String(1_700_000_000 + s.int(0, 1000));
    if (unfenced || running(st)) setTransient(st, '#node-unfenced', when);
  }
}

/**
 * Adds the features whose chance fires for this seed to a generated CIB (a copy; the argument is
 * not changed). Each feature draws from its own stream.
 *
 * @example
 * const cib = addH102Features(generated, seed, NOW, { dateRuleChance: 0.15 }, prng);
 */
export function addH102Features(
  generated: ModelCib,
  seed: number,
  now: number,
  chances: H102Chances,
  prng: (seed: number) => () => number,
): ModelCib {
  const fire = (k: number, p = 0) => {
    const s = stream(seed, k, prng);
    return s.rnd() < p ? s : undefined;
  };
  const date = fire(1, chances.dateRuleChance);
  const health = fire(2, chances.healthChance);
  const multi = fire(3, chances.multipleActiveChance);
  const lock = fire(4, chances.shutdownLockChance);
  const unfence = fire(5, chances.unfencingChance);
  if (!date && !health && !multi && !lock && !unfence) return generated;
  const cib = structuredClone(generated) as Cib;
  const call = { n: 5000 };
  if (date) addDateRules(cib, now, date);
  if (health) addHealth(cib, health);
  if (multi) addMultipleActive(cib, now, multi, call);
  if (lock) addShutdownLocks(cib, now, lock, call);
  if (unfence) addUnfencing(cib, unfence);
  return cib;
}
