import type { Cib, NvPair, Primitive, Resource } from './cib-model.js';
import { flattenSets } from './nvsets.js';

/**
 * Guest nodes, as Pacemaker 2.1 makes them (unpack_remote_nodes, expand_remote_rsc_meta,
 * pe_create_remote_xml): a primitive with the meta attribute `remote-node=NAME` (a VM or a
 * container) implies a Pacemaker Remote connection named NAME, of class `ocf:pacemaker:remote`,
 * whose `container` is that primitive, and a node NAME that is up while both run. What a guest
 * node is otherwise (its connection placed with its container, its resources restarted with it,
 * "fencing" it by recovering the container) follows from that `container` link, wherever the
 * connection came from: containers.ts for the scheduling, remote-nodes.ts for the node's state.
 *
 * Anything else that makes guest nodes (a bundle's replicas, bundles.ts) describes the connection
 * with {@link guestConnection} and puts it among the resources the scheduler sees.
 */

/** What a guest node's connection is made of: the node, the resource hosting it, and how to reach it. */
interface GuestSpec {
  /** The guest node's name, which is also its connection's id. */
  node: string;
  /** The id of the resource the guest runs in (its "container"). */
  container: string;
  /** `addr` of the connection (`remote-addr`; the node's name when absent). */
  addr?: string;
  /** `port` of the connection (`remote-port`). */
  port?: string;
  /** The connection's start timeout (`remote-connect-timeout`, default 60s). */
  connectTimeout?: string;
  /** `allow-migrate` of the connection (`remote-allow-migrate`). */
  allowMigrate?: string;
  /** `is-managed` of the connection (the container's own `is-managed`). */
  isManaged?: string;
}

const pair = (owner: string, name: string, value: string): NvPair => ({ id: `${owner}-${name}`, name, value });

/**
 * The connection resource of a guest node: `ocf:pacemaker:remote`, meta `internal_rsc` and
 * `container`, a 30 s monitor and a start bounded by the connect timeout (pe_create_remote_xml).
 *
 * @example
 * guestConnection({ node: 'lxc1', container: 'container1' }).id // 'lxc1'
 */
export function guestConnection(spec: GuestSpec): Primitive {
  const name = spec.node;
  const meta = [pair(name, 'internal_rsc', 'true'), pair(name, 'container', spec.container)];
  if (spec.allowMigrate !== undefined) meta.push(pair(name, 'allow-migrate', spec.allowMigrate));
  if (spec.isManaged !== undefined) meta.push(pair(name, 'is-managed', spec.isManaged));
  const params: NvPair[] = [];
  if (spec.addr !== undefined) params.push(pair(name, 'addr', spec.addr));
  if (spec.port !== undefined) params.push(pair(name, 'port', spec.port));
  return {
    kind: 'primitive',
    id: name,
    class: 'ocf',
    provider: 'pacemaker',
    type: 'remote',
    params: params.length > 0 ? [{ id: `${name}-instance_attributes`, pairs: params }] : [],
    meta: [{ id: `${name}-meta_attributes`, pairs: meta }],
    ops: [
      { id: `${name}-monitor-interval-30s`, name: 'monitor', interval: '30s', attrs: { timeout: '30s' }, meta: [] },
      { id: `${name}-start-interval-0`, name: 'start', interval: '0', attrs: { timeout: spec.connectTimeout ?? '60s' }, meta: [] },
    ],
  };
}

/**
 * The guest node a primitive's meta attributes ask for (`remote-node`, with `remote-addr`,
 * `remote-port`, `remote-connect-timeout`, `remote-allow-migrate`, `is-managed`), if any.
 */
function impliedGuest(p: Primitive): GuestSpec | undefined {
  const meta = flattenSets(p.meta);
  const node = meta.get('remote-node');
  if (node === undefined) return undefined;
  const spec: GuestSpec = { node, container: p.id };
  const copy = (from: string, to: keyof GuestSpec) => {
    const v = meta.get(from);
    if (v !== undefined) spec[to] = v;
  };
  copy('remote-addr', 'addr');
  copy('remote-port', 'port');
  copy('remote-connect-timeout', 'connectTimeout');
  copy('remote-allow-migrate', 'allowMigrate');
  copy('is-managed', 'isManaged');
  return spec;
}

/**
 * Every id a resource list configures (clone instances aside).
 *
 * @example
 * configuredIds(cib.resources).has('grp_pgsql') // true when the group is configured
 */
export function configuredIds(resources: readonly Resource[]): Set<string> {
  const ids = new Set<string>();
  const walk = (r: Resource) => {
    ids.add(r.id);
    if (r.kind === 'group') r.children.forEach(walk);
    else if (r.kind === 'clone') walk(r.child);
  };
  resources.forEach(walk);
  return ids;
}

/**
 * The guest nodes a resource list implies: top-level primitives and members of top-level groups
 * with `remote-node` (not clone instances, which Pacemaker does not support as guests), except a
 * name some resource already has.
 */
function impliedGuests(resources: readonly Resource[]): GuestSpec[] {
  const ids = configuredIds(resources);
  const out: GuestSpec[] = [];
  for (const r of resources) {
    const members = r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : [];
    for (const p of members) {
      const spec = impliedGuest(p);
      if (spec === undefined || ids.has(spec.node)) continue;
      ids.add(spec.node);
      out.push(spec);
    }
  }
  return out;
}

const expanded = new WeakMap<readonly Resource[], readonly Resource[]>();

/**
 * The CIB as the scheduler reads it: its resources followed by the connections of the guest
 * nodes they imply (Pacemaker adds them to the end of the resources section). The same resource
 * list always gives the same expanded list, so an unchanged configuration stays the same object
 * for the unpack memo.
 *
 * @example
 * withGuestConnections(cib).resources.at(-1)?.id // 'lxc1', when container1 has remote-node=lxc1
 */
export function withGuestConnections(cib: Cib): Cib {
  let resources = expanded.get(cib.resources);
  if (resources === undefined) {
    const guests = impliedGuests(cib.resources);
    resources = guests.length === 0 ? cib.resources : [...cib.resources, ...guests.map(guestConnection)];
    expanded.set(cib.resources, resources);
  }
  return resources === cib.resources ? cib : { ...cib, resources };
}
