/**
 * Tickets (`rsc_ticket` constraints and the `<tickets>` state in the status section), as
 * Pacemaker 2.1's scheduler applies them (`rsc_ticket_new`, `constraints_for_ticket`,
 * `pcmk__require_promotion_tickets`). The model keeps tickets in the CIB's `source` (the importer
 * leaves them alone and the exporter writes them back unchanged), so they are read from there.
 * A `rsc_ticket` with resource sets gives each member of a set the set's role (resource-sets.ts).
 */
import type { Cib, OpaqueXml } from './cib-model.js';
import { isTrue } from './nvsets.js';
import { configurationIds, setConstraintIssue, ticketSetMembers } from './resource-sets.js';
import { expandReferences, referenceMembers } from './tag-references.js';
import { leftAloneIds } from './unmodelled-xml.js';
import { ban, leaves } from './unpack.js';
import type { Role, WorkingSet, WRsc } from './working-set.js';

type LossPolicy = 'stop' | 'demote' | 'fence' | 'freeze';

/** One resource's dependency on a ticket. */
export interface TicketDependency {
  id: string;
  rsc: string;
  ticket: string;
  /** The role that needs the ticket (undefined: any role, `rsc-role="Started"` or none). */
  role?: Role;
  lossPolicy: LossPolicy;
}

/** A ticket's state: granted to this site, and whether it is in standby. */
export interface TicketState {
  granted: boolean;
  standby: boolean;
}

function roleOf(v: string | undefined): Role | undefined {
  switch (v?.toLowerCase()) {
    case 'promoted':
    case 'master':
      return 'Promoted';
    case 'unpromoted':
    case 'slave':
      return 'Unpromoted';
    case 'stopped':
      return 'Stopped';
    default:
      return undefined;
  }
}

/**
 * Whether a child of `<constraints>` is a ticket dependency the scheduler models: a `rsc_ticket`
 * naming one resource and one ticket (no resource sets).
 *
 * @example
 * isModelledTicket(el) // true for <rsc_ticket id="t" rsc="db" ticket="ticketA"/>
 */
export function isModelledTicket(e: OpaqueXml): boolean {
  return (
    e.name === 'rsc_ticket' &&
    e.attrs.rsc !== undefined &&
    e.attrs.ticket !== undefined &&
    !e.children.some((c) => c.name === 'resource_set')
  );
}

/**
 * The ticket dependencies and ticket states of a CIB (from its `source`; none for a CIB built in
 * code). A `loss-policy` of `fence` without fencing is `stop`, as Pacemaker resets it; without
 * one, a dependency of the Promoted role defaults to `demote`, any other to `stop`.
 *
 * @example
 * const { dependencies, states } = ticketsOf(cib, true);
 */
export function ticketsOf(cib: Cib, stonithEnabled: boolean): { dependencies: TicketDependency[]; states: Map<string, TicketState> } {
  const section = (parent: OpaqueXml | undefined, name: string) => parent?.children.find((c) => c.name === name);
  const constraints = section(section(cib.source, 'configuration'), 'constraints');
  const dependencies: TicketDependency[] = [];
  const add = (e: OpaqueXml, id: string, rsc: string, roleText: string | undefined) => {
    const role = roleOf(roleText);
    const loss = e.attrs['loss-policy']?.toLowerCase();
    let lossPolicy: LossPolicy;
    if (loss === 'fence' && stonithEnabled) lossPolicy = 'fence';
    else if (loss === 'freeze' || loss === 'demote' || loss === 'stop') lossPolicy = loss;
    else if (loss === 'fence') lossPolicy = 'stop';
    else lossPolicy = role === 'Promoted' ? 'demote' : 'stop';
    dependencies.push({ id, rsc, ticket: e.attrs.ticket as string, role, lossPolicy });
  };
  let sets: { leftAlone: Set<string>; byId: Map<string, OpaqueXml> } | undefined;
  const members = referenceMembers(cib);
  for (const written of constraints?.children ?? []) {
    // A tag or template becomes a resource set (tag-references.ts).
    const e = expandReferences(written, members);
    if (isModelledTicket(e)) add(e, e.attrs.id ?? '', e.attrs.rsc as string, e.attrs['rsc-role']);
    else if (e.name === 'rsc_ticket' && e.children.some((c) => c.name === 'resource_set')) {
      // With resource sets: each member depends on the ticket, in its set's role (unpack_rsc_ticket_set).
      sets ??= { leftAlone: leftAloneIds(section(cib.source, 'configuration')), byId: configurationIds(cib) };
      if (!setConstraintIssue(e, sets.leftAlone, sets.byId)) for (const m of ticketSetMembers(e, sets.byId)) add(e, m.id, m.rsc, m.role);
    }
  }
  const states = new Map<string, TicketState>();
  for (const t of section(section(cib.source, 'status'), 'tickets')?.children ?? []) {
    if (t.name !== 'ticket_state' || t.attrs.id === undefined) continue;
    states.set(t.attrs.id, { granted: isTrue(t.attrs.granted), standby: isTrue(t.attrs.standby) });
  }
  return { dependencies, states };
}

function banEverywhere(ws: WorkingSet, r: WRsc): void {
  for (const n of ws.nodes) ban(r, n.uname);
}

/**
 * Applies the tickets that are not granted (or in standby) before placement: each primitive of
 * the dependent resource is banned from every node, or, when it is active and the ticket is
 * lost, what `loss-policy` says: `stop` bans it, `demote` bans it unless the dependency is for
 * the Promoted role (which only loses its promotion), `fence` fences the nodes it is active on
 * (when its role matches), `freeze` leaves it as it is (unmanaged and blocked, when its role matches).
 *
 * @example
 * applyTickets(ws); // before locations and assignment
 */
export function applyTickets(ws: WorkingSet): void {
  const { dependencies, states } = ticketsOf(ws.cib, ws.stonithEnabled);
  ws.ticketStates = states;
  ws.ticketDependencies = dependencies;
  for (const dep of dependencies) {
    const rsc = ws.byId.get(dep.rsc);
    if (!rsc) continue;
    const state = states.get(dep.ticket) ?? { granted: false, standby: false };
    if (state.granted && !state.standby) continue;
    for (const p of leaves(rsc)) {
      const roleMatches = dep.role === undefined || dep.role === p.role;
      if (!state.granted && p.runningOn.length > 0) {
        if (dep.lossPolicy === 'stop') banEverywhere(ws, p);
        else if (dep.lossPolicy === 'demote') {
          if (dep.role !== 'Promoted') banEverywhere(ws, p);
        } else if (dep.lossPolicy === 'fence') {
          if (!roleMatches) continue;
          banEverywhere(ws, p);
          for (const n of p.runningOn) n.unclean = true;
        } else if (roleMatches) {
          // Frozen: unmanaged and blocked (Pacemaker's pe_rsc_block), so a start an order creates for
          // it cannot run (blocking.ts). Not `blocked`: that is read from the status section, which
          // the status display shows, and a ticket is only applied while scheduling.
          p.managed = false;
          p.ticketFrozen = true;
        }
      } else if (dep.role !== 'Promoted' || dep.lossPolicy === 'stop') banEverywhere(ws, p);
    }
  }
}

/**
 * Whether a promotable clone may promote no instance: a ticket it depends on for the Promoted
 * role is not granted or in standby (Pacemaker then sets the clone's scores to -INFINITY before
 * choosing which instances to promote).
 *
 * @example
 * if (promotionTicketMissing(ws, clone)) for (const n of clone.allowed.keys()) clone.allowed.set(n, -INFINITY);
 */
export function promotionTicketMissing(ws: WorkingSet, clone: WRsc): boolean {
  return (ws.ticketDependencies ?? []).some((d) => {
    if (d.rsc !== clone.id || d.role !== 'Promoted') return false;
    const s = ws.ticketStates?.get(d.ticket);
    return !s?.granted || s.standby;
  });
}
