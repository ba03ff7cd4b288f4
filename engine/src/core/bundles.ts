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
  /** What the container resources' parameters are made of (`containerParams`). */
  readonly launch: ContainerLaunch;
}

/** A bundle's settings that go into its containers' and IPs' parameters, as Pacemaker reads them. */
interface ContainerLaunch {
  /** The container technology's `run-command`, `options` and `network` attributes. */
  readonly runCommand?: string;
  readonly options?: string;
  readonly network?: string;
  /** `<network>`'s `host-interface` and `host-netmask` (the IPs' `nic`, `cidr_netmask`). */
  readonly hostInterface?: string;
  readonly hostNetmask?: string;
  /** `<network add-host>`: every replica's address as an `--add-host` (true unless it says false). */
  readonly addHost: boolean;
  readonly ports: readonly { readonly source: string; readonly target: string }[];
  readonly mounts: readonly { readonly source: string; readonly target: string; readonly options?: string; readonly perReplica: boolean }[];
}

/**
 * Paths Pacemaker builds into a bundle's container parameters; Debian's pacemaker 2.1.5 build
 * (the crm_simulate the engine is compared with) uses these defaults: `SBIN_DIR`, `CRM_BUNDLE_DIR`,
 * `DEFAULT_REMOTE_KEY_LOCATION`, `DEFAULT_REMOTE_PORT`.
 */
const REMOTED = '/usr/sbin/pacemaker-remoted';
const BUNDLE_LOG_DIR = '/var/log/pacemaker/bundles';
const REMOTE_KEY = '/etc/pacemaker/authkey';
const REMOTE_PORT = '3121';

const AGENTS = ['docker', 'podman', 'rkt'];

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/**
 * The address after `last` as Pacemaker's next_ip counts (IPv4 only): the last octet runs to 254,
 * then the third goes up and the last starts at 1; none after x.x.254.254 (nor for IPv6).
 */
function nextAddress(last: string): string | undefined {
  const parts = last.split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0)) return undefined;
  const [a, b, c, d] = parts as [number, number, number, number];
  if (c > 253) return undefined;
  return d > 253 ? `${a}.${b}.${c + 1}.1` : `${a}.${b}.${c}.${d + 1}`;
}

/** `crm_str_to_boolean`: a word Pacemaker reads as a boolean, or undefined. */
function boolWord(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  if (v === undefined) return undefined;
  if (['true', 'on', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'off', 'no', 'n', '0'].includes(v)) return false;
  return undefined;
}

/** What goes into the containers' parameters, read as `pe__unpack_bundle` does. */
function launchOf(tech: OpaqueXml, network: OpaqueXml | undefined, storage: OpaqueXml | undefined, managed: boolean): ContainerLaunch {
  const ports: { source: string; target: string }[] = [];
  for (const c of network?.children ?? []) {
    const port = c.attrs.port;
    const source = port ?? c.attrs.range;
    if (source) ports.push({ source, target: (port !== undefined ? c.attrs['internal-port'] : undefined) ?? source });
  }
  const mounts: { source: string; target: string; options?: string; perReplica: boolean }[] = [];
  for (const c of storage?.children ?? []) {
    const dir = c.attrs['source-dir'];
    const source = dir ?? c.attrs['source-dir-root'];
    const target = c.attrs['target-dir'];
    if (source === undefined || target === undefined) continue;
    mounts.push({ source, target, options: c.attrs.options, perReplica: dir === undefined });
  }
  // A replica Pacemaker reaches gets its key and, unless mapped already, a log directory of its own.
  if (managed) {
    const logMapped = mounts.some((m) => m.target === '/var/log');
    mounts.push({ source: REMOTE_KEY, target: REMOTE_KEY, perReplica: false });
    if (!logMapped) mounts.push({ source: BUNDLE_LOG_DIR, target: '/var/log', perReplica: true });
    const control = network?.attrs['control-port'] ?? REMOTE_PORT;
    ports.push({ source: control, target: control });
  }
  return {
    runCommand: tech.attrs['run-command'],
    options: tech.attrs.options,
    network: tech.attrs.network,
    hostInterface: network?.attrs['host-interface'],
    hostNetmask: network?.attrs['host-netmask'],
    addHost: boolWord(network?.attrs['add-host']) ?? true,
    ports,
    mounts,
  };
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
    for (let i = 0, a: string | undefined = ipRangeStart; i < replicas && a !== undefined; i++, a = nextAddress(a)) addresses.push(a);
  const managed = childXml !== undefined && (ipRangeStart !== undefined || controlPort !== undefined);
  const storage = e.children.find((c) => c.name === 'storage');
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
    launch: launchOf(tech, network, storage, managed),
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

/** The id of the IP resource of a replica with `address` (`create_ip_resource`). */
export function ipId(b: BundleSpec, address: string): string {
  return `${b.id}-ip-${address}`;
}

/** The id of the clone holding the child's instances. */
export function childCloneId(b: BundleSpec): string {
  return `${b.id}-${b.promotedMax > 0 ? 'master' : 'clone'}`;
}

/** The guest nodes (= remote connections) of a bundle. */
export function guestNodes(b: BundleSpec): string[] {
  return hasGuests(b) ? Array.from({ length: b.replicas }, (_, n) => `${b.id}-${n}`) : [];
}

/**
 * Replica `n`'s container parameters, as Pacemaker 2.1.5 writes them (`create_container_resource`,
 * with `allocate_ip`'s host entries): the same strings, so that the digests in a container's
 * history compare with them and a changed bundle (another image, more replicas, a new mount)
 * restarts its containers as Pacemaker does.
 */
function containerParams(b: BundleSpec, n: number): Record<string, string> {
  const l = b.launch;
  const rkt = b.agent === 'rkt';
  const [hostname, env] = rkt ? ['--hostname=', '--environment='] : ['-h ', '-e '];
  const name = `${b.id}-${n}`;
  const address = b.addresses[n];
  let opts = b.agent === 'docker' ? ' --restart=no' : '';
  if (b.ipRangeStart !== undefined) opts += ` ${hostname}${name}`;
  opts += ` ${env}PCMK_stderr=1`;
  if (l.network !== undefined) opts += ` --net=${l.network}`;
  opts += ` ${env}PCMK_remote_port=${b.controlPort ?? REMOTE_PORT}`;
  const perReplica: string[] = [];
  for (const [volume, m] of l.mounts.entries()) {
    const source = m.perReplica ? `${m.source}/${name}` : m.source;
    if (m.perReplica) perReplica.push(source);
    if (rkt)
      opts += ` --volume vol${volume},kind=host,source=${source}${m.options !== undefined ? `,${m.options}` : ''} --mount volume=vol${volume},target=${m.target}`;
    else opts += ` -v ${source}:${m.target}${m.options !== undefined ? `:${m.options}` : ''}`;
  }
  for (const p of l.ports) {
    if (rkt) opts += address !== undefined ? ` --port=${p.target}:${address}:${p.source}` : ` --port=${p.target}:${p.source}`;
    else if (address !== undefined) opts += ` -p ${address}:${p.source}:${p.target}`;
    else if (l.network !== 'host') opts += ` -p ${p.source}:${p.target}`;
  }
  if (l.options !== undefined) opts += ` ${l.options}`;
  // Every replica's name and address (all replicas' in each container); a space even when empty.
  const hosts = b.addresses.map((a, i) => (l.addHost && !rkt ? ` --add-host=${b.id}-${i}:${a}` : ` --hosts-entry=${a}=${b.id}-${i}`));
  opts += ` ${hosts.join('')}`;
  const params: Record<string, string> = {
    image: b.image,
    allow_pull: 'true',
    force_kill: 'false',
    reuse: 'false',
    run_opts: opts,
    mount_points: perReplica.join(','),
  };
  const runCommand = hasGuests(b) ? (l.runCommand ?? REMOTED) : l.runCommand;
  if (runCommand !== undefined) params.run_cmd = runCommand;
  params.monitor_cmd = '/bin/true';
  return params;
}

/** Replica `n`'s IP parameters (`create_ip_resource`). */
function ipParams(b: BundleSpec, address: string): Record<string, string> {
  const params: Record<string, string> = { ip: address };
  if (b.launch.hostInterface !== undefined) params.nic = b.launch.hostInterface;
  params.cidr_netmask = b.launch.hostNetmask ?? '32';
  return params;
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
      const ip = ipId(b, address);
      out.resources.push(primitive(ip, 'heartbeat', 'IPaddr2', ipParams(b, address), b.meta, [op(ip, 'monitor', '60s')]));
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
    const made = primitive(container, 'heartbeat', b.agent, containerParams(b, n), b.meta, [op(container, 'monitor', '60s')]);
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

/** What a bundle stands for where a constraint names it by pattern (`rsc-pattern`, rsc-pattern.ts). */
export interface BundlePatternParts {
  readonly id: string;
  /** Every resource the bundle implies (containers, IPs, guest connections, the child's clone). */
  readonly implied: ReadonlySet<string>;
  /** What a location applies to: every replica's container and IP (pcmk__bundle_rsc_location). */
  readonly targets: readonly string[];
  /** The child's clone (a location with a role but Started applies to it too). */
  readonly clone?: string;
}

/**
 * Each bundle of the CIB with the resources it implies and those a location on it applies to.
 *
 * @example
 * bundlePatternParts(cib)[0].targets // ['web-docker-0', 'web-ip-192.168.122.10']
 */
export function bundlePatternParts(cib: Cib): BundlePatternParts[] {
  return bundlesOf(cib).map((b) => {
    const containers = Array.from({ length: b.replicas }, (_, n) => containerId(b, n));
    const ips = b.addresses.map((a) => ipId(b, a));
    const clone = b.child !== undefined ? childCloneId(b) : undefined;
    const implied = new Set([...containers, ...ips, ...guestNodes(b), ...(clone !== undefined ? [clone] : [])]);
    return { id: b.id, implied, targets: [...containers, ...ips], ...(clone !== undefined ? { clone } : {}) };
  });
}

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
  const implied = new Set([...containers, ...bundles.flatMap((b) => [...guestNodes(b), ...b.addresses.map((a) => ipId(b, a))])]);
  const guestsOf = new Map(bundles.filter((b) => b.child !== undefined && hasGuests(b)).map((b) => [childCloneId(b), guestNodes(b)]));
  for (const r of top) {
    const guests = guestsOf.get(r.id);
    if (guests) r.bundleGuests = guests;
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
  // A replica that stays avoids the earlier replicas (replicas-per-host=1), which would assign
  // them, primaries first: one that cannot stay would take its node. Those wait (as assigning
  // ones do) until the ones that stay are placed.
  const waiting = replicas.all.filter((o) => o !== rsc && o.provisional && !o.allocating && !canStay(o, ws.nodeByName));
  for (const o of waiting) o.allocating = true;
  for (const other of replicas.all)
    if (other !== rsc && other.provisional && !other.allocating && canStay(other, ws.nodeByName))
      assign(other, other.runningOn[0] as WNode);
  for (const o of waiting) o.allocating = false;
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
