import { isManaged } from './assign.js';
import type { Op } from './cib-model.js';
import { addGuestFencing, guestContainer, guestFenced, guestProbeSkipped, insideContainer, orderGuestFencing } from './containers.js';
import { GraphBuilder, opKey, type TransitionGraph } from './graph.js';
import { disabled } from './history.js';
import {
  addMigrationActions,
  type MigrationActions,
  type MigrationPlan,
  migrationPlan,
  orderMigrations,
  unmigratable,
} from './migration.js';
import { stopsUnexpected } from './multiple-active.js';
import { isTrue, parseDurationMs } from './nvsets.js';
import { addResourceOrderings, impliedRestarts } from './orderings.js';
import { orphanCleanupNodes } from './orphan-cleanup.js';
import { connectionStarts, connectionStartUnrunnable, notProbedOnRemote, orderRemoteActions } from './remote-nodes.js';
import { countedActive, needsFencing } from './requires-fencing.js';
import { discoveryAllows } from './resource-discovery.js';
import { addStoppedRoleMonitors } from './stopped-monitors.js';
import { historyName, leaves } from './unpack.js';
import { orderLoadStopped } from './utilization.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * An unclean node is fenced when fencing is enabled, a fence device exists, and quorum allows it
 * (without quorum, only a node still in the membership — online — can be fenced).
 */
export function willFence(ws: WorkingSet, node: WNode): boolean {
  return ws.stonithEnabled && ws.haveStonithResource && (ws.haveQuorum || ws.noQuorumPolicy === 'ignore' || node.online);
}

/**
 * The fencing action Pacemaker asks for: `stonith-action` (`reboot` by default; the deprecated
 * `poweroff` means `off`; anything else is ignored).
 *
 * @example
 * fenceAction(ws) // 'reboot'
 */
export function fenceAction(ws: WorkingSet): 'reboot' | 'off' {
  const configured = ws.options.get('stonith-action')?.toLowerCase();
  return configured === 'off' || configured === 'poweroff' ? 'off' : 'reboot';
}

/** What happens to one primitive in the transition, for the summary. */
export interface ResourceChange {
  rsc: WRsc;
  from: WNode[];
  to?: WNode;
  fromRole: string;
  toRole: string;
  /** Restarted in place because a start it is ordered after happens. */
  restart?: boolean;
  /** Its start is only a pending start asked for again (no summary line of its own). */
  pendingStart?: boolean;
  /**
   * The role it has after the transition when that is not `toRole`: a promoted instance that stays
   * promoted but is demoted by a mandatory order (no summary line, not promoted again).
   */
  finalRole?: string;
}

/**
 * The role a change leaves its resource in once the transition is done.
 *
 * @example
 * endRole(change) // 'Unpromoted' for a promoted instance demoted by an order
 */
export function endRole(c: ResourceChange): string {
  return c.finalRole ?? c.toRole;
}

/**
 * Where a change leaves its resource once the transition is done: where it goes; an unmanaged,
 * blocked or held resource active on several nodes stays on all of them, and on none that is
 * fenced (fencing stops it there: a ticket's loss-policy=freeze on a lost node, say) or that is
 * in `unread` (a remote or guest node the transition takes down, whose history the next run
 * does not read: {@link unreadAfter}).
 *
 * @example
 * finalNodes(ws, change).map((n) => n.uname) // ['node1']
 */
export function finalNodes(ws: WorkingSet, c: ResourceChange, unread: ReadonlySet<WNode> = new Set()): WNode[] {
  if (!c.to) return [];
  const held = !isManaged(ws, c.rsc) || c.rsc.stopBlocked === true;
  if (!held && c.rsc.keptOn) return [c.to, ...c.rsc.keptOn].filter((n) => !unread.has(n));
  return (held && c.from.length > 1 ? c.from : [c.to]).filter((n) => !(held && n.unclean && willFence(ws, n)) && !unread.has(n));
}

/**
 * The remote and guest nodes the transition leaves down (their connection, or a guest's
 * container, ends stopped) whose history the next run will not read: Pacemaker's
 * unpack_node_history reads such a node's history only in its fencing pass (fencing enabled),
 * or a remote node's with shutdown locks. What stays there (frozen by a lost ticket, say) is
 * then not active any more: Pacemaker's output CIB, read again, lists it stopped.
 *
 * @example
 * unreadAfter(ws, changes) // Set { guest2 } when guest2's container stops, fencing disabled
 */
export function unreadAfter(ws: WorkingSet, changes: readonly ResourceChange[]): Set<WNode> {
  const out = new Set<WNode>();
  if (ws.stonithEnabled) return out;
  const up = new Set(changes.filter((c) => finalNodes(ws, c).length > 0 && endRole(c) === 'Started').map((c) => c.rsc.id));
  const shutdownLocks = isTrue(ws.options.get('shutdown-lock'));
  for (const n of ws.nodes) {
    const remote = n.remote;
    if (remote?.connection === undefined || (remote.container === undefined && shutdownLocks)) continue;
    if (!up.has(remote.connection) || (remote.container !== undefined && !up.has(remote.container))) out.add(n);
  }
  return out;
}

/**
 * The primitive's own plan starts it: it is new where it goes, moving, multiply active or
 * recovering. An instance on an unclean node does not make a primitive that needs no fencing
 * multiply active (its stop there is implied by the fencing): it stays, and restarts nothing.
 */
function startsAnyway(ws: WorkingSet, p: WRsc): boolean {
  const to = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
  return (
    to !== undefined &&
    (!p.runningOn.includes(to) ||
      countedActive(ws, p).length !== 1 ||
      p.failedOn.includes(to) ||
      stoppedWhereActive(p) ||
      definitionChanged(p, to))
  );
}

/** Its definition changed since it started on the node (definition-change.ts): Pacemaker restarts it there. */
function definitionChanged(p: WRsc, node: WNode): boolean {
  return p.definitionChangedOn?.includes(node) ?? false;
}

/**
 * Active (by its migration history: a failed migrate_to's target) yet Stopped by every node's own
 * history: Pacemaker starts it there.
 */
function stoppedWhereActive(p: WRsc): boolean {
  return p.role === 'Stopped' && p.runningOn.length > 0;
}

/** Its history holds a start still pending, and it stays on a node that can run it. */
function pendingStartStays(p: WRsc, to: WNode): boolean {
  return p.startPending === true && to.online && !to.unclean && !p.blocked;
}

function endsPromoted(p: WRsc): boolean {
  return p.nextRole === 'Promoted' && p.assignedTo !== undefined;
}

/** An active primitive that stays where it is, on a node that can run actions, under the cluster's control. */
function canRestartInPlace(ws: WorkingSet, p: WRsc): boolean {
  const to = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
  return to !== undefined && p.runningOn.includes(to) && to.online && !to.unclean && isManaged(ws, p);
}

/**
 * Whether the resource's state on the node is known (no probe needed): its history there says
 * something (an entry whose failure expired, or only a pending operation, does not). For an
 * anonymous clone, any instance's history counts.
 */
function hasHistory(ws: WorkingSet, p: WRsc, node: WNode): boolean {
  if (!ws.history.get(node.uname)?.has(historyName(p))) return false;
  const clone = p.parent?.variant === 'clone' ? p.parent : p.parent?.parent?.variant === 'clone' ? p.parent.parent : undefined;
  if (!clone || isTrue(clone.meta.get('globally-unique'))) return p.knownOn.has(node.uname);
  return leaves(clone).some((m) => historyName(m) === historyName(p) && m.knownOn.has(node.uname));
}

function hasRecurring(ws: WorkingSet, p: WRsc, node: WNode, intervalMs: number): boolean {
  // The entries the primitive's history was found under there (an anonymous instance may have
  // several, `rsc:1` and `rsc:2` on one node), else the node's entry under its history name.
  const entries = p.foundUnder?.get(node.uname) ?? [ws.history.get(node.uname)?.get(historyName(p))];
  // Like Pacemaker, any recorded (not pending) instance of the recurring monitor counts, whatever it returned.
  return entries.some((r) => r?.ops.some((o) => o.operation === 'monitor' && o.intervalMs === intervalMs && o.opStatus !== -1));
}

/**
 * Which instance of an anonymous clone probes a node (the probe finds out about all of them):
 * the one assigned to that node, else the lowest-numbered one, as Pacemaker chooses. For any other primitive, the primitive itself.
 */
function probeInstance(p: WRsc, node: WNode): WRsc {
  const inGroup = p.parent?.variant === 'group';
  const clone = inGroup ? p.parent?.parent : p.parent;
  if (clone?.variant !== 'clone' || isTrue(clone.meta.get('globally-unique'))) return p;
  const number = (r: WRsc) => Number.parseInt(r.id.slice(r.id.lastIndexOf(':') + 1), 10);
  const byNumber = [...clone.children].sort((a, b) => number(a) - number(b));
  const instance = byNumber.find((i) => !i.orphan && leaves(i).some((m) => m.assignedTo === node)) ?? byNumber[0];
  const member = inGroup ? instance?.children.find((m) => historyName(m) === historyName(p)) : instance;
  return member ?? p;
}

function recurringOps(p: WRsc, role: string): Op[] {
  return (p.primitive?.ops ?? []).filter((o) => {
    // A disabled recurring monitor is not run (Pacemaker schedules only enabled ones).
    if (o.name !== 'monitor' || disabled(o)) return false;
    const ms = parseDurationMs(o.interval) ?? 0;
    if (ms === 0) return false;
    const opRole = o.attrs.role?.toLowerCase();
    if (opRole === undefined) return role !== 'Promoted';
    if (opRole === 'promoted' || opRole === 'master') return role === 'Promoted';
    // A role=Stopped monitor checks that the resource is NOT running: never where it runs (it
    // would fail there and be recovered); stopped-monitors.ts schedules it where it is stopped.
    if (opRole === 'stopped') return false;
    return role !== 'Promoted';
  });
}

function opTimeout(p: WRsc, task: string): number | undefined {
  const op = p.primitive?.ops.find((o) => o.name === task && (parseDurationMs(o.interval) ?? 0) === 0);
  return parseDurationMs(op?.attrs.timeout);
}

/**
 * Builds the transition graph from a working set whose resources have been assigned: fencing of
 * unclean nodes, probes where the history is unknown, stops and starts (a stop always precedes
 * the start that replaces it), recurring monitors, group and order-constraint orderings.
 *
 * @example
 * const { graph, changes } = createActions(ws);
 */
export function createActions(ws: WorkingSet): { graph: TransitionGraph; changes: ResourceChange[] } {
  // A migration Pacemaker gives up (see unmigratable) is planned again as a stop and start.
  const noMigrate = new Set<WRsc>();
  const nextRoles = new Map(ws.primitives.map((p) => [p, p.nextRole]));
  for (;;) {
    const built = buildActions(ws, noMigrate);
    const drop = unmigratable(ws, built.graph, built.migrations);
    if (drop.length === 0) return { graph: built.graph, changes: built.changes };
    for (const p of drop) noMigrate.add(p);
    for (const [p, role] of nextRoles) p.nextRole = role;
  }
}

function buildActions(
  ws: WorkingSet,
  noMigrate: ReadonlySet<WRsc>,
): { graph: TransitionGraph; changes: ResourceChange[]; migrations: Map<number, MigrationActions> } {
  const g = new GraphBuilder();
  const changes: ResourceChange[] = [];
  const fenced = new Map<string, number>();
  for (const n of ws.nodes) {
    if (n.unclean && willFence(ws, n))
      fenced.set(
        n.uname,
        g.add({
          key: `stonith-${n.uname}-${fenceAction(ws)}`,
          task: 'stonith',
          node: n.uname,
          intervalMs: 0,
          probe: false,
          pseudo: false,
        }),
      );
  }
  // Fencing is serialized (unless concurrent-fencing=true), and the DC is fenced last.
  const dcFence = ws.nodes.filter((n) => n.attrs.get('#is_dc') === 'true').map((n) => fenced.get(n.uname))[0];
  const otherFences = ws.nodes.filter((n) => n.attrs.get('#is_dc') !== 'true').flatMap((n) => fenced.get(n.uname) ?? []);
  const concurrent = isTrue(ws.options.get('concurrent-fencing'));
  if (!concurrent) for (let i = 1; i < otherFences.length; i++) g.order(otherFences[i - 1], otherFences[i]);
  for (const f of concurrent ? otherFences : otherFences.slice(-1)) g.order(f, dcFence);
  // A guest node is "fenced" by recovering its container: a pseudo action (containers.ts).
  for (const n of ws.nodes) if (guestFenced(ws, n, (h) => willFence(ws, h))) fenced.set(n.uname, addGuestFencing(ws, g, n));
  const starts = new Map<WRsc, number>();
  const probed = new Map<string, number>();
  // Stops implied by fencing, per top-level resource: see orderStopsAfterFencing.
  const stopsOf = new Map<WRsc, number[]>();
  const implied = new Map<WRsc, Set<number>>();
  // Live migrations: a migrating resource's start is a pseudo action that restarts nothing.
  const plans = new Map<WRsc, MigrationPlan>();
  for (const p of ws.primitives) {
    const plan = noMigrate.has(p) ? undefined : migrationPlan(ws, p);
    if (plan) plans.set(p, plan);
  }
  const migrationOrders = new Map<number, MigrationActions>();
  const { restarts, demotes } = impliedRestarts(ws, {
    starts: new Set(ws.primitives.filter((p) => startsAnyway(ws, p) && !plans.has(p))),
    promotes: new Set(ws.primitives.filter((p) => endsPromoted(p) && (startsAnyway(ws, p) || p.role !== 'Promoted'))),
    // Active primitives that stop anyway (moving, recovering, stopping), but not by migrating.
    stops: new Set(
      ws.primitives.filter(
        (p) => p.runningOn.length > 0 && !plans.has(p) && (startsAnyway(ws, p) || p.nextRole === 'Stopped' || !p.assignedTo),
      ),
    ),
    canRestart: (p) => canRestartInPlace(ws, p),
    promoted: endsPromoted,
  });
  for (const p of restarts) plans.delete(p);
  // Pacemaker's apply_container_ordering: "container start, then promote" on a guest node implies
  // its `then`, so an instance restarted with its guest's container is promoted again.
  const promoteImpliedByContainer = (p: WRsc): boolean => {
    const container = p.assignedTo && guestContainer(ws, p.assignedTo);
    return container !== undefined && container !== p && (startsAnyway(ws, container) || restarts.has(container));
  };
  for (const p of ws.primitives) {
    const to = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
    const plan = plans.get(p);
    let toRole = to ? (p.nextRole ?? 'Started') : 'Stopped';
    if (restarts.has(p) && p.role === 'Promoted' && toRole === 'Promoted' && !startsAnyway(ws, p) && !promoteImpliedByContainer(p)) {
      // Like Pacemaker, a restart implied by an order does not promote again: the promoted
      // instance comes back unpromoted (crm_simulate: "Restart ... due to required X start").
      // On a guest node whose container starts, the container's start requires the promote too.
      toRole = 'Unpromoted';
      p.nextRole = 'Unpromoted';
    }
    // A partial migration is shown as moving from its source.
    const from = plan?.partial ? [plan.source, ...p.runningOn.filter((n) => n !== plan.source)] : [...p.runningOn];
    const change: ResourceChange = { rsc: p, from, to, fromRole: p.role, toRole, restart: restarts.has(p) };
    // Demoted by a mandatory order while staying promoted (an instance recovered by a demote is promoted again).
    const impliedDemote = demotes.has(p) && toRole === 'Promoted' && p.demoteOn.length === 0 && isManaged(ws, p);
    if (impliedDemote) change.finalRole = 'Unpromoted';
    changes.push(change);
    for (const n of ws.nodes) {
      if (!n.online || n.unclean || n.pending || p.orphan || hasHistory(ws, p, n) || notProbedOnRemote(p, n) || !discoveryAllows(p, n))
        continue;
      if (insideContainer(p) || guestProbeSkipped(ws, n) || connectionStartUnrunnable(ws, n)) continue;
      // An anonymous clone is probed once per node, not once per instance; a globally-unique
      // clone's instances are each probed.
      const probeKey = `${historyName(p)}@${n.uname}`;
      const done = probed.get(probeKey);
      if (done !== undefined) continue;
      const prober = probeInstance(p, n);
      const probe = g.add({
        key: opKey(prober.id, 'monitor', 0),
        task: 'monitor',
        rsc: prober.id,
        node: n.uname,
        intervalMs: 0,
        probe: true,
        pseudo: false,
      });
      probed.set(probeKey, probe);
    }
    const myStops: number[] = [];
    const addStop = (node: WNode, pseudo: boolean) =>
      g.add({
        key: opKey(p.id, 'stop', 0),
        task: 'stop',
        rsc: p.id,
        node: node.uname,
        intervalMs: 0,
        probe: false,
        pseudo,
        timeoutMs: opTimeout(p, 'stop'),
      });
    // A resource that does not need fencing (a fence device, requires=quorum|nothing, no
    // fencing) is multiply active only on several online, clean nodes: a stop on an unclean node
    // (implied by its fencing, or unable to run) then restarts nothing (pe__find_active_on).
    const countClean = !needsFencing(ws, p);
    let cleanStops = 0;
    const cleanActive = countedActive(ws, p).length;
    // Nothing is done to an unmanaged (or blocked) resource: it stays wherever it is active.
    const managed = isManaged(ws, p) && !p.stopBlocked;
    // multiple-active=stop_unexpected: the instance on the node it is assigned to stays as it is.
    const unexpectedOnly = managed && to !== undefined && stopsUnexpected(ws, p);
    for (const n of managed ? p.runningOn : []) {
      const clean = !countClean || (n.online && !n.unclean);
      const single = countClean && clean ? cleanActive === 1 : p.runningOn.length === 1;
      // Finishing a partial migration keeps the resource on its target.
      const keep =
        (to === n && single && !p.failedOn.includes(n) && !restarts.has(p) && !definitionChanged(p, n)) ||
        (plan?.partial === true && n === plan.target);
      const fence = fenced.get(n.uname);
      let demote: number | undefined;
      // on-fail=demote: the failed promoted instance is demoted (and promoted again if it stays promoted).
      const recoverByDemote = p.demoteOn.includes(n) && isManaged(ws, p);
      if (p.role === 'Promoted' && (!keep || toRole !== 'Promoted' || recoverByDemote || impliedDemote)) {
        demote = g.add({
          key: opKey(p.id, 'demote', 0),
          task: 'demote',
          rsc: p.id,
          node: n.uname,
          intervalMs: 0,
          probe: false,
          pseudo: fence !== undefined,
        });
        g.order(fence, demote);
      }
      if (keep || (unexpectedOnly && n === to)) continue;
      // A stop on a cluster node that is down and not fenced cannot run (left out of the graph).
      if (!n.online && fence === undefined && n.remote === undefined) continue;
      const id = addStop(n, fence !== undefined);
      g.order(fence, id);
      g.order(demote, id);
      myStops.push(id);
      if (clean) cleanStops++;
      if (fence !== undefined && needsFencing(ws, p)) {
        const top = topOf(p);
        implied.set(top, (implied.get(top) ?? new Set()).add(fence));
      }
    }
    // A migration completed on both ends still needs the stop on its source (a dangling migration).
    for (const n of managed ? (p.migration?.dangling ?? []) : []) {
      if (p.runningOn.includes(n) || !n.online || n.unclean) continue;
      myStops.push(addStop(n, false));
    }
    if (myStops.length > 0) {
      const top = topOf(p);
      const list = stopsOf.get(top);
      if (list) list.push(...myStops);
      else stopsOf.set(top, [...myStops]);
    }
    // An orphaned globally-unique instance's history is deleted once it is stopped (stop -> delete).
    for (const n of orphanCleanupNodes(ws, p)) {
      const del = g.add({
        key: opKey(p.id, 'delete', 0),
        task: 'delete',
        rsc: p.id,
        node: n.uname,
        intervalMs: 0,
        probe: false,
        pseudo: false,
      });
      for (const s of myStops) g.order(s, del);
    }
    // A migrate_to pending on an unclean node may have got the resource going on its target: it is
    // stopped there too, before it starts, without waiting for the fencing.
    for (const n of managed ? (p.pendingMigrationStops ?? []) : []) {
      if (!n.online || n.unclean || g.find(opKey(p.id, 'stop', 0), n.uname) !== undefined) continue;
      myStops.push(addStop(n, false));
    }
    if (to) {
      const addStart = (pseudo: boolean) =>
        g.add({
          key: opKey(p.id, 'start', 0),
          task: 'start',
          rsc: p.id,
          node: to.uname,
          intervalMs: 0,
          probe: false,
          pseudo,
          timeoutMs: opTimeout(p, 'start'),
        });
      const restart = !p.runningOn.includes(to) || cleanStops > 0 || stoppedWhereActive(p);
      if (restart) {
        // A migrating resource's start is a pseudo action after migrate_from, and so is the start of
        // a multiply active one on its expected node (multiple-active=stop_unexpected).
        const start = addStart(plan !== undefined || unexpectedOnly);
        starts.set(p, start);
        for (const s of myStops) g.order(s, start);
        for (const f of fenced.values()) g.order(f, start);
        const stop = plan && g.find(opKey(p.id, 'stop', 0), plan.source.uname);
        if (plan && stop !== undefined) {
          const first = addMigrationActions(g, p, plan, stop, start);
          const from = g.find(opKey(p.id, 'migrate_from', 0), plan.target.uname) ?? first;
          const actions: MigrationActions = { rsc: p, first, from, start, stop };
          migrationOrders.set(start, actions);
          migrationOrders.set(stop, actions);
        }
      }
      if (!restart && managed && pendingStartStays(p, to)) {
        // A start still pending in the history is asked for again where the resource stays
        // (Pacemaker's create_pending_start): no role change, so no summary line.
        change.pendingStart = true;
        const start = addStart(false);
        starts.set(p, start);
        for (const f of fenced.values()) g.order(f, start);
      }
      let promote: number | undefined;
      const demotedHere = g.find(opKey(p.id, 'demote', 0), to.uname);
      const roleChange = toRole === 'Promoted' && (restart || p.role !== 'Promoted' || (demotedHere !== undefined && !impliedDemote));
      if (roleChange) {
        promote = g.add({
          key: opKey(p.id, 'promote', 0),
          task: 'promote',
          rsc: p.id,
          node: to.uname,
          intervalMs: 0,
          probe: false,
          pseudo: false,
        });
        g.order(starts.get(p), promote);
        g.order(demotedHere, promote);
      }
      const reload = restart ? undefined : addReload(ws, g, p, to, probed);
      const demoted = p.role === 'Promoted' && toRole !== 'Promoted' && !restart;
      // Re-promoted in place (on-fail=demote): the promoted monitor already known there is kept.
      const repromoted = roleChange && !restart && p.role === 'Promoted';
      // Nothing runs on a node that is down or unclean (a resource stuck there keeps its role), and
      // a blocked or held resource gets no new actions, recurring monitors included.
      // A blocked promote leaves the instance meant for Promoted: no unpromoted monitor, and the promoted ones wait for it.
      const runnable = to.online && !to.unclean && !p.blocked && !p.stopBlocked && !p.blockedPromote;
      for (const o of runnable ? recurringOps(p, toRole) : []) {
        const ms = parseDurationMs(o.interval) ?? 0;
        const expiredFailure = p.rescheduled?.get(to.uname)?.includes(ms) ?? false;
        const reconnected = to.remote !== undefined && connectionStarts(ws, to);
        if (!restart && (!roleChange || repromoted) && !demoted && !expiredFailure && !reconnected && hasRecurring(ws, p, to, ms)) continue;
        const mon = g.add({
          key: opKey(p.id, 'monitor', ms),
          task: 'monitor',
          rsc: p.id,
          node: to.uname,
          intervalMs: ms,
          probe: false,
          pseudo: false,
          promoted: toRole === 'Promoted',
          timeoutMs: parseDurationMs(o.attrs.timeout),
        });
        g.order(promote ?? starts.get(p) ?? reload ?? g.find(opKey(p.id, 'demote', 0), to.uname), mon);
      }
    }
  }
  for (const p of ws.primitives) addStoppedRoleMonitors(ws, g, p, (n) => probed.get(`${historyName(p)}@${n.uname}`));
  orderStopsAfterFencing(g, implied, stopsOf);
  addResourceOrderings(ws, g, new Set([...migrationOrders.values()].map((m) => m.stop)));
  orderMigrations(ws, g, migrationOrders);
  orderLoadStopped(ws, g);
  orderRemoteActions(ws, g);
  orderGuestFencing(ws, g, fenced);
  return { graph: g.build(), changes, migrations: migrationOrders };
}

/**
 * An agent reload where only reloadable parameters changed (definition-change.ts), unless the
 * resource is stopped or demoted there anyway (either cancels it, as in Pacemaker), failed, or
 * not managed. It waits for the resource's probes, as its start would.
 */
function addReload(ws: WorkingSet, g: GraphBuilder, p: WRsc, to: WNode, probed: ReadonlyMap<string, number>): number | undefined {
  if (!p.reloadOn?.includes(to) || p.failed || !isManaged(ws, p) || !to.online || to.unclean) return undefined;
  if (g.find(opKey(p.id, 'stop', 0), to.uname) !== undefined || g.find(opKey(p.id, 'demote', 0), to.uname) !== undefined) return undefined;
  const reload = g.add({
    key: opKey(p.id, 'reload-agent', 0),
    task: 'reload-agent',
    rsc: p.id,
    node: to.uname,
    intervalMs: 0,
    probe: false,
    pseudo: false,
  });
  for (const [k, probe] of probed) if (k.startsWith(`${historyName(p)}@`)) g.order(probe, reload);
  return reload;
}

function topOf(p: WRsc): WRsc {
  let r = p;
  while (r.parent) r = r.parent;
  return r;
}

/**
 * A stop implied by fencing a node (of a resource that needs fencing) comes after the fencing,
 * and so does the first stop of its top-level resource, wherever it is: Pacemaker orders the
 * fencing before the top resource's first stop action (`order_stop_vs_fencing`), which for a
 * group or clone is its `stop` pseudo action, before every member's and instance's stop, and
 * for a primitive active on several nodes the stop it finds first (the last one created). A resource active
 * on an unclean node and elsewhere is so stopped elsewhere only once the unclean node is fenced.
 */
function orderStopsAfterFencing(g: GraphBuilder, implied: Map<WRsc, Set<number>>, stopsOf: Map<WRsc, number[]>): void {
  for (const [top, fences] of implied) {
    const stops = stopsOf.get(top) ?? [];
    // Pacemaker keeps a resource's actions newest first: a primitive's "first" stop is the one
    // created last, on the last node it is active on.
    const after = top.variant === 'primitive' ? stops.slice(-1) : stops;
    for (const f of fences) for (const s of after) g.order(f, s);
  }
}
