import { opDigest } from '../pcmk/op-digest.js';
import { withBundles } from './bundles.js';
import type { Cib, LrmOp, LrmResource, NodeState, NvSet, Primitive, Resource, Writable } from './cib-model.js';
import { isUniqueClone } from './forced-anonymous.js';
import type { GraphAction, TransitionGraph } from './graph.js';
import { flattenSets } from './nvsets.js';
import { isUnfencing } from './unfencing.js';

function rc(a: GraphAction): number {
  if (a.probe || a.stoppedRole) return 7;
  if (a.task === 'monitor') return a.promoted ? 8 : 0;
  return 0;
}

function primitivesOf(r: Resource): readonly Primitive[] {
  return r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : primitivesOf(r.child);
}

/** The controller UUID Pacemaker writes into a transition key made up outside any transition. */
const FAKE_TE_ID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

function historyOp(rsc: string, action: GraphAction, callId: number, code: number, now: number): LrmOp {
  // A reload is recorded as the start it stands for, as Pacemaker does.
  const a: GraphAction = action.task === 'reload-agent' ? { ...action, task: 'start' } : action;
  const recurring = a.task === 'monitor' && a.intervalMs > 0;
  // Migration history is kept under its own key, as Pacemaker's controller records it.
  const migration = a.task === 'migrate_to' || a.task === 'migrate_from';
  const id = recurring ? `${rsc}_monitor_${a.intervalMs}` : migration ? `${rsc}_${a.task}_0` : `${rsc}_last_0`;
  // Pacemaker's key for a result no transition asked for (transition -1, its fake controller
  // UUID), as crm_simulate writes it: a pending operation of the input from a numbered transition
  // of that UUID is then older than this result, and one from another controller newer.
  const key = `${callId}:-1:${code}:${FAKE_TE_ID}`;
  return {
    id,
    operation: a.task,
    callId,
    rc: code,
    opStatus: 0,
    intervalMs: a.intervalMs,
    attrs: {
      id,
      operation_key: `${rsc}_${a.task}_${a.intervalMs}`,
      operation: a.task,
      'crm-debug-origin': 'ocfkit-engine-simulate',
      'transition-key': key,
      'transition-magic': `0:${code};${key}`,
      'exit-reason': '',
      'call-id': String(callId),
      'rc-code': String(code),
      'op-status': '0',
      interval: String(a.intervalMs),
      'last-rc-change': String(now),
      'exec-time': '0',
      'queue-time': '0',
      ...(a.migration ? { migrate_source: a.migration.source, migrate_target: a.migration.target } : {}),
      // What the definition is compared with next time (crm_simulate records it from the action's parameters too).
      ...(a.detail ? { 'op-digest': opDigest({ ...a.detail.attributes, ...a.detail.extraParams }) } : {}),
    },
  };
}

/**
 * The CIB as it would be once every action of the graph has succeeded (what `crm_simulate -S -O`
 * writes): fenced nodes are down with an empty history (unfenced ones stay as they were); each resource action is recorded in the
 * executor history of its node (`<rsc>_last_0` for one-shot operations, `<rsc>_migrate_to_0` and `_migrate_from_0` for migrations,
 * `<rsc>_monitor_<ms>` for recurring monitors; a stop drops the recurring monitors; an anonymous clone instance in the
 * entry crm_simulate picks (the one its history was found under, else `rsc`: history-id.ts), globally-unique ones as
 * `rsc:N`, an orphan of a removed clone in the entry it was found under). Pure: returns a new CIB.
 *
 * @example
 * const after = applyTransition(cib, schedule({ cib, now }).graph, now);
 */
export function applyTransition(cib: Cib, graph: TransitionGraph, now: number): Cib {
  // A bundle's implied resources (its child's clone among them) count as configured here.
  const resources = withBundles(cib).resources;
  const prims = new Map(resources.flatMap(primitivesOf).map((p) => [p.id, p]));
  const defaults = flattenSets(cib.rscDefaults);
  const unique = new Set(
    resources
      .filter((r) => {
        if (r.kind !== 'clone') return false;
        const meta = flattenSets(r.meta);
        for (const [k, v] of defaults) if (!meta.has(k)) meta.set(k, v);
        return isUniqueClone(meta, r.child);
      })
      .flatMap(primitivesOf)
      .map((p) => p.id),
  );
  const resourceInfo = (id: string) => {
    const base = id.replace(/:\d+$/, '');
    // A globally-unique clone's instances keep their own history (`rsc:N`).
    const history = unique.has(base) ? id : base;
    const p = prims.get(base);
    return { class: p?.class ?? 'ocf', provider: p?.provider, type: p?.type ?? 'unknown', history };
  };
  const status: Writable<NodeState>[] = cib.status.map((s) => ({
    ...s,
    attrs: { ...s.attrs },
    transient: s.transient as Writable<NvSet>[],
    lrm: s.lrm.map((r) => ({ ...r, ops: [...r.ops] as Writable<LrmOp>[] })),
  }));
  const byUname = (uname: string): Writable<NodeState> => {
    let s = status.find((x) => x.uname === uname);
    if (!s) {
      const n = cib.nodes.find((x) => x.uname === uname);
      s = { id: n?.id ?? uname, uname, attrs: { id: n?.id ?? uname, uname }, transient: [], lrm: [] };
      status.push(s);
    }
    return s;
  };
  let call = 1 + Math.max(0, ...status.flatMap((s) => s.lrm.flatMap((r) => r.ops.map((o) => o.callId))));
  for (const a of graph.actions) {
    // A guest node's fencing is a pseudo action (its container's recovery does it). Unfencing
    // (`on`) leaves the node up with its history and attributes, as crm_simulate does.
    if (a.task === 'stonith' && !a.pseudo && !isUnfencing(a)) {
      const s = byUname(a.node);
      s.attrs = { ...s.attrs, in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down' };
      s.lrm = [];
      s.transient = [];
    }
  }
  // Record results in an order the graph allows: probes, demotes, migrations, stops, starts, promotes, monitors.
  const phase = (a: GraphAction) =>
    a.probe
      ? 0
      : (({ demote: 1, migrate_to: 2, migrate_from: 3, stop: 4, start: 5, promote: 6, monitor: 7 } as Record<string, number>)[a.task] ?? 8);
  const ordered = graph.actions.map((a, i) => ({ a, i })).sort((x, y) => phase(x.a) - phase(y.a) || x.i - y.i);
  for (const { a } of ordered) {
    // Like crm_simulate, a clean-up (`delete`) is not simulated: the history stays (a controller erases it).
    // A notification changes nothing the history records as the resource's state.
    if (a.task === 'stonith' || a.task === 'delete' || a.task === 'notify' || a.pseudo || !a.rsc) continue;
    const info = resourceInfo(a.rsc);
    const s = byUname(a.node);
    // An anonymous instance's result goes into the entry its history was found under (`rsc:0`, as
    // older Pacemaker wrote it, or `rsc`), where Pacemaker will read it, not next to it.
    const ids = a.detail?.agent?.historyIds;
    if (ids && ids.length > 0) info.history = ids.find((id) => s.lrm.some((x) => x.id === id)) ?? (ids[ids.length - 1] as string);
    // An orphan of a resource no longer configured (`rsc:N` of a removed clone) is known only by
    // the entry its history was found under.
    else if (!prims.has(a.rsc.replace(/:\d+$/, '')) && s.lrm.some((x) => x.id === a.rsc)) info.history = a.rsc;
    let r: Writable<LrmResource> | undefined = s.lrm.find((x) => x.id === info.history);
    if (!r) {
      r = { id: info.history, class: info.class, provider: info.provider, type: info.type, ops: [] };
      s.lrm.push(r);
    }
    const op = historyOp(info.history, a, call++, rc(a), now);
    if (a.task === 'stop') r.ops = r.ops.filter((o) => o.intervalMs === 0);
    r.ops = [...r.ops.filter((o) => o.id !== op.id), op];
  }
  return { ...cib, status };
}
