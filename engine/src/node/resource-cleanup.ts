/**
 * `ocfkit resource cleanup` (crm_resource --cleanup): forget a resource's operation history and
 * fail counts on one node or all, so the controller probes it again and recomputes.
 */
import type { XmlElement } from '../cib/xml-tree.js';
import { findResource, primitiveIds } from './cib-tree.js';

/** Whether an attribute name is a fail count or last-failure time of primitive `id`. */
export function isFailureAttribute(name: string, id: string): boolean {
  for (const prefix of ['fail-count-', 'last-failure-']) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    // `fail-count-<rsc>`, `fail-count-<rsc>#<op>_<interval>`, and a globally-unique instance `<rsc>:<n>`.
    if (rest === id || rest.startsWith(`${id}#`) || new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(#|$)`).test(rest))
      return true;
  }
  return false;
}

/** What a cleanup removed, per node. */
interface CleanupResult {
  node: string;
  history: string[];
  attributes: string[];
}

/**
 * Removes, in `<status>`, the `lrm_resource` entries and the fail-count/last-failure transient
 * attributes of every primitive in `rsc` (on `node`, or every node). `cib` is the whole document
 * (to find the resource); `status` is changed in place.
 */
export function cleanupStatus(cib: XmlElement, status: XmlElement, rsc: string, node?: string): CleanupResult[] {
  const ids = primitiveIds(findResource(cib, rsc));
  const matches = (historyId: string) => ids.some((id) => historyId === id || historyId.startsWith(`${id}:`));
  const out: CleanupResult[] = [];
  for (const state of status.children.filter((c) => c.name === 'node_state')) {
    const uname = state.attrs.uname ?? state.attrs.id ?? '';
    if (node !== undefined && uname !== node) continue;
    const result: CleanupResult = { node: uname, history: [], attributes: [] };
    for (const lrm of state.children.filter((c) => c.name === 'lrm'))
      for (const list of lrm.children.filter((c) => c.name === 'lrm_resources')) {
        result.history.push(...list.children.filter((r) => matches(r.attrs.id ?? '')).map((r) => r.attrs.id as string));
        list.children = list.children.filter((r) => !matches(r.attrs.id ?? ''));
      }
    for (const t of state.children.filter((c) => c.name === 'transient_attributes'))
      for (const set of t.children) {
        const gone = set.children.filter((p) => p.name === 'nvpair' && ids.some((id) => isFailureAttribute(p.attrs.name ?? '', id)));
        result.attributes.push(...gone.map((p) => p.attrs.name as string));
        set.children = set.children.filter((p) => !gone.includes(p));
      }
    out.push(result);
  }
  return out;
}
