/**
 * Live migration (`allow-migrate=true`), as Pacemaker 2.1 schedules it: a resource moving from
 * one clean node to another migrates instead of stopping and starting — `migrate_to` on the
 * source, then `migrate_from` on the target, then the stop on the source; its start on the target
 * becomes a pseudo action after both, so what waits for the start still waits for the resource to
 * run there. A partial migration found in the history (migrate_to done, migrate_from not) is
 * finished with `migrate_from` when the target stays the same; otherwise it is recovered.
 */

import { isManaged } from './assign.js';
import type { GraphBuilder, TransitionGraph } from './graph.js';
import { opKey } from './graph.js';
import { orderingCycles } from './order-cycles.js';
import { allowsMigration } from './remote-nodes.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** How one primitive migrates in this transition. */
export interface MigrationPlan {
  source: WNode;
  target: WNode;
  /** migrate_to already ran (a partial migration being finished): only migrate_from is left. */
  partial: boolean;
}

function inClone(p: WRsc): boolean {
  for (let r = p.parent; r; r = r.parent) if (r.variant === 'clone') return true;
  return false;
}

/**
 * Whether the primitive migrates in this transition, and from where to where (Pacemaker's
 * `pcmk__rsc_can_migrate` and the partial-migration check of its primitive action creation):
 * allowed by `allow-migrate`, managed, not failed, no start pending, moving from one clean node
 * to another — or finishing a partial migration towards the same target.
 *
 * @example
 * migrationPlan(ws, ws.byId.get('vm')!) // { source: node1, target: node2, partial: false }
 */
export function migrationPlan(ws: WorkingSet, p: WRsc): MigrationPlan | undefined {
  if (p.variant !== 'primitive' || inClone(p) || !allowsMigration(p)) return undefined;
  const target = p.nextRole !== 'Stopped' ? p.assignedTo : undefined;
  if (!target || target.unclean || !isManaged(ws, p) || p.blocked || p.stopBlocked) return undefined;
  if (p.failed || p.migration?.failed || p.startPending) return undefined;
  // A dangling migration's stop elsewhere: Pacemaker orders migrate_from before every stop of the
  // resource, and that stop cannot be part of a migration, so none happens (migrate-partial-4).
  if (p.migration?.dangling.some((n) => !p.runningOn.includes(n) && n.online && !n.unclean)) return undefined;
  const partial = p.migration?.partial;
  if (partial) {
    if (p.runningOn.length === 2 && p.runningOn.includes(partial.source) && partial.target === target && !partial.source.unclean)
      return { source: partial.source, target, partial: true };
    return undefined;
  }
  const source = p.runningOn[0];
  if (p.runningOn.length !== 1 || !source || source === target || source.unclean) return undefined;
  return { source, target, partial: false };
}

/**
 * Adds the migration actions of a primitive whose stop on the source and (pseudo) start on the
 * target exist: migrate_to → migrate_from → stop, migrate_from → start; returns the first of them
 * (what everything ordered before the start or stop must precede).
 */
export function addMigrationActions(g: GraphBuilder, p: WRsc, plan: MigrationPlan, stop: number, start: number): number {
  const migration = { source: plan.source.uname, target: plan.target.uname };
  const from = g.add({
    key: opKey(p.id, 'migrate_from', 0),
    task: 'migrate_from',
    rsc: p.id,
    node: plan.target.uname,
    intervalMs: 0,
    probe: false,
    pseudo: false,
    migration,
  });
  let first = from;
  if (!plan.partial) {
    first = g.add({
      key: opKey(p.id, 'migrate_to', 0),
      task: 'migrate_to',
      rsc: p.id,
      node: plan.source.uname,
      intervalMs: 0,
      probe: false,
      pseudo: false,
      migration,
    });
    g.order(first, from);
  }
  g.order(from, stop);
  g.order(from, start);
  return first;
}

/** A migrating primitive's actions in the graph. */
export interface MigrationActions {
  rsc: WRsc;
  /** migrate_to, or migrate_from when finishing a partial migration: what orderings before the start or stop move to. */
  first: number;
  from: number;
  start: number;
  stop: number;
}

/**
 * Orders the migration of each migrating primitive after everything its start or stop waits
 * for (other resources' actions, its probes, fencing): Pacemaker's migration equivalents of
 * start→start, stop→stop, promote→start and demote→stop orderings. When the `first` resource
 * migrates too, its migrate_from precedes the other's migration (start→start), and a stop→stop
 * ordering between two migrations adds nothing (the sources stop after both have migrated).
 *
 * @example
 * orderMigrations(ws, builder, new Map([[startId, actions], [stopId, actions]]));
 */
export function orderMigrations(ws: WorkingSet, g: GraphBuilder, byAction: ReadonlyMap<number, MigrationActions>): void {
  for (const e of [...g.edges]) {
    const m = byAction.get(e.after);
    if (!m) continue;
    const before = byAction.get(e.before);
    if (before === m) continue;
    const other = ws.byId.get(g.actions[e.before]?.rsc ?? '');
    if (other && !before && throughGroup(ws, m.rsc, other)) continue;
    if (!before) {
      // Probes of other resources ordered before the start are not moved to the migration.
      const a = g.actions[e.before];
      const otherProbe = a?.probe === true && a.rsc !== m.rsc.id && e.after === m.start;
      if (e.before !== m.from && e.before !== m.first && !otherProbe) g.order(e.before, m.first);
      continue;
    }
    if (e.before === before.start && e.after === m.start) g.order(before.from, m.first);
  }
}

/**
 * Whether an ordering between a migrating group member and another resource holds only through
 * the group's (pseudo) actions, from an order constraint naming the group: Pacemaker orders the
 * migration equivalents of start and stop orderings between primitives only, so such an ordering
 * binds neither the member's migration nor its migrating stop (group-dependents).
 */
function throughGroup(ws: WorkingSet, member: WRsc, other: WRsc): boolean {
  const group = member.parent;
  if (group?.variant !== 'group' || other.parent === group) return false;
  return !ws.orderings.some((o) => o.first === member || o.then === member);
}

/**
 * Migrating resources whose stop must come before a real stop of a resource that does not
 * migrate (a group's later member, the `then` of an order): Pacemaker then takes the migration
 * back ("due to unrunnable X stop"), and the resource is stopped and started instead.
 *
 * @example
 * unmigratable(graph, migrations) // [C] when group A, B, C moves and only B cannot migrate
 */
export function unmigratable(ws: WorkingSet, graph: TransitionGraph, byAction: ReadonlyMap<number, MigrationActions>): WRsc[] {
  const out = new Set<WRsc>();
  for (const e of graph.edges) {
    const m = byAction.get(e.before);
    if (!m || e.before !== m.stop || byAction.has(e.after)) continue;
    const then = graph.actions[e.after];
    if (then?.task !== 'stop' || then.pseudo || then.rsc === m.rsc.id) continue;
    // A clone's instances are ordered through the clone's own (pseudo) stop, which does not count.
    const thenRsc = then.rsc === undefined ? undefined : ws.byId.get(then.rsc);
    if (thenRsc && !inClone(thenRsc) && !throughGroup(ws, m.rsc, thenRsc)) out.add(m.rsc);
  }
  // A migration that would close an ordering cycle (a clone that restarts around it) is not made.
  if (out.size === 0 && byAction.size > 0) {
    for (const cycle of orderingCycles(graph)) {
      for (const id of cycle) {
        const a = graph.actions[id];
        if (a?.task !== 'migrate_to' && a?.task !== 'migrate_from') continue;
        const r = ws.byId.get(a.rsc ?? '');
        if (r) out.add(r);
      }
    }
  }
  return [...out];
}
