import { bundleConstraints } from './bundle-constraints.js';
import type { Cib, Clone, Constraint, NvSet, OpaqueXml, Primitive, Resource } from './cib-model.js';
import { nodeAvailable, SAME_NODE } from './colocation.js';
import { guestConnection } from './guest-nodes.js';
import { nvsetsOf, primitiveFromXml } from './opaque-primitive.js';
import { noteDiscovery } from './resource-discovery.js';
import { INFINITY } from './score.js';
import { leftAloneIds } from './unmodelled-xml.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * Bundles (Pacemaker 2.1's lib/pengine/bundle.c and pcmk_sched_bundle.c), as far as they change
 * decisions: a `<bundle>` is expanded into the resources Pacemaker implies for it, with
 * Pacemaker's names, so that they are placed, started, stopped and shown like Pacemaker's:
 *
 * - per replica N, a container primitive `<bundle>-docker-N` (or `-podman-N`, `-rkt-N`);
 * - with `ip-range-start`, an `ocf:heartbeat:IPaddr2` primitive `<bundle>-ip-<addr>` per replica,
 *   placed with its container and started before it;
 * - with a child primitive (and `control-port` or `ip-range-start`), an `ocf:pacemaker:remote`
 *   connection `<bundle>-N` per replica, with its container and started after it: the replica's
 *   guest node;
 * - the child primitive, cloned (`<bundle>-clone`, or `<bundle>-master` with `promoted-max`) as
 *   `<child>:N` across the bundle's guest nodes only, where nothing else runs.
 *
 * The replicas' containers avoid each other's nodes (`replicas-per-host`, 1 by default). The
 * expansion only feeds the scheduler: the CIB keeps its `<bundle>` (export writes the source back).
 */

/** A `<bundle>` as configured. */
export interface BundleSpec {
  readonly id: string;
  /** `docker`, `podman` or `rkt`. */
  readonly agent: string;
  readonly image: string;
  readonly replicas: number;
  readonly replicasPerHost: number;
  readonly promotedMax: number;
  readonly ipRangeStart?: string;
  readonly controlPort?: string;
  readonly child?: Primitive;
  readonly meta: readonly NvSet[];
  /** The replicas' addresses (with `ip-range-start`). */
  readonly addresses: readonly string[];
}

const AGENTS = ['docker', 'podman', 'rkt'];

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** The `n`-th address after `start` (IPv4 only, as Pacemaker's next_ip). */
function nthAddress(start: string, n: number): string | undefined {
  const parts = start.split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const value = (((parts[0] as number) * 256 + (parts[1] as number)) * 256 + (parts[2] as number)) * 256 + (parts[3] as number) + n;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Reads one `<bundle>` element (undefined when it names no container technology Pacemaker knows). */
function bundleSpec(e: OpaqueXml): BundleSpec | undefined {
  const tech = e.children.find((c) => AGENTS.includes(c.name));
  if (!tech || e.attrs.id === undefined) return undefined;
  const network = e.children.find((c) => c.name === 'network');
  const promotedMax = int(tech.attrs['promoted-max'] ?? tech.attrs.masters, 0);
  const replicas = int(tech.attrs.replicas, Math.max(1, promotedMax));
  const ipRangeStart = network?.attrs['ip-range-start'];
  const controlPort = network?.attrs['control-port'];
  let replicasPerHost = int(tech.attrs['replicas-per-host'], 1) || 1;
  if (controlPort !== undefined && ipRangeStart === undefined) replicasPerHost = 1;
  const childXml = e.children.find((c) => c.name === 'primitive');
  const addresses: string[] = [];
  if (ipRangeStart !== undefined)
    for (let i = 0; i < replicas; i++) {
      const a = nthAddress(ipRangeStart, i);
      if (a !== undefined) addresses.push(a);
    }
  return {
    id: e.attrs.id,
    agent: tech.name,
    image: tech.attrs.image ?? '',
    replicas,
    replicasPerHost,
    promotedMax,
    ...(ipRangeStart !== undefined ? { ipRangeStart } : {}),
    ...(controlPort !== undefined ? { controlPort } : {}),
    ...(childXml ? { child: primitiveFromXml(childXml) } : {}),
    meta: nvsetsOf(e, 'meta_attributes'),
    addresses,
  };
}

/** The elements under the CIB source's `<resources>`, in configuration order. */
function configuredResources(cib: Cib): readonly OpaqueXml[] {
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  return config?.children.find((c) => c.name === 'resources')?.children ?? [];
}

/** The bundles configured in a CIB's source, in configuration order. */
export function bundlesOf(cib: Cib): BundleSpec[] {
  return configuredResources(cib)
    .filter((c) => c.name === 'bundle')
    .flatMap((b) => bundleSpec(b) ?? []);
}

/** Whether a bundle has guest nodes (a child and a network Pacemaker can reach it through). */
function hasGuests(b: BundleSpec): boolean {
  return b.child !== undefined && (b.ipRangeStart !== undefined || b.controlPort !== undefined);
}

/** The id of replica `n`'s container. */
export function containerId(b: BundleSpec, n: number): string {
  return `${b.id}-${b.agent}-${n}`;
}

/** The id of the clone holding the child's instances. */
export function childCloneId(b: BundleSpec): string {
  return `${b.id}-${b.promotedMax > 0 ? 'master' : 'clone'}`;
}

/** The guest nodes (= remote connections) of a bundle. */
export function guestNodes(b: BundleSpec): string[] {
  return hasGuests(b) ? Array.from({ length: b.replicas }, (_, n) => `${b.id}-${n}`) : [];
}

function set(id: string, pairs: Record<string, string>): NvSet {
  return { id, pairs: Object.entries(pairs).map(([name, value]) => ({ id: `${id}-${name}`, name, value })) };
}

function op(owner: string, name: string, interval: string): Primitive['ops'][number] {
  return { id: `${owner}-${name}-${interval}`, name, interval, attrs: {}, meta: [] };
}

function primitive(
  id: string,
  provider: string,
  type: string,
  params: Record<string, string>,
  meta: readonly NvSet[],
  ops: Primitive['ops'],
): Primitive {
  return { kind: 'primitive', id, class: 'ocf', provider, type, params: [set(`${id}-instance_attributes`, params)], meta, ops };
}

interface Expansion {
  resources: Resource[];
  constraints: Constraint[];
}

function expandOne(b: BundleSpec, out: Expansion): void {
  const guests = guestNodes(b);
  const containers: string[] = [];
  for (let n = 0; n < b.replicas; n++) {
    const container = containerId(b, n);
    containers.push(container);
    const address = b.addresses[n];
    if (address !== undefined) {
      const ip = `${b.id}-ip-${address}`;
      out.resources.push(primitive(ip, 'heartbeat', 'IPaddr2', { ip: address }, b.meta, [op(ip, 'monitor', '60s')]));
      out.constraints.push({ kind: 'colocation', id: `${ip}-with-${container}`, rsc: ip, withRsc: container, score: 'INFINITY' });
      out.constraints.push({
        kind: 'order',
        id: `${ip}-before-${container}`,
        first: ip,
        thenRsc: container,
        firstAction: 'start',
        thenAction: 'start',
      });
    }
    // The child's utilization is the container's (Pacemaker moves it there: the child runs on
    // the guest node, which has no capacity of its own).
    const made = primitive(container, 'heartbeat', b.agent, { image: b.image, reuse: 'false' }, b.meta, [op(container, 'monitor', '60s')]);
    const utilization = b.child?.utilization;
    out.resources.push(utilization === undefined ? made : { ...made, utilization });
    const guest = guests[n];
    if (guest !== undefined) {
      // The guest connection lives in the container (containers.ts places and orders it there).
      // Of sets with the same score the later one wins (flattenSets): the bundle's own come last.
      const conn = guestConnection({ node: guest, container, addr: address ?? '#uname', port: b.controlPort ?? '3121' });
      out.resources.push({ ...conn, meta: [...conn.meta, ...b.meta] });
    }
  }
  // replicas-per-host=1: no two replicas' containers on one node (each avoids the earlier ones,
  // so that assigning one never assigns a later one first).
  if (b.replicasPerHost === 1)
    for (const [i, a] of containers.entries())
      for (const c of containers.slice(0, i))
        out.constraints.push({
          kind: 'colocation',
          id: `${a}-avoids-${c}`,
          rsc: a,
          withRsc: c,
          score: '-INFINITY',
          nodeAttribute: SAME_NODE,
        });
  if (b.child === undefined || guests.length === 0) return;
  const clone: Clone = {
    kind: 'clone',
    id: childCloneId(b),
    meta: [
      ...b.meta,
      set(`${childCloneId(b)}-meta`, {
        'clone-max': String(b.replicas),
        'clone-node-max': '1',
        ordered: 'true',
        'globally-unique': b.replicasPerHost > 1 ? 'true' : 'false',
        ...(b.promotedMax > 0 ? { promotable: 'true', 'promoted-max': String(b.promotedMax) } : {}),
      }),
    ],
    child: { ...b.child, utilization: [] },
  };
  out.resources.push(clone);
}

const cache = new WeakMap<Cib, Cib>();

/**
 * The CIB the scheduler works on: the configured one with every bundle's implied resources and
 * their constraints added (the same object when there are no bundles).
 *
 * @example
 * withBundles(cib).resources.map((r) => r.id) // [..., 'web-bundle-docker-0', 'web-bundle-0', 'web-bundle-clone']
 */
export function withBundles(cib: Cib): Cib {
  const known = cache.get(cib);
  if (known) return known;
  const bundles = bundlesOf(cib);
  if (bundles.length === 0) {
    cache.set(cib, cib);
    return cib;
  }
  const out: Expansion = { resources: [], constraints: [] };
  const taken = new Set(cib.resources.map((r) => r.id));
  // Each bundle's implied resources take the bundle's place in the configuration: Pacemaker
  // assigns resources in that order, and what is assigned first counts on its node for the next
  // (placement ties go to the node with fewer resources).
  const implied = new Map<string, Resource[]>();
  for (const b of bundles) {
    const mine: Expansion = { resources: [], constraints: [] };
    expandOne(b, mine);
    implied.set(
      b.id,
      mine.resources.filter((r) => !taken.has(r.id)),
    );
    out.constraints.push(...mine.constraints);
  }
  for (const outcome of bundleConstraintOutcomes(cib, bundles).values())
    if ('constraints' in outcome) out.constraints.push(...outcome.constraints);
  const byId = new Map(cib.resources.map((r) => [r.id, r]));
  const placed = new Set<Resource>();
  const resources: Resource[] = [];
  for (const e of configuredResources(cib)) {
    const id = e.attrs.id;
    if (id === undefined) continue;
    const r = byId.get(id);
    if (e.name === 'bundle') resources.push(...(implied.get(id) ?? []));
    else if (r !== undefined && !placed.has(r)) {
      resources.push(r);
      placed.add(r);
    }
  }
  // Anything not configured under <resources> keeps its place after them.
  resources.push(...cib.resources.filter((r) => !placed.has(r)));
  const expanded: Cib = { ...cib, resources, constraints: [...cib.constraints, ...out.constraints] };
  cache.set(cib, expanded);
  return expanded;
}

/**
 * Where a bundle's guest nodes may run resources (Pacemaker gives them -INFINITY for everything
 * else): the child's instances on that bundle's guest nodes only, nothing else on any guest node.
 * Called on the unpacked resource tree, before any constraint.
 */
export function restrictToGuests(cib: Cib, top: readonly WRsc[], nodes: readonly WNode[]): void {
  const bundles = bundlesOf(cib);
  if (bundles.length === 0) return;
  const all = new Set(bundles.flatMap(guestNodes));
  const childOf = new Map<string, Set<string>>();
  for (const b of bundles) if (b.child !== undefined && hasGuests(b)) childOf.set(childCloneId(b), new Set(guestNodes(b)));
  // Nothing is probed on a guest node but the bundle's own child, which is probed only there.
  const apply = (r: WRsc, own: Set<string> | undefined) => {
    for (const n of nodes) {
      if (own !== undefined) {
        r.allowed.set(n.uname, own.has(n.uname) ? 0 : -INFINITY);
        noteDiscovery(r, n.uname, own.has(n.uname) ? 'exclusive' : 'never');
      } else if (all.has(n.uname)) {
        r.allowed.set(n.uname, -INFINITY);
        noteDiscovery(r, n.uname, 'never');
      }
    }
    for (const c of r.children) apply(c, own);
  };
  for (const r of top) apply(r, childOf.get(r.id));
  const containers = new Set(bundles.flatMap((b) => Array.from({ length: b.replicas }, (_, n) => containerId(b, n))));
  const implied = new Set([...containers, ...bundles.flatMap((b) => [...guestNodes(b), ...b.addresses.map((a) => `${b.id}-ip-${a}`)])]);
  for (const r of top) {
    if (containers.has(r.id)) r.bundleReplica = true;
    if (implied.has(r.id)) r.bundleImplied = true;
  }
  const byId = new Map(top.map((r) => [r.id, r]));
  for (const b of bundles) {
    const all = Array.from({ length: b.replicas }, (_, n) => byId.get(containerId(b, n))).filter((r): r is WRsc => r !== undefined);
    const replicas = { all, perHost: b.replicasPerHost };
    for (const r of all) r.bundleReplicas = replicas;
  }
}

/** Each source constraint naming a bundle, with what it becomes (bundle-constraints.ts). */
export function bundleConstraintOutcomes(cib: Cib, bundles = bundlesOf(cib)): ReturnType<typeof bundleConstraints> {
  const config = cib.source?.children.find((c) => c.name === 'configuration');
  const section = config?.children.find((c) => c.name === 'constraints');
  const primitives = new Set(cib.resources.filter((r) => r.kind === 'primitive').map((r) => r.id));
  return bundleConstraints(section?.children ?? [], bundles, leftAloneIds(config), primitives);
}

/** What is still not modelled about a bundle, said on every run that has one. */
export function bundleWarning(id: string): string {
  return (
    `<bundle id="${id}"> is only partly modelled: its replicas (containers, IPs, guest connections and the child's instances) are placed and started as Pacemaker would, ` +
    `but notifications inside the bundle, a guest node fenced while its container's host is lost, and promotion after a replica's recovery are not, ` +
    `and may differ from Pacemaker's; the controller cannot run remote connections or anything inside a container`
  );
}

/**
 * The guest connections a bundle's child clone needs assigned before it (Pacemaker assigns each
 * replica's container and connection before the child): those of the guest nodes it may run on.
 */
export function connectionsBefore(ws: Pick<WorkingSet, 'nodeByName' | 'byId'>, r: WRsc): WRsc[] {
  if (r.variant !== 'clone') return [];
  const out: WRsc[] = [];
  for (const [node, score] of r.allowed) {
    const id = score >= 0 ? ws.nodeByName.get(node)?.remote?.connection : undefined;
    const conn = id === undefined ? undefined : ws.byId.get(id);
    if (conn?.bundleImplied && conn.provisional) out.push(conn);
  }
  return out;
}

/**
 * Where a resource's node attributes are read (Pacemaker's pe_node_attribute_calculated): with
 * `container-attribute-target=host` on a guest node, on the node its container is active on.
 */
export function attributeNode(ws: Pick<WorkingSet, 'byId'>, r: WRsc, node: WNode): WNode {
  if (r.meta.get('container-attribute-target')?.toLowerCase() !== 'host' || node.remote?.connection === undefined) return node;
  const container = ws.byId.get(node.remote.connection)?.meta.get('container');
  return (container === undefined ? undefined : ws.byId.get(container)?.runningOn[0]) ?? node;
}

/** Whether a replica's container may stay on the one node it is active on. */
function canStay(r: WRsc, nodeByName: ReadonlyMap<string, WNode>): boolean {
  const [node, ...more] = r.runningOn;
  if (node === undefined || more.length > 0 || r.nextRole === 'Stopped') return false;
  const score = r.allowed.get(node.uname) ?? -INFINITY;
  return nodeByName.get(node.uname) === node && nodeAvailable(node, score, true);
}

/**
 * Before a replica's container that cannot stay where it is active (or is not active) is placed,
 * the bundle's other replicas that can stay are placed there first, and the container avoids the
 * nodes that then hold `replicas-per-host` of them: Pacemaker's distribute_children keeps every
 * replica it can before moving or starting any, so a replica on a lost node is the one that stops,
 * not a later one whose node an earlier replica took.
 */
export function keepReplicasFirst(ws: Pick<WorkingSet, 'nodeByName'>, rsc: WRsc, assign: (r: WRsc, node: WNode) => void): void {
  const replicas = rsc.bundleReplicas;
  if (replicas === undefined || canStay(rsc, ws.nodeByName)) return;
  for (const other of replicas.all)
    if (other !== rsc && other.provisional && !other.allocating && canStay(other, ws.nodeByName))
      assign(other, other.runningOn[0] as WNode);
  const count = new Map<WNode, number>();
  for (const other of replicas.all)
    if (other !== rsc && other.assignedTo) count.set(other.assignedTo, (count.get(other.assignedTo) ?? 0) + 1);
  for (const [node, n] of count) if (n >= replicas.perHost) rsc.allowed.set(node.uname, -INFINITY);
}

/**
 * A bundle's guest connection whose container was placed on a Pacemaker Remote node runs where
 * that remote node's connection runs (Pacemaker's "child-remote-with-docker-remote": the remote
 * daemon takes one connection), not with the container, which a connection cannot run on.
 */
export function nestedConnection(ws: Pick<WorkingSet, 'byId'>, rsc: WRsc, assign: (r: WRsc) => void): void {
  const host = rsc.container?.assignedTo;
  const id = host?.remote?.container === undefined ? host?.remote?.connection : undefined;
  const remote = id === undefined ? undefined : ws.byId.get(id);
  if (remote === undefined || remote === rsc) return;
  assign(remote);
  for (const node of rsc.allowed.keys()) rsc.allowed.set(node, node === remote.assignedTo?.uname ? INFINITY : -INFINITY);
}
