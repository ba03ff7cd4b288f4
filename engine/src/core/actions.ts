import type { Op } from './cib-model.js';
import { GraphBuilder, opKey, type TransitionGraph } from './graph.js';
import { parseDurationMs } from './nvsets.js';
import { historyName, leaves } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** Unclean nodes are fenced when fencing is enabled, a fence device exists, and quorum allows it. */
export function willFence(ws: WorkingSet): boolean {
  return ws.stonithEnabled && ws.haveStonithResource && (ws.haveQuorum || ws.noQuorumPolicy === 'ignore');
}

/** What happens to one primitive in the transition, for the summary. */
export interface ResourceChange {
  rsc: WRsc;
  from: WNode[];
  to?: WNode;
  fromRole: string;
  toRole: string;
}

function hasHistory(ws: WorkingSet, p: WRsc, node: WNode): boolean {
  return ws.history.get(node.uname)?.has(historyName(p)) ?? false;
}

function hasRecurring(ws: WorkingSet, p: WRsc, node: WNode, intervalMs: number): boolean {
  const r = ws.history.get(node.uname)?.get(historyName(p));
  return r?.ops.some((o) => o.operation === 'monitor' && o.intervalMs === intervalMs && o.rc === 0) ?? false;
}

function instanceNumber(r: WRsc): number {
  return Number.parseInt(r.id.slice(r.id.lastIndexOf(':') + 1), 10);
}

/**
 * The instance that probes an anonymous clone on a node, as Pacemaker picks it: the one assigned
 * to that node, else the lowest-numbered (returns the member of that instance matching `p`).
 */
function anonymousProber(p: WRsc, node: WNode): WRsc {
  const inst = p.parent?.variant === 'clone' ? p : (p.parent as WRsc);
  const clone = inst.parent as WRsc;
  const byNumber = [...clone.children].sort((a, b) => instanceNumber(a) - instanceNumber(b));
  const chosen = byNumber.find((i) => leaves(i).some((l) => l.assignedTo === node)) ?? byNumber[0];
  return leaves(chosen ?? inst).find((l) => historyName(l) === historyName(p)) ?? p;
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
  if (willFence(ws)) {
    for (const n of ws.nodes) {
      if (n.unclean)
        fenced.set(
          n.uname,
          g.add({ key: `stonith-${n.uname}-reboot`, task: 'stonith', node: n.uname, intervalMs: 0, probe: false, pseudo: false }),
        );
    }
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
      if (!n.online || n.unclean || p.orphan || hasHistory(ws, p, n)) continue;
      // An anonymous clone is probed once per node, not once per instance; a globally-unique
      // clone's instances are each probed.
      const probeKey = `${historyName(p)}@${n.uname}`;
      const done = probed.get(probeKey);
      if (done !== undefined) {
        probes.push(done);
        continue;
      }
      const by = historyName(p) === p.id ? p : anonymousProber(p, n);
      const probe = g.add({
        key: opKey(by.id, 'monitor', 0),
        task: 'monitor',
        rsc: by.id,
        node: n.uname,
        intervalMs: 0,
        probe: true,
        pseudo: false,
      });
      probed.set(probeKey, probe);
      probes.push(probe);
    }
    const myStops: number[] = [];
    for (const n of p.runningOn) {
      const keep = to === n && p.runningOn.length === 1 && !p.failedOn.includes(n);
      const fence = fenced.get(n.uname);
      let demote: number | undefined;
      if (p.role === 'Promoted' && (!keep || toRole !== 'Promoted')) {
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
      const roleChange = toRole === 'Promoted' && (restart || p.role !== 'Promoted');
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
      }
      const demoted = p.role === 'Promoted' && toRole !== 'Promoted' && !restart;
      for (const o of recurringOps(p, toRole)) {
        const ms = parseDurationMs(o.interval) ?? 0;
        if (!restart && !roleChange && !demoted && hasRecurring(ws, p, to, ms)) continue;
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
