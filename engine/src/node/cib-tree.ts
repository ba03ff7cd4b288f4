/** Small helpers for changing a CIB document (the store's XML tree) the way Pacemaker's tools do. */
import { CibError, el, type XmlElement } from '../cib/xml-tree.js';

/** A `<configuration>` section (`resources`, `constraints`, `nodes`...), created when missing. */
export function section(cib: XmlElement, name: string): XmlElement {
  let config = cib.children.find((c) => c.name === 'configuration');
  if (!config) {
    config = el('configuration', {});
    cib.children.unshift(config);
  }
  let s = config.children.find((c) => c.name === name);
  if (!s) {
    s = el(name, {});
    config.children.push(s);
  }
  return s;
}

const RESOURCE_TAGS = new Set(['primitive', 'group', 'clone', 'master', 'bundle']);

/** The resource element with this id anywhere in `<resources>`; throws naming it when absent. */
export function findResource(cib: XmlElement, id: string): XmlElement {
  const walk = (e: XmlElement): XmlElement | undefined => {
    for (const c of e.children) {
      if (!RESOURCE_TAGS.has(c.name)) continue;
      if (c.attrs.id === id) return c;
      const inner = walk(c);
      if (inner) return inner;
    }
    return undefined;
  };
  const found = walk(section(cib, 'resources'));
  if (!found) throw new CibError(`resource "${id}" not found`);
  return found;
}

/** The primitives inside a resource element (itself when it is one). */
export function primitiveIds(rsc: XmlElement): string[] {
  if (rsc.name === 'primitive') return [rsc.attrs.id as string];
  return rsc.children.filter((c) => RESOURCE_TAGS.has(c.name)).flatMap(primitiveIds);
}

/** The configured `<node>` with this uname; throws naming it when absent. */
export function findNode(cib: XmlElement, uname: string): XmlElement {
  const n = section(cib, 'nodes').children.find((c) => c.name === 'node' && c.attrs.uname === uname);
  if (!n) throw new CibError(`node "${uname}" is not in the configuration`);
  return n;
}

/**
 * Sets `name=value` in an element's attribute sets of kind `setName` (`meta_attributes`,
 * `instance_attributes`) as crm_resource/crm_attribute do: an existing pair of that name is
 * updated, else a pair `<setId>-<name>` is added to the set `<setId>` (created when missing).
 * `value` undefined removes every pair of that name. Returns whether anything changed.
 */
export function setNvpair(owner: XmlElement, setName: string, setId: string, name: string, value: string | undefined): boolean {
  const sets = owner.children.filter((c) => c.name === setName);
  const pairs = sets.flatMap((s) => s.children.filter((p) => p.name === 'nvpair' && p.attrs.name === name).map((p) => ({ s, p })));
  if (value === undefined) {
    for (const { s, p } of pairs) s.children = s.children.filter((x) => x !== p);
    return pairs.length > 0;
  }
  const first = pairs[0];
  if (first) {
    if (first.p.attrs.value === value) return false;
    first.p.attrs.value = value;
    return true;
  }
  let set = sets.find((s) => s.attrs.id === setId);
  if (!set) {
    set = el(setName, { id: setId });
    // After the other attribute sets, before <operations> (the order Pacemaker's schema wants).
    const ops = owner.children.findIndex((c) => c.name === 'operations');
    owner.children.splice(ops < 0 ? owner.children.length : ops, 0, set);
  }
  set.children.push(el('nvpair', { id: `${setId}-${name}`, name, value }));
  return true;
}
