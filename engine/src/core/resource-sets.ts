/**
 * Resource sets (`<resource_set>` in `rsc_order`, `rsc_colocation`, `rsc_location` and
 * `rsc_ticket`), as Pacemaker 2.1's scheduler expands them (`unpack_order_set`, `order_rsc_sets`,
 * `unpack_colocation_set`, `colocate_rsc_sets`, `unpack_location_set`, `unpack_rsc_ticket_set`)
 * into the constraints between two resources the scheduler already knows. The importer leaves
 * constraints with sets in the CIB's `source` (the exporter writes them back unchanged), so they are
 * read from there. What is not modelled (an ordering set that is not `require-all`, `Serialize`,
 * date expressions in a set location's rules, sets naming a resource the model leaves alone) keeps its warning and is
 * ignored as the warning says.
 */
import type { Cib, ColocationConstraint, Constraint, LocationConstraint, OpaqueXml, OrderConstraint } from './cib-model.js';
import { isTrue } from './nvsets.js';
import { hasUnreadTerms, ruleFromXml } from './rule-xml.js';
import { expandReferences, referenceMembers } from './tag-references.js';
import { leftAloneIds } from './unmodelled-xml.js';

/** An ordering from a resource set: Pacemaker orders those directly (no clone-min, no require-all). */
type SetOrder = OrderConstraint & {
  readonly fromSet: true;
  /** After a `require-all=false` set: the pseudo action `then` waits on (any one `first` will do). */
  readonly anyOf?: string;
};

/** Whether an order came from a resource set. */
export function isSetOrder(c: OrderConstraint): c is SetOrder {
  return (c as Partial<SetOrder>).fromSet === true;
}

/** One `rsc_ticket` dependency from a set: a resource, and the role of its set. */
interface SetTicket {
  readonly id: string;
  readonly rsc: string;
  readonly role?: string;
}

function setsOf(e: OpaqueXml, byId: ReadonlyMap<string, OpaqueXml>): OpaqueXml[] | undefined {
  const sets: OpaqueXml[] = [];
  for (const s of e.children) {
    if (s.name !== 'resource_set') continue;
    const ref = s.attrs['id-ref'];
    const set = ref === undefined ? s : byId.get(ref);
    if (set?.name !== 'resource_set') return undefined;
    sets.push(set);
  }
  return sets;
}

function members(set: OpaqueXml): string[] {
  return set.children.filter((c) => c.name === 'resource_ref' && c.attrs.id !== undefined).map((c) => c.attrs.id as string);
}

/** A boolean attribute that is false only when written so (Pacemaker's pcmk__xe_get_bool_attr default). */
function isFalse(v: string | undefined): boolean {
  return v !== undefined && !isTrue(v);
}

function indexIds(e: OpaqueXml | undefined, out: Map<string, OpaqueXml>): Map<string, OpaqueXml> {
  if (!e) return out;
  if (e.attrs.id !== undefined && !out.has(e.attrs.id)) out.set(e.attrs.id, e);
  for (const c of e.children) indexIds(c, out);
  return out;
}

function constraintsSection(cib: Cib): OpaqueXml | undefined {
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  return config?.children.find((c) => c.name === 'constraints');
}

function isOrderKind(k: string | undefined): k is 'Mandatory' | 'Optional' | 'Serialize' {
  return k === 'Mandatory' || k === 'Optional' || k === 'Serialize';
}

/** An ordering kind as Pacemaker reads it (case-insensitive; the deprecated score 0 is Optional). */
function orderKind(e: OpaqueXml): 'Mandatory' | 'Optional' | 'Serialize' | undefined {
  const k = e.attrs.kind;
  if (k !== undefined) {
    const norm = k.charAt(0).toUpperCase() + k.slice(1).toLowerCase();
    return isOrderKind(norm) ? norm : 'Mandatory';
  }
  if (e.attrs.score !== undefined) return e.attrs.score.trim() === '0' ? 'Optional' : 'Mandatory';
  return undefined;
}

/**
 * Why a constraint with resource sets is not modelled (undefined when it is, or when it has no
 * sets). `leftAlone` are the ids the model does not know (see `leftAloneIds`).
 *
 * @example
 * setConstraintIssue(el, new Set()) // 'require-all=false in resource sets is not modelled'
 */
export function setConstraintIssue(
  e: OpaqueXml,
  leftAlone: ReadonlySet<string>,
  byId?: ReadonlyMap<string, OpaqueXml>,
): string | undefined {
  if (!e.children.some((c) => c.name === 'resource_set')) return undefined;
  const sets = setsOf(e, byId ?? new Map());
  if (!sets) return 'resource sets with an unknown id-ref are not modelled';
  const alone = sets.flatMap(members).find((id) => leftAlone.has(id));
  if (alone !== undefined) return `it names ${alone}, which is left alone`;
  if (e.name === 'rsc_order') {
    if ([e, ...sets].some((x) => orderKind(x) === 'Serialize')) return 'Serialize orders in resource sets are not modelled';
    // require-all=false is modelled between sets neither written sequential="true" (where the
    // inverse stop orders would involve only one member of a set).
    const anyOfSequential = sets
      .slice(0, -1)
      .some((s, i) => isFalse(s.attrs['require-all']) && [s, sets[i + 1]].some((x) => isTrue(x?.attrs.sequential)));
    if (anyOfSequential) return 'require-all=false next to a sequential="true" resource set is not modelled';
    return undefined;
  }
  if (e.name === 'rsc_colocation')
    return e.attrs['node-attribute'] === undefined ? undefined : 'node-attribute with resource sets is not modelled';
  if (e.name === 'rsc_location') {
    if (e.children.some((c) => c.name === 'rule' && hasUnreadTerms(c)))
      return 'date expressions in the rules of a resource-set location are not modelled';
    const discovery = e.attrs['resource-discovery'];
    return discovery === undefined || discovery.toLowerCase() === 'always' ? undefined : 'resource-discovery is not modelled';
  }
  if (e.name === 'rsc_ticket') return e.attrs.ticket === undefined ? 'rsc_ticket without a ticket' : undefined;
  return 'resource sets are not modelled';
}

/** Within one ordering set: each member after the one before it (sequential, the default). */
function orderWithinSet(id: string, set: OpaqueXml, parentKind: OrderConstraint['orderKind'], symmetrical: string | undefined): SetOrder[] {
  if (isFalse(set.attrs.sequential)) return [];
  const kind = orderKind(set) ?? parentKind;
  const action = set.attrs.action ?? 'start';
  const rs = members(set);
  const symmetric = set.attrs.symmetrical ?? symmetrical;
  return rs.slice(1).map((then, i) => ({
    kind: 'order',
    fromSet: true,
    id,
    first: rs[i] as string,
    thenRsc: then,
    firstAction: action,
    thenAction: action,
    ...(kind ? { orderKind: kind } : {}),
    ...(symmetric !== undefined ? { symmetrical: symmetric } : {}),
  }));
}

/**
 * Between two ordering sets: only a set written `sequential="true"` is represented by its last
 * (first set) or first (second set) member; otherwise every member of it counts.
 */
function orderBetweenSets(
  id: string,
  set1: OpaqueXml,
  set2: OpaqueXml,
  kind: OrderConstraint['orderKind'],
  symmetrical: string | undefined,
): SetOrder[] {
  const r1 = members(set1);
  const r2 = members(set2);
  // require-all=false (for starts and promotes): every member of set2 after any one of set1.
  const anyOf = isFalse(set1.attrs['require-all']) && !/^(stop|demote)$/i.test(set1.attrs.action ?? 'start');
  const firsts = !anyOf && isTrue(set1.attrs.sequential) ? r1.slice(-1) : r1;
  const thens = !anyOf && isTrue(set2.attrs.sequential) ? r2.slice(0, 1) : r2;
  const out: SetOrder[] = [];
  for (const first of firsts)
    for (const then of thens)
      out.push({
        kind: 'order',
        fromSet: true,
        id,
        first,
        thenRsc: then,
        firstAction: set1.attrs.action ?? 'start',
        thenAction: set2.attrs.action ?? 'start',
        ...(kind ? { orderKind: kind } : {}),
        ...(symmetrical !== undefined ? { symmetrical } : {}),
        ...(anyOf ? { anyOf: `one-or-more:${set1.attrs.id ?? id}` } : {}),
      });
  return out;
}

function expandOrder(e: OpaqueXml, sets: OpaqueXml[]): SetOrder[] {
  const id = e.attrs.id ?? '';
  const kind = orderKind(e);
  const out: SetOrder[] = [];
  sets.forEach((set, i) => {
    out.push(...orderWithinSet(set.attrs.id ?? id, set, kind, e.attrs.symmetrical));
    const last = sets[i - 1];
    if (last) out.push(...orderBetweenSets(id, last, set, kind, e.attrs.symmetrical));
  });
  return out;
}

function coloc(
  id: string,
  rsc: string,
  withRsc: string,
  score: string,
  roles: [string?, string?],
  influence?: string,
): ColocationConstraint {
  return {
    kind: 'colocation',
    id,
    rsc,
    withRsc,
    score,
    ...(roles[0] !== undefined ? { rscRole: roles[0] } : {}),
    ...(roles[1] !== undefined ? { withRscRole: roles[1] } : {}),
    ...(influence !== undefined ? { influence } : {}),
  };
}

function scoreValue(s: string | undefined): number {
  const t = (s ?? '').trim().toLowerCase();
  if (t === 'infinity' || t === '+infinity') return 1;
  if (t === '-infinity') return -1;
  const n = Number.parseInt(t, 10);
  return Number.isNaN(n) ? 0 : Math.sign(n);
}

/** Within one colocation set: each member with the one before it; a negative score: with every one before it. */
function colocateWithinSet(id: string, set: OpaqueXml, score: string, influence: string | undefined): ColocationConstraint[] {
  const local = set.attrs.score ?? score;
  const sign = scoreValue(local);
  if (sign === 0 || isFalse(set.attrs.sequential)) return [];
  const role = set.attrs.role;
  const rs = members(set);
  const setId = set.attrs.id ?? id;
  if (sign > 0) {
    const listed = (set.attrs.ordering ?? 'group').toLowerCase() === 'group';
    return rs
      .slice(1)
      .map((r, i) =>
        listed
          ? coloc(setId, r, rs[i] as string, local, [role, role], influence)
          : coloc(setId, rs[i] as string, r, local, [role, role], influence),
      );
  }
  return rs.flatMap((r, i) => rs.slice(0, i).map((w) => coloc(setId, r, w, local, [role, role], influence)));
}

/** Between two colocation sets: the first set's first member (when sequential) with the second's last. */
function colocateSets(id: string, set1: OpaqueXml, set2: OpaqueXml, score: string, influence: string | undefined): ColocationConstraint[] {
  if (scoreValue(score) === 0) return [];
  const r1 = members(set1);
  const r2 = members(set2);
  const deps = isFalse(set1.attrs.sequential) ? r1 : r1.slice(0, 1);
  const prims = isFalse(set2.attrs.sequential) ? r2 : r2.slice(-1);
  const roles: [string?, string?] = [set1.attrs.role, set2.attrs.role];
  return deps.flatMap((d) => prims.map((p) => coloc(id, d, p, score, roles, influence)));
}

function expandColocation(e: OpaqueXml, sets: OpaqueXml[]): ColocationConstraint[] {
  const id = e.attrs.id ?? '';
  const score = e.attrs.score ?? '0';
  const influence = e.attrs.influence;
  const out: ColocationConstraint[] = [];
  sets.forEach((set, i) => {
    out.push(...colocateWithinSet(id, set, score, influence));
    const last = sets[i - 1];
    if (last) out.push(...colocateSets(id, last, set, score, influence));
  });
  return out;
}

/**
 * Each member of a location's sets located as the constraint says (`unpack_location_set`): with a
 * node and a score (the set's, else the constraint's), there with the set's role (else the
 * constraint's); otherwise by the constraint's rules, each with its own score and role (the set's
 * score and role are not read then, as in Pacemaker's `unpack_rsc_location`).
 */
function expandLocation(e: OpaqueXml, sets: OpaqueXml[]): LocationConstraint[] {
  const rules = e.children.filter((c) => c.name === 'rule').map(ruleFromXml);
  return sets.flatMap((set) =>
    members(set).map((rsc) => {
      const score = set.attrs.score ?? e.attrs.score;
      const role = set.attrs.role ?? e.attrs.role;
      if (e.attrs.node === undefined || score === undefined) return { kind: 'location' as const, id: e.attrs.id ?? '', rsc, rules };
      return {
        kind: 'location' as const,
        id: e.attrs.id ?? '',
        rsc,
        node: e.attrs.node,
        score,
        ...(role !== undefined ? { role } : {}),
        rules: [],
      };
    }),
  );
}

const cache = new WeakMap<Cib, readonly Constraint[]>();

/**
 * The CIB's constraints with those written with resource sets expanded into constraints between
 * two resources, in the order they are written (which decides ties, as in Pacemaker). Tags and
 * templates are expanded into sets first (tag-references.ts). Sets that are not modelled
 * ({@link setConstraintIssue}) are left out.
 *
 * @example
 * expandedConstraints(cib).filter((c) => c.kind === 'order') // set orders included
 */
export function expandedConstraints(cib: Cib): readonly Constraint[] {
  const known = cache.get(cib);
  if (known) return known;
  const section = constraintsSection(cib);
  const members = referenceMembers(cib);
  const written = (section?.children ?? []).map((e) => expandReferences(e, members));
  if (!written.some((c) => c.children.some((x) => x.name === 'resource_set'))) {
    cache.set(cib, cib.constraints);
    return cib.constraints;
  }
  const leftAlone = leftAloneIds(cib.source?.children.find((c) => c.name === 'configuration'));
  const byId = indexIds(section, new Map());
  const typed = new Map<string, Constraint[]>();
  for (const c of cib.constraints) typed.set(c.id, [...(typed.get(c.id) ?? []), c]);
  const out: Constraint[] = [];
  for (const e of written) {
    const id = e.attrs.id ?? '';
    const sets = setsOf(e, byId);
    if (!sets || sets.length === 0 || setConstraintIssue(e, leftAlone, byId) !== undefined) {
      out.push(...(typed.get(id) ?? []));
      typed.delete(id);
      continue;
    }
    if (e.name === 'rsc_order') out.push(...expandOrder(e, sets));
    else if (e.name === 'rsc_colocation') out.push(...expandColocation(e, sets));
    else if (e.name === 'rsc_location') out.push(...expandLocation(e, sets));
  }
  for (const rest of typed.values()) out.push(...rest);
  cache.set(cib, out);
  return out;
}

/**
 * The ticket dependencies of `rsc_ticket` constraints written with resource sets: one per member,
 * with its set's role, named after the set.
 *
 * @example
 * ticketSetMembers(el, byId) // [{ id: 'set1', rsc: 'rsc1', role: 'Promoted' }]
 */
export function ticketSetMembers(e: OpaqueXml, byId: ReadonlyMap<string, OpaqueXml>): SetTicket[] {
  return (setsOf(e, byId) ?? []).flatMap((set) =>
    members(set).map((rsc) => ({
      id: set.attrs.id ?? e.attrs.id ?? '',
      rsc,
      ...(set.attrs.role !== undefined ? { role: set.attrs.role } : {}),
    })),
  );
}

/** Every element of the CIB's configuration by id (for `id-ref` sets). */
export function configurationIds(cib: Cib): Map<string, OpaqueXml> {
  return indexIds(constraintsSection(cib), new Map());
}
