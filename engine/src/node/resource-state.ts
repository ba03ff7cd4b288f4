/**
 * `ocfkit resource start|stop` (target-role, as `crm_resource --meta -p target-role` writes it)
 * and `ocfkit node standby|online` (the `standby` node attribute, as `crm_standby` writes it).
 */
import type { XmlElement } from '../cib/xml-tree.js';
import { findNode, findResource, setNvpair } from './cib-tree.js';

/**
 * Sets the `target-role` meta attribute of a resource: an existing one is updated, else
 * `<rsc>-meta_attributes-target-role` is added. Returns the message crm_resource prints.
 *
 * @example
 * setTargetRole(cib, 'grp_pgsql', 'Stopped')
 */
export function setTargetRole(cib: XmlElement, rsc: string, role: 'Started' | 'Stopped' | 'Promoted' | 'Unpromoted'): string {
  const r = findResource(cib, rsc);
  const changed = setNvpair(r, 'meta_attributes', `${rsc}-meta_attributes`, 'target-role', role);
  return changed ? `Set '${rsc}' option: name=target-role value=${role}` : `'${rsc}' already has target-role=${role}`;
}

/** The configured target-role of a resource, if any. */
export function targetRole(cib: XmlElement, rsc: string): string | undefined {
  const r = findResource(cib, rsc);
  for (const s of r.children.filter((c) => c.name === 'meta_attributes'))
    for (const p of s.children) if (p.name === 'nvpair' && p.attrs.name === 'target-role') return p.attrs.value;
  return undefined;
}

/** Restores a target-role read with {@link targetRole} (undefined removes it). */
export function restoreTargetRole(cib: XmlElement, rsc: string, role: string | undefined): void {
  setNvpair(findResource(cib, rsc), 'meta_attributes', `${rsc}-meta_attributes`, 'target-role', role);
}

/**
 * Puts a node in standby (`on`) or takes it out (the attribute removed), in the node's
 * configuration (`nodes-<id>-standby`, crm_standby's default lifetime "forever").
 */
export function setStandby(cib: XmlElement, node: string, standby: boolean): string {
  const n = findNode(cib, node);
  const changed = setNvpair(n, 'instance_attributes', `nodes-${n.attrs.id}`, 'standby', standby ? 'on' : undefined);
  if (!changed) return `node ${node} is already ${standby ? 'in standby' : 'online (not in standby)'}`;
  return standby ? `node ${node}: standby=on` : `node ${node}: standby removed`;
}
