import { type AnonymousLookup, anonymousInstance } from './anonymous-instance.js';
import { restrictToGuests, withBundles } from './bundles.js';
import type { Cib, Group, LrmOp, LrmResource, NodeState, NvSet, Primitive, Resource } from './cib-model.js';
import { fenceGuest, isGuestNode, linkContainers, restartContainer } from './containers.js';
import { resolveDateRules } from './date-rules.js';
import { rscDefaultsFor } from './defaults-rules.js';
import { nodeFailCount } from './failcount.js';
import { forceAnonymous } from './forced-anonymous.js';
import { withGuestConnections } from './guest-nodes.js';
import { expectedRc, type HistoryContext, type HistoryResult, type HistoryRole, unpackHistory } from './history.js';
import { addMigrationActive, applyMigrationFindings, MigrationHistory } from './migration-history.js';
import { applyMultipleActive } from './multiple-active.js';
import { flattenSets, flattenSetsOverwriting, isTrue, parseDurationMs } from './nvsets.js';
import { orphanConnections } from './orphan-connections.js';
import { leftAloneHistory, markOrphanPrimitive, orphanConfig } from './orphan-resources.js';
import {
  addNodeAttrs,
  applyRemoteState,
  determineRemoteOnline,
  finishRemoteNodes,
  isRemoteConnection,
  reconnectIntervalMs,
  remoteActiveWhileDown,
  remoteHistoryReady,
  remoteMonitorFailuresWait,
  remoteNodes,
  resetRemote,
} from './remote-nodes.js';
import { needsFencing } from './requires-fencing.js';
import { withPatternLocations } from './rsc-pattern.js';
import { addScores, INFINITY, parseScore } from './score.js';
import { withTemplatesExpanded } from './templates.js';
import type { UnpackMemo } from './unpack-memo.js';
import { type Role, stopCannotRunOn, type WNode, type WorkingSet, type WRsc } from './working-set.js';

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
  const attrs = new Map<string, string>([['#kind', 'cluster']]);
  addNodeAttrs(attrs, n.id, n.uname, n.id === dcUuid);
  flattenSets(n.attributes, attrs);
  if (state) {
    // Transient attributes overwrite configured ones.
    const transient = flattenSetsOverwriting(state.transient);
    for (const [k, v] of transient) attrs.set(k, v);
  }
  const inCcm = isTrue(state?.attrs.in_ccm);
  const crmdOnline = state?.attrs.crmd?.toLowerCase() === 'online';
  const join = state?.attrs.join?.toLowerCase();
  const expected = (state?.attrs.expected ?? 'down').toLowerCase();
  // A clean shutdown was requested (the controller sets `shutdown` to the time it was asked for).
  const shutdownAttr = attrs.get('shutdown');
  const shutdown = shutdownAttr !== undefined && shutdownAttr !== '0';
  const terminateAttr = attrs.get('terminate') ?? '';
  const terminate = isTrue(terminateAttr) || /^[1-9]/.test(terminateAttr);
  let online = false;
  let unclean = false;
  let standby = isTrue(attrs.get('standby'));
  let pending = false;
  // Pacemaker's determine_online_status_no_fencing / _fencing.
  if (state === undefined) {
    unclean = stonith && isTrue(cib.crmConfig.length ? (flattenSets(cib.crmConfig).get('startup-fencing') ?? 'true') : 'true');
  } else if (!stonith) {
    online = inCcm && crmdOnline && join === 'member';
    // In the membership but its controller is gone while it was expected up: unclean (not fenceable).
    if (inCcm && !crmdOnline && expected === 'member' && !shutdown) unclean = true;
  } else if (shutdown) {
    // Shutting down: it cannot be shut down when its controller is gone, so that decides.
    online = crmdOnline;
  } else if (state.attrs.in_ccm === undefined) {
    unclean = true;
  } else if (join === 'banned') {
    // The controller refused its join (CRMD_JOINSTATE_NACK is "banned"): "peer failed Pacemaker
    // membership criteria", fenced; online as far as the membership says (crm_mon: "UNCLEAN (online)").
    unclean = true;
    online = inCcm;
  } else if (!terminate && expected === 'down') {
    if (inCcm || crmdOnline) pending = true;
  } else if (terminate && join === 'down' && !inCcm && !crmdOnline) {
    // Just fenced as requested.
  } else if (!inCcm || !crmdOnline || terminate) {
    unclean = true;
  } else if (join === 'member') {
    online = true;
  } else if (join === 'pending' || join === 'down') {
    pending = true;
  } else {
    unclean = true;
  }
  // A pending node runs nothing; Pacemaker counts it online when in the membership, but any
  // action there, a probe included, is unrunnable (pe_actions.c).
  if (pending) {
    online = inCcm;
    standby = true;
  }
  return {
    id: n.id,
    uname: n.uname,
    online,
    standby,
    unclean,
    shutdown: shutdown && online,
    ...(pending && online ? { pending: true } : {}),
    maintenance: isTrue(attrs.get('maintenance')),
    attrs,
    numResources: 0,
  };
}

/** A clone instance's configuration: the template with `:<n>` appended to every id. */
function instanceOf(child: Primitive | Group, n: number): Primitive | Group {
  if (child.kind === 'primitive') return { ...child, id: `${child.id}:${n}` };
  return { ...child, id: `${child.id}:${n}`, children: child.children.map((m) => ({ ...m, id: `${m.id}:${n}` })) };
}

function newRsc(config: Resource, parent: WRsc | undefined, defaults: readonly NvSet[], nodeCount: number): WRsc {
  const meta = flattenSets(config.meta);
  if (parent) for (const [k, v] of parent.meta) if (!meta.has(k)) meta.set(k, v);
  for (const [k, v] of rscDefaultsFor(defaults, config)) if (!meta.has(k)) meta.set(k, v);
  // Clones are a little sticky unless configured otherwise (after rsc_defaults).
  if (config.kind === 'clone' && !meta.has('resource-stickiness')) meta.set('resource-stickiness', '1');
  // Only OCF and fence agents can be globally unique: any other class makes the clone anonymous.
  if (config.kind === 'clone') forceAnonymous(meta, config.child, nodeCount);
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
    // A remote connection's reconnect_interval is its failure-timeout (Pacemaker's unpack_resource).
    failureTimeoutS: Math.floor(
      (config.kind === 'primitive' && isRemoteConnection(config) && reconnectIntervalMs(config) > 0
        ? reconnectIntervalMs(config)
        : (parseDurationMs(meta.get('failure-timeout')) ?? 0)) / 1000,
    ),
    // is-managed (its value "default" counts as unset), and maintenance=true, which overrides it.
    managed:
      !isTrue(meta.get('maintenance')) &&
      (meta.get('is-managed') === undefined || meta.get('is-managed')?.toLowerCase() === 'default' || isTrue(meta.get('is-managed'))),
    critical: meta.get('critical') === undefined ? true : isTrue(meta.get('critical')),
    promotable,
    unique: isTrue(meta.get('globally-unique')),
    allowed: new Map(),
    runningOn: [],
    role: 'Stopped',
    failed: false,
    failedOn: [],
    demoteOn: [],
    blocked: false,
    ticketFrozen: false,
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
    const { count, configured } = cloneInstanceCount(meta, nodeCount, r.unique);
    if (configured !== undefined) r.configuredMax = configured;
    r.children = Array.from({ length: count }, (_, i) => newRsc(instanceOf(config.child, i), r, defaults, nodeCount));
  }
  return r;
}

/** Above this many instances, a clone gets only as many as its nodes can run. */
const MANY_INSTANCES = 10_000;

/**
 * How many instances a clone gets: `clone-max` (default: the number of nodes). A clone-max of
 * millions (only a typo means that) would exhaust memory for instances that can never run, so
 * beyond {@link MANY_INSTANCES} it is bounded by what the nodes can run (one per node, or
 * `clone-node-max` per node for a globally-unique clone) and `configured` says so.
 *
 * @example
 * cloneInstanceCount(new Map([['clone-max', '100000000']]), 3, false) // { count: 3, configured: 100000000 }
 */
function cloneInstanceCount(meta: Map<string, string>, nodeCount: number, unique: boolean): { count: number; configured?: number } {
  const max = Number.parseInt(meta.get('clone-max') ?? '', 10);
  const count = Number.isNaN(max) ? Math.max(1, nodeCount) : Math.max(0, max);
  if (count <= MANY_INSTANCES) return { count };
  const perNode = unique ? Math.max(1, Number.parseInt(meta.get('clone-node-max') ?? '1', 10) || 1) : 1;
  return { count: Math.min(count, Math.max(1, nodeCount) * perNode), configured: count };
}

/** Every primitive under a resource, depth first. */
export function leaves(r: WRsc): WRsc[] {
  return r.variant === 'primitive' ? [r] : r.children.flatMap(leaves);
}

/** An operation of a live migration (its outcome depends on the history on the other node too). */
function isMigrationOp(o: LrmOp): boolean {
  return o.operation === 'migrate_to' || o.operation === 'migrate_from';
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
 * Which clone instance a history entry belongs to, as Pacemaker decides it: an anonymous clone's
 * entries (`rsc`, or a numbered `rsc:N` as older versions wrote) through its anonymous lookup
 * (anonymous-instance.ts), whatever number they carry. A globally-unique clone's entries name
 * their instance (`rsc:N`) and are found by id before this is asked; one that names no configured
 * instance (beyond clone-max) is an orphan.
 */
function cloneInstanceFor(
  byId: Map<string, WRsc>,
  historyId: string,
  node: WNode,
  orphan: (clone: WRsc, id?: string) => WRsc,
  lookup: Omit<AnonymousLookup, 'orphan'>,
): WRsc | undefined {
  const base = historyId.replace(/:\d+$/, '');
  const clone = owners(byId).get(base);
  if (!clone) return undefined;
  if (clone.unique) return clone.config.kind === 'clone' && clone.config.child.kind === 'primitive' ? orphan(clone, historyId) : undefined;
  return anonymousInstance(clone, base, node, { ...lookup, orphan: (c) => orphan(c) });
}

/** Whether a primitive is an instance of an anonymous clone (its history id's number means nothing). */
function anonymousInstanceId(p: WRsc): boolean {
  const clone = p.parent?.variant === 'clone' ? p.parent : p.parent?.parent?.variant === 'clone' ? p.parent.parent : undefined;
  return p.variant === 'primitive' && clone !== undefined && !clone.unique;
}

/** The resource a failure bans: an anonymous clone instance bans its whole clone. */
function anonymousTop(r: WRsc): WRsc {
  for (let p = r.parent; p; p = p.parent) if (p.variant === 'clone') return isTrue(p.meta.get('globally-unique')) ? r : p;
  return r;
}

/** Adds -INFINITY for `node` to a resource and everything in it (Pacemaker's resource_location). */
export function ban(r: WRsc, node: string): void {
  r.allowed.set(node, addScores(r.allowed.get(node) ?? 0, -INFINITY));
  for (const c of r.children) ban(c, node);
}

/**
 * Applies what one resource's history on one node implies (Pacemaker's process_rsc_state): bans,
 * the on-fail response (demote, fence the node, put it in standby, block, ban, stop for good,
 * recover), and where the resource is active.
 */
function applyHistory(
  r: WRsc,
  node: WNode,
  res: HistoryResult,
  ctx: { nodes: WNode[]; byId: Map<string, WRsc>; stonithEnabled: boolean; maintenanceMode: boolean; historyNext: Map<WRsc, HistoryRole> },
): void {
  // A failed stop nothing can recover unmanages a resource and blocks it (not one already unmanaged).
  if (!res.managed && r.managed) {
    r.managed = false;
    r.blocked = true;
  }
  if (res.failureIgnored) r.failureIgnored = true;
  if (res.pendingTask !== undefined && r.pending === undefined) r.pending = { task: res.pendingTask, node: node.uname };
  if (res.startPending) r.startPending = true;
  const migrationTarget =
    res.pendingMigrationTarget === undefined ? undefined : ctx.nodes.find((n) => n.uname === res.pendingMigrationTarget);
  if (migrationTarget && !r.pendingMigrationStops?.includes(migrationTarget))
    r.pendingMigrationStops = [...(r.pendingMigrationStops ?? []), migrationTarget];
  if (res.rescheduled.length > 0) {
    r.rescheduled ??= new Map();
    r.rescheduled.set(node.uname, res.rescheduled);
  }
  for (const b of res.bans) {
    const target = b.target === 'self' ? r : anonymousTop(r);
    for (const n of b.everywhere ? ctx.nodes : [node]) ban(target, n.uname);
  }
  if (res.stopEverywhere) {
    // Replaces the resource's (or anonymous clone's) own node table: -INFINITY everywhere.
    anonymousTop(r).allowed = new Map(ctx.nodes.map((n) => [n.uname, -INFINITY]));
  }
  let next = res.nextRole;
  if (res.role !== 'Unknown') r.knownOn.add(node.uname);
  const active = res.role !== 'Unknown' && res.role !== 'Stopped';
  // Active on a node that is down: fenced, unless the node or the resource is in maintenance. A
  // guest node is "fenced" (its container recovered) whether fencing is enabled or not, and the
  // resource is recovered.
  const downGuest = active && !node.online && !node.maintenance && r.managed && !ctx.maintenanceMode && isGuestNode(node);
  if (downGuest) fenceGuest(ctx, node);
  else if (active && !node.online && !node.maintenance && r.managed && !ctx.maintenanceMode && ctx.stonithEnabled) {
    node.unclean = true;
    if (node.remote) remoteActiveWhileDown(node, ctx.byId);
  }
  const onFail = node.unclean ? 'ignore' : res.onFail;
  switch (onFail) {
    case 'demote':
      r.failed = true;
      r.demoteOn.push(node);
      break;
    case 'fence':
      // A guest node is "fenced" by recovering its container (pe_fence_node).
      if (isGuestNode(node)) fenceGuest(ctx, node);
      else node.unclean = true;
      break;
    case 'standby':
      node.standby = true;
      node.standbyOnFail = true;
      break;
    case 'block':
      r.managed = false;
      r.blocked = true;
      break;
    case 'migrate':
      ban(r, node.uname);
      break;
    case 'stop':
      next = 'Stopped';
      break;
    case 'reset-remote':
      resetRemote(ctx.nodes, r, ctx.stonithEnabled);
      break;
    case 'restart-container':
      restartContainer(r, node);
      break;
    default:
      break;
  }
  // Recovering it schedules its stop now (process_rsc_state's stop_action), and a stop on a cluster
  // node that is down and clean cannot run: the node turns unclean.
  if (active && onFail === 'restart' && stopCannotRunOn(node) && r.managed && !ctx.maintenanceMode) node.unclean = true;
  ctx.historyNext.set(r, next);
  if (!active) return;
  addRunning(r, node);
  // Whatever is active on a node in maintenance is left alone (Pacemaker's native_add_running).
  if (node.maintenance && r.variant === 'primitive') r.managed = false;
  // An unmanaged resource is pinned where it is active (Pacemaker's "not_managed_default").
  if (!r.managed || ctx.maintenanceMode || node.maintenance) r.allowed.set(node.uname, addScores(r.allowed.get(node.uname) ?? 0, INFINITY));
  // Active on a second node: its multiple-active policy (after the pin, as in native_add_running).
  else applyMultipleActive(r, ctx.nodes);
  if (roleOrder.indexOf(res.role as Role) > roleOrder.indexOf(r.role)) r.role = res.role as Role;
  if (downGuest) {
    r.failed = true;
    if (!r.failedOn.includes(node)) r.failedOn.push(node);
  }
  if (onFail === 'ignore') return;
  r.failed = true;
  if (onFail !== 'demote' && onFail !== 'block') r.failedOn.push(node);
}

/**
 * A fail count caused by an operation configured with `on-fail="block"` disregards the resource's
 * failure-timeout (Pacemaker resets it to 0 for the whole run, with a warning).
 */
function resetBlockedFailureTimeouts(
  cib: Cib,
  primitives: WRsc[],
  nodeById: Map<string, WNode>,
  nodeByName: Map<string, WNode>,
  now: number,
): void {
  for (const p of primitives) {
    if (p.failureTimeoutS <= 0 || !p.primitive) continue;
    const blockOps = p.primitive.ops.filter((o) => o.attrs['on-fail'] === 'block');
    if (blockOps.length === 0) continue;
    const base = p.id.replace(/:\d+$/, '');
    for (const state of cib.status) {
      const node = nodeById.get(state.id) ?? nodeByName.get(state.uname);
      if (!node || nodeFailCount(node, p, now, false) <= 0) continue;
      const lr = state.lrm.find((x) => x.id === base);
      const matched = lr?.ops.some((op) =>
        blockOps.some((conf) => {
          if (conf.name !== op.operation || (parseDurationMs(conf.interval) ?? 0) !== op.intervalMs) return false;
          if (op.id === `${base}_last_failure_0`) return true;
          return op.id === `${base}_${conf.name}_${op.intervalMs}` && op.rc !== expectedRc(op);
        }),
      );
      if (matched) {
        p.failureTimeoutS = 0;
        break;
      }
    }
  }
}

/**
 * Builds the scheduler's working set from a CIB at time `now` (seconds since the epoch):
 * options, node states, the resource tree with meta attributes, and where each primitive is
 * active according to the operation history. Pure. With a `memo` kept from earlier runs, only
 * the parts of the status section that changed since are read again (unpack-memo.ts). Primitives
 * built from templates are read expanded (templates.ts), and so is the working set's `cib`.
 *
 * @example
 * const ws = unpack(cib, 1_700_000_000);
 * ws.nodes.filter((n) => n.online).length;
 */
export function unpack(input: Cib, now: number, memo?: UnpackMemo): WorkingSet {
  // Primitives take their templates' definitions (templates.ts), bundles are expanded into the
  // resources they imply (bundles.ts), and the connections of guest nodes are resources too
  // (guest-nodes.ts). Date rules are decided at `now` (date-rules.ts): the rest sees node-attribute
  // rules only.
  const dates = resolveDateRules(withGuestConnections(withBundles(withTemplatesExpanded(input))), now);
  const cib = withPatternLocations(dates.cib);
  const options = flattenSets(cib.crmConfig);
  for (const [k, v] of Object.entries(optionDefaults)) if (!options.has(k)) options.set(k, v);
  const stonithEnabled = isTrue(options.get('stonith-enabled'));
  const stateById = new Map(cib.status.map((s) => [s.id, s]));
  const nodes = cib.nodes
    .filter((n) => n.type?.toLowerCase() !== 'remote')
    .map((n) => unpackNode(cib, n, stateById.get(n.id), stonithEnabled, cib.attrs['dc-uuid']))
    .concat(remoteNodes(cib, stonithEnabled));
  const nodeByName = new Map(nodes.map((n) => [n.uname, n]));
  const defaults = cib.rscDefaults;
  const top = cib.resources.map((r) => newRsc(r, undefined, defaults, nodes.length));
  const byId = new Map<string, WRsc>();
  const walk = (r: WRsc) => {
    byId.set(r.id, r);
    r.children.forEach(walk);
  };
  top.forEach(walk);
  const primitives = top.flatMap(leaves);
  linkContainers(primitives, byId);
  // A watchdog (SBD) counts as a fence device: nodes can fence themselves (Pacemaker's have-watchdog).
  const haveStonithResource = primitives.some((p) => p.primitive?.class === 'stonith') || isTrue(options.get('have-watchdog'));
  const symmetric = isTrue(options.get('symmetric-cluster'));
  // The node of an orphaned connection is made while the status is read, after the resources:
  // their default scores leave it out (orphan-connections.ts).
  const orphanNodes = new Set(orphanConnections(cib).map((o) => o.id));
  const known = nodes.filter((n) => !orphanNodes.has(n.uname));
  if (symmetric) {
    const setAll = (r: WRsc) => {
      for (const n of known) r.allowed.set(n.uname, 0);
      r.children.forEach(setAll);
    };
    top.forEach(setAll);
  } else {
    // A guest node's connection may always opt in; where it runs follows its container
    // (Pacemaker's "remote_connection_default").
    for (const p of primitives)
      if (p.container && p.primitive && isRemoteConnection(p.primitive)) for (const n of known) p.allowed.set(n.uname, 0);
  }
  restrictToGuests(cib, top, nodes);
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
  // History for a resource no longer configured (not a clone's instance): an orphan of its own.
  let leftAlone: ((lr: LrmResource) => boolean) | undefined;
  const makeOrphanPrimitive = (lr: LrmResource): WRsc | undefined => {
    if (lr.ops.length === 0 || owners(byId).has(lr.id.replace(/:\d+$/, ''))) return undefined;
    // An orphaned remote connection (orphan-connections.ts): stopped, its node shutting down.
    const connection = orphanConnections(cib).find((o) => o.id === lr.id);
    leftAlone ??= leftAloneHistory(cib);
    if (!connection && leftAlone(lr)) return undefined;
    const r = newRsc(orphanConfig(lr), undefined, defaults, nodes.length);
    markOrphanPrimitive(r, options, nodes);
    if (connection?.container !== undefined) r.meta.set('container', connection.container);
    byId.set(r.id, r);
    primitives.push(r);
    top.push(r);
    linkContainers([r], byId);
    return r;
  };
  // Operation history: nodes that are online, or (with fencing) any node we know about.
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const haveQuorum = cib.attrs['have-quorum'] === undefined ? false : isTrue(cib.attrs['have-quorum']);
  const unpackWarnings: string[] = [];
  let noQuorumPolicy = options.get('no-quorum-policy') ?? 'stop';
  // Pacemaker's unpack_config: suicide needs fencing, and a partition that had quorum once (the
  // controller then sets no-quorum-panic); otherwise it is stop.
  if (noQuorumPolicy === 'suicide' && !stonithEnabled) {
    unpackWarnings.push("Resetting no-quorum-policy to 'stop' because fencing is disabled");
    noQuorumPolicy = 'stop';
  } else if (noQuorumPolicy === 'suicide' && !haveQuorum && !isTrue(cib.attrs['no-quorum-panic'])) noQuorumPolicy = 'stop';
  // unpack_node_state: without quorum, suicide fences every node of the partition (UNCLEAN (online)).
  if (noQuorumPolicy === 'suicide' && !haveQuorum) for (const n of nodes) if (n.online) n.unclean = true;
  const historyNext = new Map<WRsc, HistoryRole>();
  const migrations = new Map<WRsc, MigrationHistory>();
  resetBlockedFailureTimeouts(cib, primitives, nodeById, nodeByName, now);
  // Cluster nodes' histories first; a remote node's once its connection is known to run (or, with
  // fencing, last, to find out whether it must be fenced): see remote-nodes.ts.
  const remoteWs = { byId };
  const readStates = (pass: 'cluster' | 'remote' | 'fence') => {
    for (const state of cib.status) {
      const node = nodeById.get(state.id) ?? nodeByName.get(state.uname);
      if (!node) continue;
      if (node.remote === undefined) {
        if (pass === 'cluster') readState(state, node);
        continue;
      }
      if (pass === 'cluster' || node.remote.unpacked || !remoteHistoryReady(remoteWs, node, pass === 'fence')) continue;
      node.remote.unpacked = true;
      determineRemoteOnline(remoteWs, node);
      applyRemoteState(remoteWs, node, state);
      readState(state, node);
    }
  };
  const maintenanceMode = isTrue(options.get('maintenance-mode'));
  const anonymousLookup = { needsFencing: (p: WRsc) => needsFencing({ stonithEnabled }, p), nodeCount: nodes.length };
  const readState = (state: NodeState, node: WNode) => {
    // Without fencing, the history of offline nodes is ignored; with it (or with shutdown locks,
    // which that history records), every node's counts.
    if (!node.online && !stonithEnabled && !isTrue(options.get('shutdown-lock'))) return;
    for (const lr of state.lrm) {
      const direct = byId.get(lr.id);
      const r =
        (direct && !anonymousInstanceId(direct) ? direct : undefined) ??
        cloneInstanceFor(byId, lr.id, node, makeOrphan, anonymousLookup) ??
        makeOrphanPrimitive(lr);
      if (r?.variant !== 'primitive') continue;
      // Pacemaker's clone name: the history id an anonymous instance was found under, when it is
      // not the instance's own (`ping` or `ping:0` for instance ping:1); its actions use it.
      if (lr.id !== r.id && lr.id !== r.cloneName) r.cloneName = lr.id;
      r.foundUnder ??= new Map();
      const found = r.foundUnder.get(node.uname);
      if (found) found.push(lr);
      else r.foundUnder.set(node.uname, [lr]);
      const canFence = stonithEnabled && haveStonithResource && (haveQuorum || noQuorumPolicy === 'ignore' || node.online);
      let migration: MigrationHistory | undefined;
      if (lr.ops.some(isMigrationOp)) {
        migration = migrations.get(r) ?? new MigrationHistory(cib.status, lr.id, (uname) => nodeByName.get(uname)?.online === true);
        migrations.set(r, migration);
      }
      const mig = migration;
      const ctx: HistoryContext = {
        prim: r.primitive,
        stonithEnabled,
        canFence,
        opDefaults: cib.opDefaults,
        now,
        failureTimeoutS: r.failureTimeoutS,
        remoteMonitorFailuresWait: r.primitive !== undefined && remoteMonitorFailuresWait(stonithEnabled, r.primitive, r.id, nodes),
        managed: r.managed,
        promotable: r.promotable,
        inContainer: r.container !== undefined,
        failCount: (effective) => nodeFailCount(node, r, now, effective),
        nextRole: historyNext.get(r) ?? 'Unknown',
        migration: mig && {
          toSucceeded: (op) => mig.migrateToSucceeded(op, node.uname),
          toFailed: (op) => mig.migrateToFailed(op, node.uname),
          fromFailed: (op) => mig.migrateFromFailed(op, node.uname),
        },
      };
      // A migration's outcome depends on the resource's history on other nodes too (the whole
      // status section), which the memo does not key on: such histories are always unpacked afresh.
      const res = memo && !mig ? memo.history(lr.ops, node, ctx) : unpackHistory(lr.ops, node, ctx);
      // An instance found inactive forgets a numbered clone name (Pacemaker's process_rsc_state:
      // older status sections numbered every instance; a stopped one is not known by that name).
      if ((res.role === 'Stopped' || res.role === 'Unknown') && r.cloneName?.includes(':')) r.cloneName = undefined;
      if (mig) addMigrationActive(r, mig, nodeByName, addRunning);
      applyHistory(r, node, res, { nodes, byId, stonithEnabled, maintenanceMode, historyNext });
    }
  };
  readStates('cluster');
  // An orphaned guest connection whose container is an orphan too, found after it.
  linkContainers(
    primitives.filter((p) => p.orphan && !p.container),
    byId,
  );
  readStates('remote');
  if (stonithEnabled) readStates('fence');
  finishRemoteNodes(remoteWs, nodes);
  for (const [r, m] of migrations) applyMigrationFindings(r, m.findings, nodeByName);
  for (const r of byId.values()) {
    const next = historyNext.get(r);
    if (next !== undefined && next !== 'Unknown' && r.nextRole !== 'Stopped') r.nextRole = next;
    r.initialNextRole = r.nextRole;
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
    const build = () => {
      const m = new Map<string, LrmResource>();
      for (const lr of state.lrm) {
        const name = historyKey(byId, lr.id);
        if (!m.has(name)) m.set(name, lr);
      }
      return m;
    };
    history.set(node.uname, memo ? memo.nodeHistory(state.lrm, cib, build) : build());
  }
  return {
    cib,
    now,
    options,
    stonithEnabled,
    symmetric,
    haveQuorum,
    noQuorumPolicy,
    stopAll: isTrue(options.get('stop-all-resources')),
    maintenanceMode,
    haveStonithResource,
    nodes,
    nodeByName,
    resources: sorted.map((x) => x.r),
    byId,
    primitives,
    colocations: [],
    orderings: [],
    history,
    onScore: undefined,
    warnings: unpackWarnings,
    ...(dates.recheckAt !== undefined ? { dateRecheckAt: dates.recheckAt } : {}),
  };
}
