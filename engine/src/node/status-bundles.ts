/**
 * Bundles in `ocfkit status`, as crm_mon shows them: one entry per bundle, in configuration order,
 * with a line per replica (the guest node's name and IP, the child's agent and role, and the node
 * the replica's container runs on), instead of the resources the scheduler expands a bundle into
 * (core/bundles.ts). Pure.
 */
import { type BundleSpec, bundlesOf, childCloneId, containerId, guestNodes } from '../core/bundles.js';
import type { Cib } from '../core/cib-model.js';
import type { WorkingSet, WRsc } from '../core/working-set.js';
import type { PrimitiveStatus, ResourceStatus } from './status.js';

interface BundleReplicaStatus {
  /** The guest node's name (the container's id when the bundle has no child). */
  name: string;
  ip?: string;
  /** The child's instance there (or the container), shown on the container's node. */
  shown: PrimitiveStatus;
  /** Everything the replica is made of: IP, child instance, container, connection. */
  parts: PrimitiveStatus[];
}

export interface BundleStatus {
  kind: 'bundle';
  id: string;
  /** `docker`, `podman` or `rkt`. */
  type: string;
  image: string;
  unique: boolean;
  managed: boolean;
  replicas: BundleReplicaStatus[];
}

function replicas(b: BundleSpec, ws: WorkingSet, status: (r: WRsc) => PrimitiveStatus): BundleReplicaStatus[] {
  const guests = guestNodes(b);
  const clone = ws.byId.get(childCloneId(b));
  const out: BundleReplicaStatus[] = [];
  for (let n = 0; n < b.replicas; n++) {
    const container = ws.byId.get(containerId(b, n));
    if (!container) continue;
    const ip = b.addresses[n];
    const ipRsc = ip === undefined ? undefined : ws.byId.get(`${b.id}-ip-${ip}`);
    const guest = guests[n];
    const conn = guest === undefined ? undefined : ws.byId.get(guest);
    const containerStatus = status(container);
    let shown = containerStatus;
    let child: PrimitiveStatus | undefined;
    if (guest !== undefined && clone) {
      const used = new Set(out.map((r) => r.parts.find((p) => p.id.startsWith(`${b.child?.id}:`))?.id));
      const inst =
        clone.children.find((i) => i.runningOn.some((x) => x.uname === guest)) ??
        clone.children.find((i) => i.runningOn.length === 0 && !used.has(i.id));
      if (inst) {
        child = status(inst);
        // crm_mon shows the child's role on the container's node.
        shown = { ...child, id: guest, nodes: child.nodes.length > 0 ? containerStatus.nodes : [] };
      }
    }
    const parts = [ipRsc && status(ipRsc), child, containerStatus, conn && status(conn)].filter(
      (p): p is PrimitiveStatus => p !== undefined,
    );
    out.push({ name: guest ?? container.id, ...(ip !== undefined ? { ip } : {}), shown, parts });
  }
  return out;
}

/**
 * The status's resource list with each bundle's expanded resources replaced by the bundle, placed
 * where it is configured (before the first resource configured after it).
 */
export function withBundleStatus(
  cib: Cib,
  ws: WorkingSet,
  resources: ResourceStatus[],
  status: (r: WRsc) => PrimitiveStatus,
): ResourceStatus[] {
  const bundles = bundlesOf(cib);
  if (bundles.length === 0) return resources;
  const implied = new Set<string>();
  for (const b of bundles) {
    for (let n = 0; n < b.replicas; n++) implied.add(containerId(b, n));
    for (const a of b.addresses) implied.add(`${b.id}-ip-${a}`);
    for (const g of guestNodes(b)) implied.add(g);
    if (b.child !== undefined && guestNodes(b).length > 0) implied.add(childCloneId(b));
  }
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  const order = (config?.children.find((c) => c.name === 'resources')?.children ?? []).map((c) => c.attrs.id ?? '');
  const position = (id: string) => {
    const i = order.indexOf(id);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const out = resources.filter((r) => !implied.has(r.id));
  for (const b of bundles) {
    const managed = ws.byId.get(containerId(b, 0))?.managed ?? true;
    const entry: BundleStatus = {
      kind: 'bundle',
      id: b.id,
      type: b.agent,
      image: b.image,
      unique: b.replicasPerHost > 1,
      managed,
      replicas: replicas(b, ws, status),
    };
    // crm_mon's order: by priority (the bundle's is its replicas'), then as configured.
    const priority = (id: string) => ws.byId.get(id)?.priority ?? 0;
    const mine = priority(containerId(b, 0));
    const at = out.findIndex((r) => priority(r.id) < mine || (priority(r.id) === mine && position(r.id) > position(b.id)));
    if (at < 0) out.push(entry);
    else out.splice(at, 0, entry);
  }
  return out;
}

/** Whether a node is a bundle's guest node (crm_mon: "GuestOnline"). */
export function isBundleGuest(cib: Cib, node: string): boolean {
  return bundlesOf(cib).some((b) => guestNodes(b).includes(node));
}
