import type { GraphAction, TransitionGraph } from './graph.js';
import { isTrue } from './nvsets.js';
import type { WorkingSet, WRsc } from './working-set.js';

type Phase = 'start' | 'stop' | 'promote' | 'demote';
const PHASES: readonly Phase[] = ['start', 'stop', 'promote', 'demote'];
/** The clone pseudo action that completes each phase (the post-notification's `notify_key_operation`). */
const COMPLETED: Record<Phase, string> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };
/** A phase's notifications wait for these phases' notifications to complete (Pacemaker's clone and promotable pseudo ops). */
const AFTER: Record<Phase, Phase[]> = { start: ['stop', 'demote'], stop: ['demote'], promote: ['stop', 'start', 'demote'], demote: [] };
const INFINITY_PRIORITY = 1_000_000;

/**
 * Whether the scheduler models a clone's notifications: `notify=true` on a clone of a primitive
 * (a cloned group's are not modelled; unmodelled.ts still warns about those).
 */
function notifyingClone(clone: WRsc): boolean {
  return clone.variant === 'clone' && isTrue(clone.meta.get('notify')) && clone.children.every((i) => i.variant === 'primitive');
}

interface Entry {
  rsc: string;
  node?: string;
  nodeId?: string;
}

/** Pacemaker's notify lists: sorted by instance id then node id, one entry per instance, " " when empty. */
function lists(entries: Entry[], withNodes: boolean): [string, string] {
  const sorted = [...entries].sort((a, b) =>
    a.rsc !== b.rsc ? (a.rsc < b.rsc ? -1 : 1) : (a.nodeId ?? '') < (b.nodeId ?? '') ? -1 : (a.nodeId ?? '') > (b.nodeId ?? '') ? 1 : 0,
  );
  const names: string[] = [];
  const unames: string[] = [];
  let last: string | undefined;
  for (const e of sorted) {
    if (withNodes && e.node === undefined) continue;
    if (e.rsc === last) continue;
    last = e.rsc;
    names.push(e.rsc);
    if (e.node !== undefined) unames.push(e.node);
  }
  return [names.length ? names.join(' ') : ' ', unames.length ? unames.join(' ') : ' '];
}

/**
 * The `notify_*` meta attributes of a clone's notifications (Pacemaker's collect_resource_data and
 * add_notif_keys): the instances active, promoted, unpromoted and inactive now, those starting,
 * stopping, promoting and demoting in this transition (with their nodes), and the node lists.
 */
function notifyKeys(ws: WorkingSet, clone: WRsc, graph: TransitionGraph, instances: Set<string>): Record<string, string> {
  const nodeId = (uname: string) => ws.nodeByName.get(uname)?.id ?? uname;
  const active: Entry[] = [];
  const promoted: Entry[] = [];
  const unpromoted: Entry[] = [];
  const inactive: Entry[] = [];
  for (const inst of clone.children) {
    const node = inst.runningOn[0]?.uname;
    const e: Entry = { rsc: inst.id, ...(node !== undefined ? { node, nodeId: nodeId(node) } : {}) };
    if (inst.role === 'Stopped' || node === undefined) inactive.push(e);
    else {
      active.push(e);
      if (inst.role === 'Promoted') promoted.push(e);
      else if (inst.role === 'Unpromoted' || clone.promotable) unpromoted.push(e);
    }
  }
  const byTask: Record<Phase, Entry[]> = { start: [], stop: [], promote: [], demote: [] };
  for (const a of graph.actions)
    if (a.rsc && instances.has(a.rsc) && (PHASES as readonly string[]).includes(a.task))
      byTask[a.task as Phase].push({ rsc: a.rsc, node: a.node, nodeId: nodeId(a.node) });
  const keys: Record<string, string> = {};
  const put = (name: string, entries: Entry[]) => {
    const [r, u] = lists(entries, true);
    keys[`notify_${name}_resource`] = r;
    keys[`notify_${name}_uname`] = u;
  };
  for (const t of PHASES) put(t, byTask[t]);
  put('active', active);
  put('unpromoted', unpromoted);
  put('slave', unpromoted);
  put('promoted', promoted);
  put('master', promoted);
  keys.notify_inactive_resource = lists(inactive, false)[0];
  const names = (ns: string[]) => (ns.length ? [...ns].sort().join(' ') : ' ');
  keys.notify_available_uname = names([...clone.allowed.keys()]);
  keys.notify_all_uname = names(ws.nodes.map((n) => n.uname));
  return keys;
}

/** The directed graph of one clone's notification phases: real action ids and named pseudo points. */
class PhaseGraph {
  readonly next = new Map<string, Set<string>>();
  add(a: string, b: string): void {
    let s = this.next.get(a);
    if (!s) {
      s = new Set();
      this.next.set(a, s);
    }
    s.add(b);
  }
}

const real = (n: string) => /^\d+$/.test(n);

/**
 * Adds clone notifications to a transition graph, as Pacemaker's pe_notif.c does for a
 * `notify=true` clone: for each of start, stop, promote and demote that some instance does, a
 * `pre` notify action on every instance active before (for start and promote: every instance that
 * will be active and is not itself starting) and a `post` notify action on every instance active
 * after, each with the `CRM_meta_notify_*` lists; the instances' own start, stop, promote and demote
 * actions carry the lists too. Orderings follow Pacemaker's pseudo actions (pre-notify, confirmed,
 * the action, post-notify, confirmed): pre notifications before the phase's actions, post
 * notifications after them and before the notified instances' recurring monitors and whatever is
 * ordered after the phase, and the phases after one another (demote, stop, start, promote).
 * The controller runs notify actions like any other (`notify` with `OCF_RESKEY_CRM_meta_notify_*`).
 *
 * @example
 * const withNotify = addNotifications(ws, graph);
 */
export function addNotifications(ws: WorkingSet, graph: TransitionGraph): TransitionGraph {
  const clones = ws.resources.filter(notifyingClone);
  if (clones.length === 0) return graph;
  const actions: GraphAction[] = graph.actions.map((a) => ({ ...a }));
  const edges = graph.edges.map((e) => ({ ...e }));
  const seen = new Set(edges.map((e) => `${e.before}>${e.after}`));
  const order = (before: number, after: number) => {
    const k = `${before}>${after}`;
    if (before === after || seen.has(k)) return;
    seen.add(k);
    edges.push({ before, after });
  };
  for (const clone of clones) {
    const instances = new Set(clone.children.map((i) => i.id));
    const taskIds = (t: Phase) => actions.filter((a) => a.rsc !== undefined && instances.has(a.rsc) && a.task === t).map((a) => a.id);
    const phases = PHASES.filter((t) => taskIds(t).length > 0);
    if (phases.length === 0) continue;
    const keys = notifyKeys(ws, clone, graph, instances);
    // The instances' own actions carry the lists.
    for (const t of PHASES) for (const id of taskIds(t)) (actions[id] as GraphAction).notify = { ...keys };
    const pg = new PhaseGraph();
    const addNotify = (inst: WRsc, node: string, type: 'pre' | 'post', t: Phase): number | undefined => {
      const n = ws.nodeByName.get(node);
      if (!n?.online) return undefined;
      const id = actions.length;
      actions.push({
        id,
        key: `${inst.id}_${type}_notify_${t}_0`,
        task: 'notify',
        rsc: inst.id,
        node,
        intervalMs: 0,
        probe: false,
        pseudo: false,
        notify: {
          ...keys,
          notify_type: type,
          notify_operation: t,
          notify_key_type: type,
          notify_key_operation: type === 'pre' ? t : (COMPLETED[t] as string),
        },
        ...(type === 'post' ? { priority: INFINITY_PRIORITY } : {}),
      });
      return id;
    };
    const has = (inst: WRsc, t: string) => actions.some((a) => a.rsc === inst.id && a.task === t && !a.pseudo);
    for (const t of phases) {
      const [pre, preDone, action, done, post, postDone] = ['pre', 'pre-done', 'action', 'done', 'post', 'post-done'].map(
        (s) => `${t}:${s}`,
      ) as [string, string, string, string, string, string];
      pg.add(preDone, action);
      pg.add(pre, preDone);
      pg.add(done, post);
      pg.add(post, postDone);
      pg.add(preDone, post);
      for (const id of taskIds(t)) {
        pg.add(action, String(id));
        pg.add(String(id), done);
        // Whatever waits for the phase's actions outside the clone waits for its post notifications.
        for (const e of graph.edges) {
          const after = actions[e.after];
          if (e.before === id && !(after?.rsc !== undefined && instances.has(after.rsc))) pg.add(postDone, String(e.after));
        }
      }
      for (const before of AFTER[t]) if (phases.includes(before)) pg.add(`${before}:post-done`, pre);
      // The clone's probes come before its `stopped` pseudo action, so before the stop's post notifications.
      if (t === 'stop') for (const a of actions) if (a.probe && a.rsc !== undefined && instances.has(a.rsc)) pg.add(String(a.id), done);
      for (const inst of clone.children) {
        const notified: number[] = [];
        const link = (id: number | undefined, from: string, to: string) => {
          if (id === undefined) return;
          pg.add(from, String(id));
          pg.add(String(id), to);
          notified.push(id);
        };
        if ((t === 'stop' || t === 'demote') && inst.role !== 'Stopped') {
          const stop = actions.find((a) => a.rsc === inst.id && a.task === 'stop');
          for (const n of inst.runningOn) {
            // A stop implied by fencing notifies nobody on the fenced node.
            if (stop?.pseudo && (n.unclean || n.remote?.requiresReset)) continue;
            link(addNotify(inst, n.uname, 'pre', t), pre, preDone);
            if (t === 'demote' || !stop) {
              const id = addNotify(inst, n.uname, 'post', t);
              link(id, post, postDone);
              if (id !== undefined) monitorsAfter(inst, postDone);
            }
          }
        }
        if ((t === 'start' || t === 'promote') && inst.nextRole !== 'Stopped' && inst.assignedTo) {
          const node = inst.assignedTo.uname;
          if (t !== 'start' || !has(inst, 'start')) link(addNotify(inst, node, 'pre', t), pre, preDone);
          const id = addNotify(inst, node, 'post', t);
          link(id, post, postDone);
          if (id !== undefined) monitorsAfter(inst, postDone);
        }
      }
    }
    function monitorsAfter(inst: WRsc, postDone: string): void {
      for (const a of actions) if (a.rsc === inst.id && a.task === 'monitor' && a.intervalMs > 0) pg.add(postDone, String(a.id));
    }
    // Every path between real actions through the pseudo points becomes a direct ordering.
    const preds = new Map<string, Set<string>>();
    for (const [a, bs] of pg.next) for (const b of bs) (preds.get(b) ?? preds.set(b, new Set()).get(b))?.add(a);
    const reach = (start: string, step: Map<string, Set<string>>): string[] => {
      const out = new Set<string>();
      const stack = [...(step.get(start) ?? [])];
      const visited = new Set<string>();
      while (stack.length) {
        const x = stack.pop() as string;
        if (visited.has(x)) continue;
        visited.add(x);
        if (real(x)) out.add(x);
        else stack.push(...(step.get(x) ?? []));
      }
      return [...out];
    };
    for (const point of new Set([...pg.next.keys(), ...preds.keys()])) {
      if (real(point)) continue;
      const before = reach(point, preds);
      const after = reach(point, pg.next);
      for (const b of before) for (const a of after) order(Number(b), Number(a));
    }
  }
  return { ...graph, actions, edges: edges.sort((a, b) => a.before - b.before || a.after - b.after) };
}
