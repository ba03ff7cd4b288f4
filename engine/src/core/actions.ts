import { isManaged } from './assign.js';
import type { Op } from './cib-model.js';
import { GraphBuilder, opKey, type TransitionGraph } from './graph.js';
import { isTrue, parseDurationMs } from './nvsets.js';
import { leaves } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * An unclean node is fenced when fencing is enabled, a fence device exists, and quorum allows it
 * (without quorum, only a node still in the membership — online — can be fenced).
 */
export function willFence(ws: WorkingSet, node: WNode): boolean {
  return ws.stonithEnabled && ws.haveStonithResource && (ws.haveQuorum || ws.noQuorumPolicy === 'ignore' || node.online);
}

/** What happens to one primitive in the transition, for the summary. */
export interface ResourceChange {
  rsc: WRsc;
  from: WNode[];
  to?: WNode;
  fromRole: string;
  toRole: string;
  /** Restarted in place because something it must start after starts. */
  restarted?: boolean;
}

function graphMonitorsOn(g: GraphBuilder, rsc: string, node: string): number[] {
  return g.actions.filter((a) => a.rsc === rsc && a.node === node && a.task === 'monitor' && a.intervalMs > 0).map((a) => a.intervalMs);
}

function historyName(p: WRsc): string {
  return p.parent?.variant === 'clone' || p.parent?.parent?.variant === 'clone' ? p.id.replace(/:\d+$/, '') : p.id;
}

function hasHistory(ws: WorkingSet, p: WRsc, node: WNode): boolean {
  return ws.history.get(node.uname)?.has(historyName(p)) ?? false;
}

function hasRecurring(ws: WorkingSet, p: WRsc, node: WNode, intervalMs: number): boolean {
  const r = ws.history.get(node.uname)?.get(historyName(p));
  // Like Pacemaker, any recorded (not pending) instance of the recurring monitor counts, whatever it returned.
  return r?.ops.some((o) => o.operation === 'monitor' && o.intervalMs === intervalMs && o.opStatus !== -1) ?? false;
}

function recurringOps(p: WRsc, role: string): Op[] {
  return (p.primitive?.ops ?? []).filter((o) => {
    if (o.name !== 'monitor') return false;
    const ms = parseDurationMs(o.interval) ?? 0;
    if (ms === 0) return false;
    const opRole = o.attrs.role?.toLowerCase();
    if (opRole === undefined) return role !== 'Promoted';
    if (opRole === 'promoted' || opRole === 'master') return role === 'Promoted';
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
  const g = new GraphBuilder();
  const changes: ResourceChange[] = [];
  const fenced = new Map<string, number>();
  for (const n of ws.nodes) {
    if (n.unclean && willFence(ws, n))
      fenced.set(
        n.uname,
        g.add({ key: `stonith-${n.uname}-reboot`, task: 'stonith', node: n.uname, intervalMs: 0, probe: false, pseudo: false }),
      );
  }
  const starts = new Map<WRsc, number>();
  const probed = new Map<string, number>();
  const stops = new Map<WRsc, number[]>();
  for (const p of ws.primitives) {
    const to = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
    const toRole = to ? (p.nextRole ?? 'Started') : 'Stopped';
    changes.push({ rsc: p, from: [...p.runningOn], to, fromRole: p.role, toRole });
    const probes: number[] = [];
    for (const n of ws.nodes) {
      if (!n.online || n.unclean || hasHistory(ws, p, n)) continue;
      // An anonymous clone is probed once per node (by its first instance), not once per instance.
      const probeKey = `${historyName(p)}@${n.uname}`;
      const done = probed.get(probeKey);
      if (done !== undefined) {
        probes.push(done);
        continue;
      }
      const probe = g.add({
        key: opKey(p.id, 'monitor', 0),
        task: 'monitor',
        rsc: p.id,
        node: n.uname,
        intervalMs: 0,
        probe: true,
        pseudo: false,
      });
      probed.set(probeKey, probe);
      probes.push(probe);
    }
    const myStops: number[] = [];
    // Nothing is done to an unmanaged (or blocked) resource: it stays wherever it is active.
    const managed = isManaged(ws, p) && !p.stopBlocked;
    for (const n of managed ? p.runningOn : []) {
      const keep = to === n && p.runningOn.length === 1 && !p.failedOn.includes(n);
      const fence = fenced.get(n.uname);
      let demote: number | undefined;
      // on-fail=demote: the failed promoted instance is demoted (and promoted again if it stays promoted).
      const recoverByDemote = p.demoteOn.includes(n) && isManaged(ws, p);
      if (p.role === 'Promoted' && (!keep || toRole !== 'Promoted' || recoverByDemote)) {
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
      if (keep) continue;
      const id = g.add({
        key: opKey(p.id, 'stop', 0),
        task: 'stop',
        rsc: p.id,
        node: n.uname,
        intervalMs: 0,
        probe: false,
        pseudo: fence !== undefined,
        timeoutMs: opTimeout(p, 'stop'),
      });
      g.order(fence, id);
      g.order(demote, id);
      myStops.push(id);
    }
    stops.set(p, myStops);
    if (to) {
      const restart = !p.runningOn.includes(to) || myStops.length > 0;
      if (restart) {
        const start = g.add({
          key: opKey(p.id, 'start', 0),
          task: 'start',
          rsc: p.id,
          node: to.uname,
          intervalMs: 0,
          probe: false,
          pseudo: false,
          timeoutMs: opTimeout(p, 'start'),
        });
        starts.set(p, start);
        for (const s of myStops) g.order(s, start);
        for (const pr of probes) g.order(pr, start);
        for (const f of fenced.values()) g.order(f, start);
      }
      let promote: number | undefined;
      const demotedHere = g.find(opKey(p.id, 'demote', 0), to.uname);
      const roleChange = toRole === 'Promoted' && (restart || p.role !== 'Promoted' || demotedHere !== undefined);
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
      const demoted = p.role === 'Promoted' && toRole !== 'Promoted' && !restart;
      // Re-promoted in place (on-fail=demote): the promoted monitor already known there is kept.
      const repromoted = roleChange && !restart && p.role === 'Promoted';
      // A blocked resource gets no new actions, recurring monitors included.
      for (const o of p.blocked ? [] : recurringOps(p, toRole)) {
        const ms = parseDurationMs(o.interval) ?? 0;
        const expiredFailure = p.rescheduled?.get(to.uname)?.includes(ms) ?? false;
        if (!restart && (!roleChange || repromoted) && !demoted && !expiredFailure && hasRecurring(ws, p, to, ms)) continue;
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
        g.order(promote ?? starts.get(p) ?? g.find(opKey(p.id, 'demote', 0), to.uname), mon);
      }
    }
  }
  // A start that happens forces whatever must start after it (mandatory start orders, later
  // members of an ordered group) to restart where it already runs. Like Pacemaker, such a restart
  // does not promote again: a promoted instance comes back unpromoted.
  const restartInPlace = (q: WRsc): boolean => {
    const n = q.runningOn[0];
    if (!n || starts.has(q) || q.runningOn.length !== 1 || q.assignedTo !== n || q.nextRole === 'Stopped') return false;
    if (!isManaged(ws, q) || q.stopBlocked || q.blocked) return false;
    const fence = fenced.get(n.uname);
    let demote: number | undefined;
    if (q.role === 'Promoted') {
      demote = g.add({
        key: opKey(q.id, 'demote', 0),
        task: 'demote',
        rsc: q.id,
        node: n.uname,
        intervalMs: 0,
        probe: false,
        pseudo: fence !== undefined,
      });
    }
    const stop = g.add({
      key: opKey(q.id, 'stop', 0),
      task: 'stop',
      rsc: q.id,
      node: n.uname,
      intervalMs: 0,
      probe: false,
      pseudo: false,
      timeoutMs: opTimeout(q, 'stop'),
    });
    g.order(demote, stop);
    const start = g.add({
      key: opKey(q.id, 'start', 0),
      task: 'start',
      rsc: q.id,
      node: n.uname,
      intervalMs: 0,
      probe: false,
      pseudo: false,
      timeoutMs: opTimeout(q, 'start'),
    });
    g.order(stop, start);
    // A promotion already planned here still happens, after the new start.
    const promote = g.find(opKey(q.id, 'promote', 0), n.uname);
    g.order(start, promote);
    const role = promote !== undefined ? 'Promoted' : q.role === 'Promoted' ? 'Unpromoted' : q.role;
    // Recurring monitors of the (possibly new) role: the existing ones are dropped with the stop.
    const existing = new Set(graphMonitorsOn(g, q.id, n.uname));
    for (const o of recurringOps(q, role)) {
      const ms = parseDurationMs(o.interval) ?? 0;
      if (existing.has(ms)) continue;
      const mon = g.add({
        key: opKey(q.id, 'monitor', ms),
        task: 'monitor',
        rsc: q.id,
        node: n.uname,
        intervalMs: ms,
        probe: false,
        pseudo: false,
        timeoutMs: parseDurationMs(o.attrs.timeout),
      });
      g.order(promote ?? start, mon);
    }
    q.nextRole = role;
    starts.set(q, start);
    stops.set(q, [...(stops.get(q) ?? []), stop]);
    const change = changes.find((c) => c.rsc === q);
    if (change) {
      change.toRole = role;
      change.restarted = true;
    }
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const o of ws.orderings) {
      if (o.kind !== 'Mandatory' || o.firstAction !== 'start' || o.thenAction !== 'start') continue;
      if (!leaves(o.first).some((p) => starts.has(p))) continue;
      for (const q of leaves(o.then)) changed = restartInPlace(q) || changed;
    }
    for (const r of ws.byId.values()) {
      if (r.variant !== 'group' || !(r.meta.get('ordered') === undefined || isTrue(r.meta.get('ordered')))) continue;
      for (let i = 1; i < r.children.length; i++)
        if (starts.has(r.children[i - 1] as WRsc)) changed = restartInPlace(r.children[i] as WRsc) || changed;
    }
  }
  // Groups: members start in order and stop in reverse order.
  for (const r of ws.byId.values()) {
    if (r.variant !== 'group') continue;
    for (let i = 1; i < r.children.length; i++) {
      const prev = r.children[i - 1] as WRsc;
      const cur = r.children[i] as WRsc;
      g.order(starts.get(prev), starts.get(cur));
      for (const s of stops.get(cur) ?? []) for (const t of stops.get(prev) ?? []) g.order(s, t);
      // A member restarted in place forces the later members to restart after it.
      for (const s of stops.get(prev) ?? []) g.order(s, starts.get(cur));
    }
  }
  for (const o of ws.orderings) {
    const firsts = leaves(o.first);
    const thens = leaves(o.then);
    const pick = (list: WRsc[], action: string) =>
      list.flatMap((p) => (action === 'start' ? [starts.get(p)] : action === 'stop' ? (stops.get(p) ?? []) : []));
    for (const a of pick(firsts, o.firstAction)) for (const b of pick(thens, o.thenAction)) g.order(a, b);
    if (o.symmetrical && o.kind === 'Mandatory') {
      const inv = (a: string) => (a === 'start' ? 'stop' : a === 'stop' ? 'start' : a === 'promote' ? 'demote' : 'promote');
      for (const a of pick(thens, inv(o.thenAction))) for (const b of pick(firsts, inv(o.firstAction))) g.order(a, b);
    }
  }
  return { graph: g.build(), changes };
}
