/**
 * Orderings between the actions of different resources, as Pacemaker derives them. Pacemaker
 * orders through pseudo actions of groups and clones (`web_start_0`, `db-clone_running_0`,
 * `db-clone_stopped_0`, ...); the engine's graph has only real actions, so those pseudo actions
 * are modelled here as nodes of a resource-level ordering graph, and every path between two real
 * actions through pseudo actions Pacemaker would schedule becomes a direct ordering.
 */
import type { GraphBuilder } from './graph.js';
import { isTrue } from './nvsets.js';
import { INFINITY } from './score.js';
import { leaves } from './unpack.js';
import type { WorkingSet, WRsc } from './working-set.js';

/** A resource-level action: a primitive's (all its actions with that task) or a collective's pseudo action. */
type Task = 'start' | 'stop' | 'promote' | 'demote' | 'running' | 'stopped' | 'promoted' | 'demoted';

interface Edge {
  to: string;
  /** Pacemaker's `pe_order_implies_then`: the `then` action must happen when `first` does. */
  implies: boolean;
  /** An anti-colocation ordering: it binds two resource actions only on the same node. */
  sameNode: boolean;
  /** A group member's start after the previous member's. */
  chain?: boolean;
  /** From an Optional order constraint (Pacemaker leaves such an ordering out after a migrating stop). */
  optional?: boolean;
  /** Only from order constraints (none the scheduler adds itself): see {@link guestContainerOrdering}. */
  user?: boolean;
  /** Pacemaker's `pe_order_implies_first`: the `first` action must happen when `then` does. */
  impliesFirst?: boolean;
}

const key = (r: WRsc, t: Task) => `${r.id}\0${t}`;

/** The real action each pseudo action of a collective stands for (`running` waits for starts, ...). */
const family: Record<Task, Task> = {
  start: 'start',
  running: 'start',
  stop: 'stop',
  stopped: 'stop',
  promote: 'promote',
  promoted: 'promote',
  demote: 'demote',
  demoted: 'demote',
};

/** What a collective `first` action becomes in an ordering: Pacemaker waits for the children to finish. */
const completed: Record<string, Task> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };

const inverse: Record<string, Task> = { start: 'stop', stop: 'start', promote: 'demote', demote: 'promote' };

class OrderGraph {
  readonly edges = new Map<string, Edge[]>();
  readonly rsc = new Map<string, WRsc>();
  readonly task = new Map<string, Task>();

  node(r: WRsc, t: Task): string {
    const k = key(r, t);
    this.rsc.set(k, r);
    this.task.set(k, t);
    return k;
  }

  add(
    first: WRsc,
    ft: Task,
    then: WRsc,
    tt: Task,
    implies = false,
    sameNode = false,
    optional = false,
    user = false,
    impliesFirst = false,
  ): void {
    const from = this.node(first, ft);
    const to = this.node(then, tt);
    const list = this.edges.get(from) ?? [];
    const found = list.find((e) => e.to === to);
    if (!found) {
      const e: Edge = optional ? { to, implies, sameNode, optional } : { to, implies, sameNode };
      if (user) e.user = true;
      if (impliesFirst) e.impliesFirst = true;
      list.push(e);
    } else {
      found.implies ||= implies;
      if (impliesFirst) found.impliesFirst = true;
      found.sameNode &&= sameNode;
      if (!optional) delete found.optional;
      if (!user) delete found.user;
    }
    this.edges.set(from, list);
  }
}

function isCollective(r: WRsc): boolean {
  return r.variant !== 'primitive';
}

/** The clone a primitive belongs to (directly, or as a member of a cloned group). */
function cloneOf(p: WRsc): WRsc | undefined {
  if (p.parent?.variant === 'clone') return p.parent;
  if (p.parent?.parent?.variant === 'clone') return p.parent.parent;
  return undefined;
}

/** Pacemaker's implicit orderings inside groups, clones and primitives. */
function internalOrderings(ws: WorkingSet, og: OrderGraph): void {
  for (const r of ws.byId.values()) {
    if (r.variant === 'primitive') {
      og.add(r, 'stop', r, 'start', true);
      if (r.promotable) {
        og.add(r, 'demote', r, 'stop');
        og.add(r, 'start', r, 'promote');
        og.add(r, 'demote', r, 'promote');
      }
      continue;
    }
    og.add(r, 'stop', r, 'stopped');
    og.add(r, 'stopped', r, 'start');
    og.add(r, 'start', r, 'running');
    if (r.variant === 'group') {
      const ordered = r.meta.get('ordered') === undefined || isTrue(r.meta.get('ordered'));
      r.children.forEach((m, i) => {
        og.add(r, 'stop', m, 'stop');
        og.add(m, 'stop', r, 'stopped');
        og.add(r, 'start', m, 'start', !ordered);
        og.add(m, 'start', r, 'running', true);
        const prev = r.children[i - 1];
        if (ordered && prev) {
          og.add(prev, 'start', m, 'start', true);
          const e = og.edges.get(key(prev, 'start'))?.find((x) => x.to === key(m, 'start'));
          if (e) e.chain = true;
          og.add(m, 'stop', prev, 'stop');
        }
        // An instance of a promotable clone: its members promote in order, and demote in reverse.
        if (r.promotable) {
          og.add(r, 'demote', m, 'demote');
          og.add(m, 'demote', r, 'demoted');
          og.add(r, 'promote', m, 'promote', !ordered);
          og.add(m, 'promote', r, 'promoted', true);
          if (ordered && prev) {
            og.add(prev, 'promote', m, 'promote', true);
            og.add(m, 'demote', prev, 'demote');
          }
        }
      });
      continue;
    }
    // The clone is running (promoted, stopped) once its group instances are: crm_simulate orders
    // after the members' starts (promotes, stops), so a member's stop comes before every instance's
    // start (scenario cloned-group-preferred-elsewhere); it does not do the same for demotes.
    const done = (i: WRsc, t: Task): Task => (i.variant === 'group' ? (completed[t] ?? t) : t);
    for (const i of r.children) {
      og.add(r, 'start', i, 'start');
      og.add(i, done(i, 'start'), r, 'running');
      og.add(r, 'stop', i, 'stop');
      og.add(i, done(i, 'stop'), r, 'stopped');
    }
    if (r.promotable) {
      og.add(r, 'demoted', r, 'stop');
      og.add(r, 'demoted', r, 'start');
      og.add(r, 'demoted', r, 'promote');
      og.add(r, 'stopped', r, 'promote');
      og.add(r, 'running', r, 'promote');
      og.add(r, 'promote', r, 'promoted');
      og.add(r, 'demote', r, 'demoted');
      for (const i of r.children) {
        og.add(r, 'promote', i, 'promote');
        og.add(i, done(i, 'promote'), r, 'promoted');
        og.add(r, 'demote', i, 'demote');
        og.add(i, 'demote', r, 'demoted');
      }
    }
  }
}

/**
 * Order constraints, as two graphs: `graph` with a collective `first` waiting for its children
 * (start → running, ...), which orders the real actions; `declared` with the actions as written,
 * which Pacemaker's probe orderings walk (they run before that conversion).
 */
function constraintOrderings(ws: WorkingSet, graph: OrderGraph, declared: OrderGraph): void {
  for (const o of ws.orderings) {
    const fa = o.firstAction as Task;
    const ta = o.thenAction as Task;
    if (!(fa in inverse) || !(ta in inverse)) continue;
    // With clone-min (require-all=false) the `then` follows a pseudo action that implies nothing.
    // An Optional order whose `then` has restart-type=restart implies both ways (restart-type.ts).
    // A Mandatory one's inverse carries `pe_order_implies_first` too, not modelled: a clone
    // instance that stops because it is banned restarts nothing ordered after the clone
    // (scenario clone-stop-restarts-then), one whose start is blocked does (clone-interleave-2).
    const restartType = o.restartType === true;
    const mandatory = (o.kind === 'Mandatory' && o.symmetrical && o.minFirst === 0 && o.anyOf === undefined) || restartType;
    const convert = (r: WRsc, t: Task) => (isCollective(r) ? (completed[t] as Task) : t);
    const user = o.internal !== true;
    graph.add(o.first, convert(o.first, fa), o.then, ta, mandatory, false, false, user);
    declared.add(o.first, fa, o.then, ta, mandatory);
    if (o.symmetrical && o.kind !== 'Serialize' && o.startOnly !== true) {
      const ifa = inverse[fa] as Task;
      const ita = inverse[ta] as Task;
      graph.add(o.then, convert(o.then, ita), o.first, ifa, false, false, o.kind === 'Optional', user, restartType);
      declared.add(o.then, ita, o.first, ifa);
    }
  }
}

/**
 * Anti-colocations (score -INFINITY) order, both ways, one resource's stop before the other's
 * start on the same node (Pacemaker's `pe_order_anti_colocation`).
 */
function antiColocationOrderings(ws: WorkingSet, graph: OrderGraph, declared: OrderGraph): void {
  const lose = (role: string | undefined): Task[] =>
    role === 'Promoted' ? ['demote'] : role === 'Unpromoted' ? ['stop', 'promote'] : ['stop'];
  const gain = (role: string | undefined): Task[] =>
    role === 'Promoted' ? ['promote'] : role === 'Unpromoted' ? ['start', 'demote'] : ['start'];
  const order = (first: WRsc, firstRole: string | undefined, then: WRsc, thenRole: string | undefined) => {
    for (const ft of lose(firstRole))
      for (const tt of gain(thenRole)) {
        graph.add(first, isCollective(first) ? (completed[ft] as Task) : ft, then, tt, false, true);
        declared.add(first, ft, then, tt, false, true);
      }
  };
  for (const c of ws.colocations) {
    if (c.score > -INFINITY) continue;
    order(c.dependent, c.dependentRole, c.primary, c.primaryRole);
    order(c.primary, c.primaryRole, c.dependent, c.dependentRole);
  }
}

/**
 * The active primitives Pacemaker restarts in place because a start they are ordered after happens
 * (`pe_order_implies_then`): the `then` of a mandatory symmetrical order whose `first` starts (a
 * group as `first` when any member starts; a clone when an instance starts, or promotes for a
 * `promote` order, on the node where `then` runs), the later members of a group after a member
 * starts, and every primitive of a group or clone that is such a `then`, transitively. `starts`
 * and `promotes` are the primitives that start or promote anyway (new, moving, recovering);
 * `canRestart` says whether an active primitive may be restarted where it is, `promoted` whether
 * it ends promoted (a restart then promotes it again).
 *
 * Also returns the `demotes`: promoted primitives that stay promoted where they are but whose
 * demote such an order requires (a `then` demote of their clone reaches every promoted instance,
 * as Pacemaker's pcmk__multi_update_actions updates the instances' actions) — Pacemaker demotes
 * them and, their next role being Promoted all along, neither shows it nor promotes them again.
 *
 * @example
 * const { restarts } = impliedRestarts(ws, { starts, promotes, canRestart: (p) => p.managed, promoted: () => false });
 */
export function impliedRestarts(
  ws: WorkingSet,
  plan: {
    starts: ReadonlySet<WRsc>;
    promotes: ReadonlySet<WRsc>;
    /** The primitives that stop anyway (leave a node): a `stop then stop` order restarts its `then`. */
    stops?: ReadonlySet<WRsc>;
    canRestart: (p: WRsc) => boolean;
    promoted: (p: WRsc) => boolean;
  },
): { restarts: Set<WRsc>; demotes: Set<WRsc> } {
  const graph = new OrderGraph();
  internalOrderings(ws, graph);
  constraintOrderings(ws, graph, new OrderGraph());
  const starts = new Set(plan.starts);
  const promotes = new Set(plan.promotes);
  const stops = new Set(plan.stops ?? []);
  // `pe_order_implies_first` edges, backwards: the `first` actions each `then` action requires.
  const impliedBy = new Map<string, string[]>();
  for (const [from, edges] of graph.edges)
    for (const e of edges) if (e.impliesFirst) impliedBy.set(e.to, [...(impliedBy.get(e.to) ?? []), from]);
  const restarts = new Set<WRsc>();
  const demotes = new Set<WRsc>();
  // A clone's running (promoted) action is required for a `then` on node N when an instance
  // starts (promotes) on N, N being where a primitive `then` is assigned, or a group `then` when
  // all its members are on one node; for a clone `then` (or a group spread out), when any
  // instance does (Pacemaker computes a clone's flags from its instances on the `then` action's
  // node: the group's location for a group's start).
  const thenNode = (then: WRsc): WRsc['assignedTo'] | null => {
    if (then.variant === 'primitive') return then.assignedTo;
    if (then.variant !== 'group') return null;
    const nodes = new Set(leaves(then).flatMap((m) => (m.assignedTo ? [m.assignedTo] : [])));
    return nodes.size === 1 ? ([...nodes][0] as WRsc['assignedTo']) : null;
  };
  const cloneRequires = (clone: WRsc, t: Task, then: WRsc): boolean => {
    const required = t === 'running' ? starts : promotes;
    const node = thenNode(then);
    return leaves(clone).some(
      (l) =>
        (required.has(l) && (node === null || l.assignedTo === node)) ||
        // A required start that cannot run counts too (clone-interleave-2).
        (t === 'running' && l.unrunnableStartOn !== undefined && (node === null || l.unrunnableStartOn === node)),
    );
  };
  for (let changed = true; changed; ) {
    changed = false;
    const seen = new Set<string>();
    const work: string[] = [];
    const derived = new Set<string>();
    const requireFirsts = (k: string) => {
      for (const f of impliedBy.get(k) ?? []) require(graph.rsc.get(f) as WRsc, graph.task.get(f) as Task);
    };
    // A group's start (stop) happens when a member's does: what is ordered after it, or requires
    // it as a `first`, follows, but its other members are not required by that.
    const deriveGroup = (r: WRsc, t: Task) => {
      const group = r.parent?.variant === 'group' ? r.parent : undefined;
      if (!group || (t !== 'start' && t !== 'stop')) return;
      for (const gt of t === 'start' ? (['start'] as const) : (['stop', 'stopped'] as const)) {
        const k = graph.node(group, gt);
        if (seen.has(k) || derived.has(k)) continue;
        derived.add(k);
        requireFirsts(k);
        if (gt === 'stopped') work.push(k);
      }
    };
    const require = (r: WRsc, t: Task) => {
      const k = graph.node(r, t);
      if (seen.has(k)) return;
      seen.add(k);
      if (!isCollective(r) && (t === 'start' || t === 'stop') && !(t === 'start' ? starts : stops).has(r)) {
        // A stop required of an active primitive that stays is a restart where it is.
        if (!plan.canRestart(r)) return;
        restarts.add(r);
        starts.add(r);
        stops.add(r);
        if (plan.promoted(r)) promotes.add(r);
        changed = true;
      }
      // A demote required of a promoted primitive that stays promoted (the instances of a clone whose demote is required).
      if (!isCollective(r) && t === 'demote' && r.role === 'Promoted' && plan.promoted(r) && !starts.has(r)) demotes.add(r);
      if (r.variant === 'clone' && t === 'demote') for (const l of leaves(r)) require(l, 'demote');
      work.push(k);
      requireFirsts(k);
      deriveGroup(r, t);
      if (isCollective(r) && t === 'start') for (const c of r.children) require(c, 'start');
      if (r.variant === 'group' && t === 'stop') for (const c of r.children) require(c, 'stop');
      const clone = r.variant === 'primitive' ? (r.parent?.variant === 'clone' ? r.parent : r.parent?.parent) : undefined;
      if (clone?.variant === 'clone' && (t === 'start' || t === 'promote')) require(clone, t === 'start' ? 'running' : 'promoted');
    };
    for (const p of starts) require(p, 'start');
    // A blocked instance's required start cannot run, but its clone's start and running are required.
    for (const p of ws.primitives) {
      const clone = p.parent?.variant === 'clone' ? p.parent : p.parent?.parent;
      if (p.unrunnableStartOn && clone?.variant === 'clone') require(clone, 'running');
    }
    for (const p of promotes) require(p, 'promote');
    for (const p of stops) require(p, 'stop');
    for (let k = work.pop(); k !== undefined; k = work.pop()) {
      const from = graph.rsc.get(k) as WRsc;
      const t = graph.task.get(k) as Task;
      for (const e of graph.edges.get(k) ?? []) {
        if (!e.implies) continue;
        const then = graph.rsc.get(e.to) as WRsc;
        if (from.variant === 'clone' && (t === 'running' || t === 'promoted') && !cloneRequires(from, t, then)) continue;
        const thenTask = graph.task.get(e.to) as Task;
        if (
          t === 'running' &&
          thenTask === 'start' &&
          from.variant === 'clone' &&
          then.variant === 'clone' &&
          isTrue(then.meta.get('interleave'))
        ) {
          // Interleaved: only the `then` instances on a node where a `first` instance starts.
          const nodes = new Set(
            leaves(from)
              .filter((l) => starts.has(l) && l.assignedTo)
              .map((l) => l.assignedTo),
          );
          for (const inst of then.children) if (leaves(inst).some((l) => nodes.has(l.assignedTo))) require(inst, 'start');
          continue;
        }
        require(then, thenTask);
      }
    }
  }
  for (const p of restarts) demotes.delete(p);
  return { restarts, demotes };
}

/**
 * Adds the orderings between resources to a graph whose actions are all created: group members
 * start in order and stop in reverse order, all of a group's or clone's stops come before its
 * starts, a promotable clone promotes once all its instances are started and demotes before any
 * stop, order constraints (both directions when symmetrical, promote and demote included),
 * anti-colocations (one's stop before the other's start on the same node), and the orderings
 * Pacemaker adds for probes (a probe precedes the stops of resources that must restart when the
 * probed one starts, and the actions ordered after the probed resource's stop).
 *
 * @example
 * addResourceOrderings(ws, builder);
 */
export function addResourceOrderings(ws: WorkingSet, g: GraphBuilder, migratingStops: ReadonlySet<number> = new Set()): void {
  const real = new Map<string, number[]>();
  const probes = new Map<string, number[]>();
  for (const a of g.actions) {
    // A clean-up (`delete`) is ordered only after its resource's stops (createActions does that).
    if (a.rsc === undefined || a.task === 'delete') continue;
    const r = ws.byId.get(a.rsc);
    if (!r) continue;
    const into = a.probe ? probes : real;
    const k = a.probe ? r.id : key(r, a.task as Task);
    into.set(k, [...(into.get(k) ?? []), a.id]);
  }
  const graph = new OrderGraph();
  const declared = new OrderGraph();
  internalOrderings(ws, graph);
  internalOrderings(ws, declared);
  constraintOrderings(ws, graph, declared);
  antiColocationOrderings(ws, graph, declared);

  // A pseudo action is in Pacemaker's graph when one of the actions it stands for is; a group's
  // `running` also needs every member able to start (each member's start is a runnable_left input).
  const present = (k: string): boolean => {
    const r = graph.rsc.get(k) as WRsc;
    const task = graph.task.get(k) as Task;
    const t = family[task];
    if (r.variant === 'group' && task === 'running' && r.children.some((m) => m.nextRole === 'Stopped' || !m.assignedTo)) return false;
    // A clone's start is required by an instance's required start that cannot run (impliedRestarts).
    if (r.variant === 'clone' && t === 'start' && leaves(r).some((l) => l.unrunnableStartOn !== undefined)) return true;
    return leaves(r).some((l) => (real.get(key(l, t))?.length ?? 0) > 0);
  };
  // The real actions that wait for a resource-level action: its own, or through a present pseudo action.
  const memo = new Map<string, number[]>();
  const busy = new Set<string>();
  const targets = (k: string): number[] => {
    const r = graph.rsc.get(k) as WRsc;
    if (!isCollective(r)) return real.get(k) ?? [];
    const done = memo.get(k);
    if (done) return done;
    if (busy.has(k) || !present(k)) return [];
    busy.add(k);
    const out = [...new Set((graph.edges.get(k) ?? []).flatMap((e) => targets(e.to)))];
    busy.delete(k);
    memo.set(k, out);
    return out;
  };

  const node = (id: number) => g.actions[id]?.node;
  // An anti-colocation ordering between two primitives' actions holds on the same node only.
  const binds = (e: Edge, a: number, b: number) => !e.sameNode || isCollective(graph.rsc.get(e.to) as WRsc) || node(a) === node(b);
  for (const [from, edges] of graph.edges) {
    if (isCollective(graph.rsc.get(from) as WRsc)) continue;
    const firsts = real.get(from) ?? [];
    if (firsts.length === 0) continue;
    for (const e of edges)
      for (const b of targets(e.to))
        for (const a of firsts) {
          if (!binds(e, a, b) || (e.optional && migratingStops.has(a))) continue;
          if (e.user && guestContainerOrdering(ws, g.actions[a]?.node, g.actions[b]?.rsc)) continue;
          g.order(a, b);
        }
  }

  // Primitives with a start action (possibly optional or unrunnable) that orderings can reach.
  const hasStart = new Set<WRsc>(ws.primitives.filter((p) => p.assignedTo !== undefined));
  for (const o of ws.orderings) if (o.firstAction === 'start') for (const p of leaves(o.first)) hasStart.add(p);
  for (const [probed, list] of probes) {
    const p = ws.byId.get(probed) as WRsc;
    const top = cloneOf(p) ?? p;
    // A probe precedes its clone's or its own start (and so every start that waits for it).
    for (const b of targets(key(top, 'start'))) for (const pr of list) g.order(pr, b);
    // Restart orderings: walk what starting the probed resource implies, down into groups and
    // clones other than the probed one's own parent; a primitive reached by its start (promote)
    // is stopped (demoted) only after the probe.
    const seen = new Set<string>();
    const walk = (k: string) => {
      if (seen.has(k)) return;
      seen.add(k);
      const r = declared.rsc.get(k) as WRsc;
      const t = declared.task.get(k);
      if (!isCollective(r) && r !== p && (t === 'start' || t === 'promote')) {
        // Not a migrating stop: Pacemaker's graph orders no probe before it.
        for (const s of real.get(key(r, t === 'start' ? 'stop' : 'demote')) ?? [])
          if (!g.actions[s]?.pseudo && !migratingStops.has(s)) for (const pr of list) g.order(pr, s);
      }
      for (const e of declared.edges.get(k) ?? []) {
        const child = declared.rsc.get(e.to) as WRsc;
        const descend = isCollective(r) && r !== p.parent && child.parent === r && child.variant !== 'clone';
        // Orderings reach only start actions that exist when Pacemaker applies them: a group
        // member's after the previous member's, else those of assigned primitives and of the
        // `first` of an order constraint.
        if (!isCollective(child) && declared.task.get(e.to) === 'start' && !e.chain && !hasStart.has(child)) continue;
        if (e.implies || descend) walk(e.to);
      }
    };
    walk(declared.node(top, 'start'));
    // "Stop this, then that" orderings also hold for a probe of this (it may find it active).
    for (const e of graph.edges.get(key(p, 'stop')) ?? []) {
      if (graph.rsc.get(e.to) === p) continue;
      for (const b of targets(e.to)) for (const pr of list) if (binds(e, pr, b)) g.order(pr, b);
    }
  }
}

/**
 * Whether an order constraint would order an action on a guest node before an action of the
 * resource that is that guest (its container): Pacemaker drops such orderings ("Invalid ordering
 * constraint", `ordering_is_invalid`), as the guest's own actions already depend on its container.
 */
function guestContainerOrdering(ws: WorkingSet, firstNode: string | undefined, thenRsc: string | undefined): boolean {
  if (firstNode === undefined || thenRsc === undefined) return false;
  const node = ws.nodeByName.get(firstNode);
  return node?.remote?.container !== undefined && node.remote.container === thenRsc;
}
