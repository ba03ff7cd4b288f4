import type { Cib, OpaqueXml } from './cib-model.js';
import { configuredIds } from './guest-nodes.js';
import { ownedByUnmodelled } from './orphan-resources.js';

/**
 * Orphaned remote connections, as Pacemaker 2.1.5 unpacks them (`create_fake_resource`): history
 * of an `ocf:pacemaker:remote` resource the configuration no longer has is an orphan connection
 * (stopped where it runs, as any orphan) and names a remote node that is shutting down, so what
 * runs there is stopped or moved first. The history entry's `container` attribute (written for a
 * guest node's connection) makes it a guest's: linked to that resource, itself perhaps an orphan
 * (`handle_orphaned_container_fillers`). Connections of what the model leaves alone (bundles) are
 * no orphans.
 */

/** An orphaned connection found in the status section: its id and the `container` its history names. */
interface OrphanConnection {
  id: string;
  container?: string;
}

function* lrmResources(status: OpaqueXml | undefined): Generator<OpaqueXml> {
  for (const state of status?.children ?? [])
    for (const lrm of state.children)
      if (lrm.name === 'lrm') for (const list of lrm.children) for (const r of list.children) if (r.name === 'lrm_resource') yield r;
}

const found = new WeakMap<Cib, OrphanConnection[]>();

/**
 * The orphaned remote connections of a CIB (its resources with guest connections expanded): each
 * `ocf:pacemaker:remote` history with operations whose id no resource has, once.
 *
 * @example
 * orphanConnections(cib) // [{ id: 'lxc1', container: 'container1' }]
 */
export function orphanConnections(cib: Cib): OrphanConnection[] {
  const cached = found.get(cib);
  if (cached) return cached;
  const ids = configuredIds(cib.resources);
  const out: OrphanConnection[] = [];
  const owned = ownedByUnmodelled(cib);
  for (const state of cib.status)
    for (const lr of state.lrm) {
      if (ids.has(lr.id) || lr.ops.length === 0) continue;
      if (lr.class !== 'ocf' || lr.provider !== 'pacemaker' || lr.type !== 'remote' || owned(lr.id)) continue;
      ids.add(lr.id);
      out.push({ id: lr.id });
    }
  // The `container` attribute is not in the model: read it from the status as written.
  const status = cib.source?.children.find((c) => c.name === 'status');
  for (const r of lrmResources(status)) {
    const o = out.find((x) => x.id === r.attrs.id);
    const container = r.attrs.container;
    if (o && container !== undefined && o.container === undefined) o.container = container;
  }
  found.set(cib, out);
  return out;
}
