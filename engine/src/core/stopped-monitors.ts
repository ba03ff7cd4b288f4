/**
 * Monitors configured for `role="Stopped"`, as Pacemaker 2.1 schedules them: they check that the
 * resource is NOT running, so they run (expecting rc 7, "not running") on every node except the
 * one the resource is assigned to, after the resource's probe and stop there. One already running
 * on a node (found in the history since the resource last stopped there) is left alone unless the
 * resource stops there now. Anonymous clone instances get none (Pacemaker ignores them too).
 */
import type { LrmOp, Op } from './cib-model.js';
import { glibListSort } from './glib-order.js';
import type { GraphBuilder } from './graph.js';
import { opKey } from './graph.js';
import { disabled } from './history.js';
import { parseDurationMs } from './nvsets.js';
import { compareOps } from './op-order.js';
import { historyName } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** The primitive's enabled recurring monitors for the Stopped role (the first per interval). */
function stoppedRoleMonitors(p: WRsc): Op[] {
  const seen = new Set<number>();
  const out: Op[] = [];
  for (const o of p.primitive?.ops ?? []) {
    const ms = parseDurationMs(o.interval) ?? 0;
    if (o.name !== 'monitor' || ms === 0 || seen.has(ms)) continue;
    seen.add(ms);
    if (!disabled(o) && o.attrs.role?.toLowerCase() === 'stopped') out.push(o);
  }
  return out;
}

/** Whether Pacemaker's anonymous-clone rule leaves the primitive without Stopped-role monitors. */
function anonymousInstance(p: WRsc): boolean {
  for (let r = p.parent; r; r = r.parent) if (r.variant === 'clone') return !r.unique;
  return false;
}

/**
 * Whether the recurring operation is running on the node by its history (Pacemaker's
 * process_recurring): recorded, not pending, after the last start (or what implies one), and not
 * before a later stop.
 */
function recurringKnown(ops: readonly LrmOp[], intervalMs: number, task = 'monitor'): boolean {
  const sorted = glibListSort([...ops].reverse(), compareOps);
  let start = -1;
  let stop = -1;
  let impliedMonitor = -1;
  let impliedClone = -1;
  sorted.forEach((o, i) => {
    if (o.operation === 'stop' && o.opStatus === 0) stop = i;
    else if (o.operation === 'start' || o.operation === 'migrate_from') start = i;
    else if (impliedMonitor <= stop && o.operation === 'monitor' && (o.rc === 0 || o.rc === 8)) impliedMonitor = i;
    else if (o.operation === 'promote' || o.operation === 'demote') impliedClone = i;
  });
  if (start === -1) start = impliedClone !== -1 ? impliedClone : impliedMonitor;
  return sorted.some(
    (o, i) => !(start < stop && i <= stop) && i >= start && o.operation === task && o.intervalMs === intervalMs && o.opStatus !== -1,
  );
}

/**
 * Adds the Stopped-role monitors of one primitive: on each node but the one it is assigned to, a
 * monitor expecting rc 7 (`stoppedRole`), ordered after its probe and its stop there; skipped
 * where one already runs (unless it stops there now) and on nodes that are down or unclean. (On
 * the node it is assigned to, the controller cancels a running one before the resource starts.)
 *
 * @example
 * addStoppedRoleMonitors(ws, g, p, (n) => probeIdOn(n));
 */
export function addStoppedRoleMonitors(ws: WorkingSet, g: GraphBuilder, p: WRsc, probeOn: (n: WNode) => number | undefined): void {
  const ops = stoppedRoleMonitors(p);
  if (ops.length === 0 || anonymousInstance(p) || p.orphan) return;
  if (ws.maintenanceMode || p.meta.get('maintenance')?.toLowerCase() === 'true') return;
  const target = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
  const managed = p.managed;
  for (const o of ops) {
    const ms = parseDurationMs(o.interval) ?? 0;
    for (const n of ws.nodes) {
      if (n === target) continue;
      if (!n.online || n.unclean) continue;
      const stop = g.find(opKey(p.id, 'stop', 0), n.uname);
      const stopAction = stop === undefined ? undefined : g.actions[stop];
      if (stopAction?.pseudo || (stop !== undefined && (p.blocked || p.stopBlocked))) continue;
      const history = ws.history.get(n.uname)?.get(historyName(p));
      const known = history !== undefined && recurringKnown(history.ops, ms);
      if (known && (stop === undefined || !managed)) continue;
      const mon = g.add({
        key: opKey(p.id, 'monitor', ms),
        task: 'monitor',
        rsc: p.id,
        node: n.uname,
        intervalMs: ms,
        probe: false,
        pseudo: false,
        stoppedRole: true,
        timeoutMs: parseDurationMs(o.attrs.timeout),
      });
      if (!managed) continue;
      const probe = probeOn(n);
      if (probe !== undefined) g.order(probe, mon);
      if (stop !== undefined) g.order(stop, mon);
    }
  }
}
