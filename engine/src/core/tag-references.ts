/**
 * Constraints that name a tag (`<tags><tag><obj_ref>`) or a resource template, as Pacemaker 2.1
 * reads them (`pcmk__expand_tags_in_sets`, `pcmk__tag_to_set` and the `unpack_*_tags` of each
 * constraint kind): a `resource_ref` to a tag or template in a resource set is replaced, in place,
 * by one to each resource it stands for; a tag or template in `rsc`, `with-rsc`, `first` or `then`
 * becomes a resource set of those resources (`sequential="false"`), and in a colocation or an
 * ordering the resource on the other side becomes a set of one. The role (`rsc-role`,
 * `with-rsc-role`, a location's `role`) or action (`first-action`, `then-action`) moves into the
 * set. The sets are then read as any other (resource-sets.ts, tickets.ts). Pure.
 */
import type { Cib, OpaqueXml } from './cib-model.js';
import { templateMembers } from './templates.js';

/** Per constraint element: its resource attributes, with the role or action that moves with each. */
const SIDES: Record<string, { attrs: [string, string][]; convertResources: boolean }> = {
  rsc_colocation: {
    attrs: [
      ['rsc', 'rsc-role'],
      ['with-rsc', 'with-rsc-role'],
    ],
    convertResources: true,
  },
  rsc_order: {
    attrs: [
      ['first', 'first-action'],
      ['then', 'then-action'],
    ],
    convertResources: true,
  },
  rsc_location: { attrs: [['rsc', 'role']], convertResources: false },
  rsc_ticket: { attrs: [['rsc', 'rsc-role']], convertResources: false },
};

const cache = new WeakMap<Cib, ReadonlyMap<string, readonly string[]>>();

/**
 * What each tag and each template stands for: a tag's `obj_ref`s, and the primitives built from a
 * template, in the order they are written.
 *
 * @example
 * referenceMembers(cib).get('tag1') // ['rsc1', 'rsc2']
 */
export function referenceMembers(cib: Cib): ReadonlyMap<string, readonly string[]> {
  const known = cache.get(cib);
  if (known) return known;
  const out = new Map<string, readonly string[]>(templateMembers(cib));
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  for (const tags of config?.children.filter((c) => c.name === 'tags') ?? [])
    for (const tag of tags.children)
      if (tag.name === 'tag' && tag.attrs.id !== undefined)
        out.set(
          tag.attrs.id,
          tag.children.filter((r) => r.name === 'obj_ref' && r.attrs.id !== undefined).map((r) => r.attrs.id as string),
        );
  cache.set(cib, out);
  return out;
}

const ref = (id: string): OpaqueXml => ({ name: 'resource_ref', attrs: { id }, children: [] });

function expandSets(e: OpaqueXml, members: ReadonlyMap<string, readonly string[]>): OpaqueXml | undefined {
  let any = false;
  const children = e.children.map((set) => {
    if (set.name !== 'resource_set' || !set.children.some((c) => c.name === 'resource_ref' && members.has(c.attrs.id ?? ''))) return set;
    any = true;
    const refs = set.children.flatMap((c) => {
      const of = c.name === 'resource_ref' ? members.get(c.attrs.id ?? '') : undefined;
      return of === undefined ? [c] : of.map(ref);
    });
    return { ...set, children: refs };
  });
  return any ? { ...e, children } : undefined;
}

/**
 * A constraint element with its tags and templates expanded (see the file comment); the element
 * itself when it names none. A colocation between two tags or templates is left as written
 * (Pacemaker ignores it).
 *
 * @example
 * expandReferences(<rsc_location id="l" rsc="tag1" node="n1" score="10"/>, members)
 * // <rsc_location id="l" node="n1" score="10"><resource_set id="tag1" sequential="false">…
 */
export function expandReferences(e: OpaqueXml, members: ReadonlyMap<string, readonly string[]>): OpaqueXml {
  if (members.size === 0) return e;
  if (e.children.some((c) => c.name === 'resource_set')) return expandSets(e, members) ?? e;
  const sides = SIDES[e.name];
  if (!sides) return e;
  const named = sides.attrs.filter(([attr]) => members.has(e.attrs[attr] ?? ''));
  if (named.length === 0 || (e.name === 'rsc_colocation' && named.length > 1)) return e;
  const attrs: Record<string, string> = { ...e.attrs };
  const sets: OpaqueXml[] = [];
  for (const [attr, moved] of sides.attrs) {
    const id = e.attrs[attr];
    if (id === undefined) continue;
    const of = members.get(id);
    if (of === undefined && !sides.convertResources) continue;
    const set: Record<string, string> = { id };
    if (of !== undefined) set.sequential = 'false';
    const role = e.attrs[moved];
    // (A tag set's attributes are written id, sequential, then the moved role or action.)
    if (role !== undefined) {
      set[moved === 'first-action' || moved === 'then-action' ? 'action' : 'role'] = role;
      delete attrs[moved];
    }
    delete attrs[attr];
    sets.push({ name: 'resource_set', attrs: set, children: (of ?? [id]).map(ref) });
  }
  return { ...e, attrs, children: [...e.children, ...sets] };
}
