import type { Cib, Group, LrmOp, LrmResource, NodeState, Primitive, Resource } from './cib-model.js';
import { flattenSets, isTrue, parseDurationMs } from './nvsets.js';
import { INFINITY, parseScore } from './score.js';
import type { Role, WNode, WorkingSet, WRsc } from './working-set.js';

const optionDefaults: Record<string, string> = {
  'stonith-enabled': 'true',
  'symmetric-cluster': 'true',
  'no-quorum-policy': 'stop',
  'start-failure-is-fatal': 'true',
  'stop-all-resources': 'false',
  'maintenance-mode': 'false',
  'placement-strategy': 'default',
};

function unpackNode(cib: Cib, n: Cib['nodes'][number], state: NodeState | undefined, stonith: boolean, dcUuid?: string): WNode {
  const attrs = new Map<string, string>([
    ['#uname', n.uname],
    ['#id', n.id],
    ['#kind', 'cluster'],
    ['#is_dc', n.id === dcUuid ? 'true' : 'false'],
  ]);
  flattenSets(n.attributes, attrs);
  if (state) {
    // Transient attributes overwrite configured ones.
    const transient = flattenSets(state.transient);
    for (const [k, v] of transient) attrs.set(k, v);
  }
  const inCcm = isTrue(state?.attrs.in_ccm);
  const crmdOnline = state?.attrs.crmd === 'online';
  const join = state?.attrs.join;
  const expected = state?.attrs.expected ?? 'down';
  let online = false;
  let unclean = false;
  let standby = isTrue(attrs.get('standby'));
  if (!stonith) {
    if (!inCcm) {
      unclean = false;
    } else if (crmdOnline) {
      online = join === 'member';
    }
  } else if (state === undefined || state.attrs.in_ccm === undefined) {
    unclean = isTrue(cib.crmConfig.length ? (flattenSets(cib.crmConfig).get('startup-fencing') ?? 'true') : 'true');
  } else if (expected === 'down') {
    if (inCcm || crmdOnline) standby = true;
  } else if (!inCcm || !crmdOnline) {
    unclean = true;
  } else if (join === 'member') {
    online = true;
  } else {
    standby = true;
  }
  return { id: n.id, uname: n.uname, online, standby, unclean, maintenance: isTrue(attrs.get('maintenance')), attrs, numResources: 0 };
}

function expectedRc(op: LrmOp): number {
  const key = op.attrs['transition-key'];
  const parts = key?.split(':');
  const target = parts?.[2] !== undefined ? Number.parseInt(parts[2], 10) : Number.NaN;
  return Number.isNaN(target) ? 0 : target;
}

/**
 * The role a primitive has on one node from its operation history (sorted by call-id), and
 * whether its last result there was a failure.
 */
export function roleFromHistory(ops: readonly LrmOp[]): { role: Role; failed: boolean } {
  let role: Role = 'Stopped';
  let failed = false;
  for (const op of [...ops].sort((a, b) => a.callId - b.callId)) {
    if (op.opStatus !== 0 && op.opStatus !== 4) continue; // pending, cancelled, timed out... are not results
    const expected = expectedRc(op);
    const probe = op.operation === 'monitor' && op.intervalMs === 0;
    const ok = op.rc === expected || (probe && (op.rc === 7 || op.rc === 0 || op.rc === 8));
    if (op.opStatus === 4 || !ok) {
      failed = true;
      if (op.operation === 'monitor' && op.rc === 7) role = 'Stopped';
      else if (op.operation === 'start' || op.operation === 'promote' || op.operation === 'demote' || op.operation === 'monitor')
        role = role === 'Stopped' ? 'Started' : role;
      continue;
    }
    if (op.operation === 'start') role = 'Started';
    else if (op.operation === 'stop') {
      role = 'Stopped';
      failed = false;
    } else if (op.operation === 'promote') role = 'Promoted';
    else if (op.operation === 'demote') role = 'Unpromoted';
    else if (op.operation === 'monitor') {
      if (op.rc === 7) role = 'Stopped';
      else if (op.rc === 8) role = 'Promoted';
      else if (op.rc === 0 && role === 'Stopped') role = 'Started';
    }
  }
  return { role, failed };
}

/** A clone instance's configuration: the template with `:<n>` appended to every id. */
function instanceOf(child: Primitive | Group, n: number): Primitive | Group {
  if (child.kind === 'primitive') return { ...child, id: `${child.id}:${n}` };
  return { ...child, id: `${child.id}:${n}`, children: child.children.map((m) => ({ ...m, id: `${m.id}:${n}` })) };
}

function newRsc(config: Resource, parent: WRsc | undefined, defaults: Map<string, string>, nodeCount: number): WRsc {
  const meta = flattenSets(config.meta);
  if (parent) for (const [k, v] of parent.meta) if (!meta.has(k)) meta.set(k, v);
  for (const [k, v] of defaults) if (!meta.has(k)) meta.set(k, v);
  // Clones are a little sticky unless configured otherwise (after rsc_defaults).
  if (config.kind === 'clone' && !meta.has('resource-stickiness')) meta.set('resource-stickiness', '1');
  const promotable = config.kind === 'clone' ? isTrue(meta.get('promotable')) : (parent?.promotable ?? false);
  const threshold = parseScore(meta.get('migration-threshold'));
  const r: WRsc = {
    id: config.id,
    variant: config.kind,
    config,
    parent,
    children: [],
    meta,
    priority: parseScore(meta.get('priority')) ?? 0,
    stickiness: parseScore(meta.get('resource-stickiness') ?? meta.get('default-resource-stickiness')) ?? 0,
    migrationThreshold: threshold === undefined ? INFINITY : Math.max(0, threshold),
    failureTimeoutS: Math.floor((parseDurationMs(meta.get('failure-timeout')) ?? 0) / 1000),
    managed: meta.get('is-managed') === undefined ? true : isTrue(meta.get('is-managed')),
    critical: meta.get('critical') === undefined ? true : isTrue(meta.get('critical')),
    promotable,
    unique: isTrue(meta.get('globally-unique')),
    allowed: new Map(),
    runningOn: [],
    role: 'Stopped',
    failed: false,
    failedOn: [],
    provisional: true,
    allocating: false,
    merging: false,
    thisWith: [],
    withThis: [],
    knownOn: new Set(),
  };
  // target-role=Stopped fixes the next role now; Started/Unpromoted/Promoted are decided by assignment.
  if (meta.get('target-role')?.toLowerCase() === 'stopped') r.nextRole = 'Stopped';
  if (config.kind === 'primitive') r.primitive = config as Primitive;
  else if (config.kind === 'group') r.children = config.children.map((c) => newRsc(c, r, defaults, nodeCount));
  else {
    const max = Number.parseInt(meta.get('clone-max') ?? '', 10);
    const count = Number.isNaN(max) ? Math.max(1, nodeCount) : Math.max(0, max);
    r.children = Array.from({ length: count }, (_, i) => newRsc(instanceOf(config.child, i), r, defaults, nodeCount));
  }
  return r;
}

/** Every primitive under a resource, depth first. */
export function leaves(r: WRsc): WRsc[] {
  return r.variant === 'primitive' ? [r] : r.children.flatMap(leaves);
}

function addRunning(r: WRsc, node: WNode): void {
  if (!r.runningOn.includes(node)) r.runningOn.push(node);
  if (r.parent) addRunning(r.parent, node);
}

const roleOrder: Role[] = ['Stopped', 'Started', 'Unpromoted', 'Promoted'];

/** Configured primitive ids inside clones → the clone (for mapping anonymous history). */
const templateOwner = new WeakMap<Map<string, WRsc>, Map<string, WRsc>>();

function owners(byId: Map<string, WRsc>): Map<string, WRsc> {
  let m = templateOwner.get(byId);
  if (!m) {
    m = new Map();
    for (const r of byId.values()) {
      if (r.variant !== 'clone' || r.config.kind !== 'clone') continue;
      const child = r.config.child;
      for (const p of child.kind === 'group' ? child.children : [child]) m.set(p.id, r);
    }
    templateOwner.set(byId, m);
  }
  return m;
}

/**
 * The name a primitive's operation history is recorded under: an anonymous clone's instances
 * share the configured id (`rsc`), everything else (a globally-unique instance `rsc:N`
 * included) uses its own id.
 *
 * @example
 * historyName(ws.byId.get('ping:2')!) // 'ping' (anonymous clone), 'ip:2' (globally-unique)
 */
export function historyName(p: WRsc): string {
  const inClone = p.parent?.variant === 'clone' || p.parent?.parent?.variant === 'clone';
  return inClone && !p.unique ? p.id.replace(/:\d+$/, '') : p.id;
}

/** The key a history entry is filed under in {@link WorkingSet.history} (see {@link historyName}). */
function historyKey(byId: Map<string, WRsc>, historyId: string): string {
  const base = historyId.replace(/:\d+$/, '');
  return owners(byId).get(base)?.unique ? historyId : base;
}

/**
 * Which clone instance a history entry belongs to, as Pacemaker decides it. For an anonymous
 * clone: the instance already active on this node, else the lowest-numbered instance active
 * nowhere. A globally-unique clone's entries name their instance (`rsc:N`) and are found by id
 * before this is asked; one that names no configured instance (beyond clone-max) is an orphan.
 */
function cloneInstanceFor(
  byId: Map<string, WRsc>,
  historyId: string,
  node: WNode,
  orphan: (clone: WRsc, id?: string) => WRsc,
): WRsc | undefined {
  const base = historyId.replace(/:\d+$/, '');
  const clone = owners(byId).get(base);
  if (!clone) return undefined;
  if (clone.unique) return clone.config.kind === 'clone' && clone.config.child.kind === 'primitive' ? orphan(clone, historyId) : undefined;
  const member = (inst: WRsc) => (inst.variant === 'primitive' ? inst : inst.children.find((m) => m.id.replace(/:\d+$/, '') === base));
  const here = clone.children.find((inst) => inst.runningOn.includes(node));
  if (here) {
    const m = member(here);
    return m?.runningOn.includes(node) ? undefined : m;
  }
  const free = clone.children.find((inst) => inst.runningOn.length === 0 && !inst.orphan);
  if (free) return member(free);
  // More active instances than clone-max: the extra one is an orphan, to be stopped.
  return member(orphan(clone));
}

/**
 * Builds the scheduler's working set from a CIB at time `now` (seconds since the epoch):
 * options, node states, the resource tree with meta attributes, and where each primitive is
 * active according to the operation history. Pure.
 *
 * @example
 * const ws = unpack(cib, 1_700_000_000);
 * ws.nodes.filter((n) => n.online).length;
 */
export function unpack(cib: Cib, now: number): WorkingSet {
  const options = flattenSets(cib.crmConfig);
  for (const [k, v] of Object.entries(optionDefaults)) if (!options.has(k)) options.set(k, v);
  const stonithEnabled = isTrue(options.get('stonith-enabled'));
  const stateById = new Map(cib.status.map((s) => [s.id, s]));
  const nodes = cib.nodes.map((n) => unpackNode(cib, n, stateById.get(n.id), stonithEnabled, cib.attrs['dc-uuid']));
  const nodeByName = new Map(nodes.map((n) => [n.uname, n]));
  const defaults = flattenSets(cib.rscDefaults);
  const top = cib.resources.map((r) => newRsc(r, undefined, defaults, nodes.length));
  const byId = new Map<string, WRsc>();
  const walk = (r: WRsc) => {
    byId.set(r.id, r);
    r.children.forEach(walk);
  };
  top.forEach(walk);
  const primitives = top.flatMap(leaves);
  const haveStonithResource = primitives.some((p) => p.primitive?.class === 'stonith');
  const symmetric = isTrue(options.get('symmetric-cluster'));
  if (symmetric) {
    const setAll = (r: WRsc) => {
      for (const n of nodes) r.allowed.set(n.uname, 0);
      r.children.forEach(setAll);
    };
    top.forEach(setAll);
  }
  const makeOrphan = (clone: WRsc, id?: string): WRsc => {
    const template = clone.config.kind === 'clone' ? clone.config.child : undefined;
    if (!template) throw new Error(`${clone.id} is not a clone`);
    const config = instanceOf(template, clone.children.length);
    // A globally-unique clone's orphan keeps the id its history names.
    const inst = newRsc(id === undefined ? config : { ...config, id }, clone, defaults, nodes.length);
    const mark = (r: WRsc) => {
      r.orphan = true;
      r.nextRole = 'Stopped';
      byId.set(r.id, r);
      if (r.variant === 'primitive') primitives.push(r);
      r.children.forEach(mark);
    };
    mark(inst);
    clone.children.push(inst);
    return inst;
  };
  // Operation history: nodes that are online, or (with fencing) any node we know about.
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  for (const state of cib.status) {
    const node = nodeById.get(state.id) ?? nodeByName.get(state.uname);
    if (!node) continue;
    if (!node.online && !(stonithEnabled && node.unclean)) continue;
    for (const lr of state.lrm) {
      const r = byId.get(lr.id) ?? cloneInstanceFor(byId, lr.id, node, makeOrphan);
      if (r?.variant !== 'primitive') continue;
      const { role, failed } = roleFromHistory(lr.ops);
      r.knownOn.add(node.uname);
      if (failed) {
        r.failed = true;
        r.failedOn.push(node);
      }
      if (role !== 'Stopped') {
        addRunning(r, node);
        if (roleOrder.indexOf(role) > roleOrder.indexOf(r.role)) r.role = role;
      }
    }
  }
  for (const r of byId.values()) {
    if (r.variant !== 'primitive') r.role = r.runningOn.length > 0 ? 'Started' : 'Stopped';
    // An active, not promoted instance of a promotable clone is Unpromoted.
    else if (r.promotable && r.role === 'Started') r.role = 'Unpromoted';
  }
  const sorted = top.map((r, i) => ({ r, i })).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  const history = new Map<string, Map<string, LrmResource>>();
  for (const state of cib.status) {
    const node = nodeById.get(state.id) ?? nodeByName.get(state.uname);
    if (!node) continue;
    const m = new Map<string, LrmResource>();
    for (const lr of state.lrm) {
      const name = historyKey(byId, lr.id);
      if (!m.has(name)) m.set(name, lr);
    }
    history.set(node.uname, m);
  }
  const haveQuorumAttr = cib.attrs['have-quorum'];
  return {
    cib,
    now,
    options,
    stonithEnabled,
    symmetric,
    haveQuorum: haveQuorumAttr === undefined ? false : isTrue(haveQuorumAttr),
    noQuorumPolicy: options.get('no-quorum-policy') ?? 'stop',
    stopAll: isTrue(options.get('stop-all-resources')),
    maintenanceMode: isTrue(options.get('maintenance-mode')),
    haveStonithResource,
    nodes,
    nodeByName,
    resources: sorted.map((x) => x.r),
    byId,
    primitives,
    colocations: [],
    orderings: [],
    history,
    scoreLines: [],
    warnings: [],
  };
}
