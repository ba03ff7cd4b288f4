import type { LocationConstraint, Rule } from './cib-model.js';
import { flattenSets, isTrue, parseBoolean } from './nvsets.js';
import { expandedConstraints, isSetOrder } from './resource-sets.js';
import { restartsThen } from './restart-type.js';
import { patternSubmatches } from './rsc-pattern.js';
import { evaluateRule, type NodeAttrs, type RuleTarget } from './rules.js';
import { parseScore } from './score.js';
import type { Coloc, Role, WNode, WorkingSet, WRsc } from './working-set.js';
import { variantRank } from './working-set.js';

// A colocation's role; `Started` is no role (Pacemaker's pcmk__new_colocation reads it as unknown).
function parseRole(text: string | undefined): Role | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t === 'stopped') return 'Stopped';
  if (t === 'promoted' || t === 'master') return 'Promoted';
  if (t === 'unpromoted' || t === 'slave') return 'Unpromoted';
  return undefined;
}

// GLib's g_list_insert_sorted: skip while the new item sorts after, so a new item goes *before*
// existing equal ones (the later-declared of two equal colocations is processed first).
function insertSorted<T>(list: T[], item: T, cmp: (a: T, b: T) => number): void {
  let i = 0;
  while (i < list.length && cmp(item, list[i] as T) > 0) i++;
  list.splice(i, 0, item);
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBy(pick: (c: Coloc) => WRsc) {
  return (a: Coloc, b: Coloc): number => {
    const x = pick(a);
    const y = pick(b);
    if (x.priority !== y.priority) return x.priority > y.priority ? -1 : 1;
    if (x.variant !== y.variant) return variantRank[x.variant] > variantRank[y.variant] ? -1 : 1;
    if (x.variant === 'clone' && x.promotable !== y.promotable) return x.promotable ? -1 : 1;
    return strcmp(x.id, y.id);
  };
}

/**
 * Registers a colocation on both resources, kept sorted the way Pacemaker sorts them (by the
 * other resource's priority, variant, then id).
 *
 * @example
 * addColocation({ id: 'c', dependent: a, primary: b, score: 100, influence: true });
 */
export function addColocation(ws: WorkingSet, c: Coloc): void {
  ws.colocations.push(c);
  insertThisWith(c.dependent, c);
  insertWithThis(c.primary, c);
}

/** Adds a "this with" colocation to a resource's list, in Pacemaker's order. */
export function insertThisWith(r: WRsc, c: Coloc): void {
  insertSorted(
    r.thisWith,
    c,
    cmpBy((x) => x.primary),
  );
}

/** Adds a "with this" colocation to a resource's list, in Pacemaker's order. */
export function insertWithThis(r: WRsc, c: Coloc): void {
  insertSorted(
    r.withThis,
    c,
    cmpBy((x) => x.dependent),
  );
}

/** Unpacks rsc_colocation and rsc_order constraints into the working set. */
export function unpackConstraints(ws: WorkingSet): void {
  for (const c of expandedConstraints(ws.cib)) {
    if (c.kind === 'colocation') {
      const dependent = ws.byId.get(c.rsc);
      const primary = ws.byId.get(c.withRsc);
      const score = parseScore(c.score);
      if (!dependent || !primary || score === undefined || score === 0) continue;
      if (c.bundle !== undefined) {
        const known = (ids: readonly string[]) => ids.flatMap((id) => ws.byId.get(id) ?? []);
        dependent.withBundle = [
          ...(dependent.withBundle ?? []),
          { id: c.id, containers: known(c.bundle.containers), parts: known(c.bundle.parts) },
        ];
        continue;
      }
      addColocation(ws, {
        id: c.id,
        dependent,
        primary,
        score,
        dependentRole: parseRole(c.rscRole),
        primaryRole: parseRole(c.withRscRole),
        nodeAttribute: c.nodeAttribute,
        // An invalid value is a configuration error Pacemaker answers with the default (`critical`).
        influence: parseBoolean(c.influence) ?? dependent.critical,
      });
    } else if (c.kind === 'order') {
      const first = ws.byId.get(c.first);
      const then = ws.byId.get(c.thenRsc);
      if (!first || !then) continue;
      const score = parseScore(c.score);
      const kind = c.orderKind ?? (score === 0 ? 'Optional' : 'Mandatory');
      const firstAction = c.firstAction ?? 'start';
      const thenAction = c.thenAction ?? firstAction;
      // Pacemaker keeps only the first ordering between the same two actions (every kind carries
      // its "optional" flag, and duplicates sharing a flag are dropped): the first one declared wins.
      if (ws.orderings.some((o) => o.first === first && o.then === then && o.firstAction === firstAction && o.thenAction === thenAction))
        continue;
      ws.orderings.push({
        id: c.id,
        first,
        firstAction,
        then,
        thenAction,
        kind,
        symmetrical: c.symmetrical === undefined ? kind !== 'Serialize' : c.symmetrical.toLowerCase() === 'true',
        // Orders from resource sets bind the resources' own actions (Pacemaker reads clone-min only on simple orders).
        minFirst: isSetOrder(c) ? 0 : minimumFirstInstances(first, c.requireAll),
        ...(isSetOrder(c) ? { fromSet: true as const } : {}),
        ...(isSetOrder(c) && c.anyOf !== undefined ? { anyOf: c.anyOf } : {}),
        ...(!isSetOrder(c) && kind === 'Optional' && restartsThen(then) ? { restartType: true as const } : {}),
      });
    }
  }
}

/** Pacemaker's get_minimum_first_instances: the first clone's clone-min, else 1 for require-all=false. */
function minimumFirstInstances(first: WRsc, requireAll: string | undefined): number {
  if (first.variant !== 'clone') return 0;
  const min = first.meta.get('clone-min');
  if (min !== undefined) return Math.max(0, Number.parseInt(min, 10) || 0);
  return requireAll !== undefined && !isTrue(requireAll) ? 1 : 0;
}

/** One node and the score a location constraint gives it. */
interface Placement {
  node: WNode;
  score: number;
}

function ruleScore(rule: Rule, node: WNode): number {
  if (rule.score !== undefined) return parseScore(rule.score) ?? 0;
  if (rule.scoreAttribute !== undefined) return parseScore(node.attrs.get(rule.scoreAttribute)) ?? 0;
  return 0;
}

function usesValueSource(rule: Rule): boolean {
  return rule.terms.some((t) => (t.kind === 'rule' ? usesValueSource(t) : t.kind === 'expression' && t.valueSource !== undefined));
}

/**
 * What a location's rules see of the resource (Pacemaker's match data): its parameters (on the
 * node being scored, as Pacemaker's pe_rsc_params) and meta attributes for `value-source`, the `rsc-pattern` submatches for `%0`-`%9`.
 * Undefined where no rule needs them.
 */
function locatedTarget(ws: WorkingSet, c: LocationConstraint): RuleTarget | undefined {
  const submatches = patternSubmatches(c);
  if (submatches === undefined && !c.rules.some(usesValueSource)) return undefined;
  const r = ws.byId.get(c.rsc);
  const sets = r?.config.params ?? [];
  const params = (attrs: NodeAttrs) =>
    flattenSets(sets.filter((s) => s.rule === undefined || evaluateRule(s.rule, attrs)).map((s) => ({ ...s, rule: undefined })));
  return { located: { params, meta: r?.meta ?? new Map(), ...(submatches ? { submatches } : {}) } };
}

/**
 * The nodes a location constraint names and their scores: a node with a score, or every node
 * where one of its rules passes (each rule contributes its own score).
 *
 * @example
 * locationPlacements(ws, { kind: 'location', id: 'l', rsc: 'r', node: 'n1', score: '50', rules: [] }) // [{ node: n1, score: 50 }]
 */
export function locationPlacements(
  ws: WorkingSet,
  c: LocationConstraint,
  roleApplies: (filter: RoleFilter) => boolean = () => true,
): Placement[] {
  if (c.node !== undefined) {
    const node = ws.nodeByName.get(c.node);
    const score = parseScore(c.score);
    return node && score !== undefined && roleApplies(roleFilter(c.role, false)) ? [{ node, score }] : [];
  }
  const out: Placement[] = [];
  const target = locatedTarget(ws, c);
  for (const rule of c.rules) {
    // A rule's own role is its filter (the constraint's role attribute counts only without rules).
    if (!roleApplies(roleFilter(rule.role, true))) continue;
    for (const node of ws.nodes) {
      if (evaluateRule(rule, node.attrs, target)) out.push({ node, score: ruleScore(rule, node) });
    }
  }
  return out;
}

/** The role a location applies to: undefined for every role. */
type RoleFilter = 'started' | 'unpromoted' | 'promoted' | 'stopped' | undefined;

/**
 * A location's role filter as Pacemaker reads it (`unpack_rsc_location`, `generate_location_rule`):
 * Unpromoted applies to every role (an instance is unpromoted before it is promoted), and so does
 * Started on the constraint itself, but not on a rule.
 *
 * @example
 * roleFilter('Master', false) // 'promoted'
 */
function roleFilter(role: string | undefined, inRule: boolean): RoleFilter {
  switch (role?.toLowerCase()) {
    case 'promoted':
    case 'master':
      return 'promoted';
    case 'started':
      return inRule ? 'started' : undefined;
    case 'stopped':
      return 'stopped';
    default:
      return undefined;
  }
}
