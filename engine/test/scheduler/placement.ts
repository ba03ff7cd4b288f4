/** Placement maps compared by the differential test. */
import type { Cib, Resource } from '../../src/core/cib-model.js';
import { flattenSets, isTrue } from '../../src/core/nvsets.js';

/**
 * The configured ids of primitives inside globally-unique clones: their instances (`rsc:N`) are
 * distinct resources, so which instance runs where is part of the decision.
 *
 * @example
 * uniqueBases(cib).has('ip') // true when ip is cloned with globally-unique=true
 */
export function uniqueBases(cib: Cib): Set<string> {
  const defaults = flattenSets(cib.rscDefaults);
  const prims = (r: Resource): string[] =>
    r.kind === 'primitive' ? [r.id] : r.kind === 'group' ? r.children.map((m) => m.id) : prims(r.child);
  return new Set(
    cib.resources
      .filter((r) => r.kind === 'clone' && isTrue(flattenSets(r.meta).get('globally-unique') ?? defaults.get('globally-unique')))
      .flatMap(prims),
  );
}

/** The id `aggregate` lists a resource under: its own for a globally-unique instance, else without `:N`. */
export function placementKey(id: string, unique: ReadonlySet<string>): string {
  const stripped = id.replace(/:\d+$/, '');
  return unique.has(stripped) ? id : stripped;
}

/**
 * One entry per configured resource: anonymous clone instances (`rsc:N`) are merged into a sorted
 * list of where the clone's instances end up, because their numbering is not part of the decision;
 * instances of globally-unique clones (bases in `unique`) are kept one by one.
 *
 * @example
 * aggregate([['ping:0', 'Started@node1'], ['ping:1', 'Stopped']]).get('ping') // 'Started@node1'
 */
export function aggregate(entries: Iterable<[string, string]>, unique: ReadonlySet<string> = new Set()): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const [id, where] of entries) {
    const base = placementKey(id, unique);
    if (!lists.has(base)) lists.set(base, []);
    if (where !== 'Stopped' || base === id) lists.get(base)?.push(where);
  }
  const out = new Map<string, string>();
  for (const [base, list] of lists) out.set(base, list.length === 0 ? 'Stopped' : list.sort().join(' '));
  return out;
}
