/**
 * The differential generator's bundles (issue 22): one or two `<bundle>`s (docker, sometimes
 * podman) added to a CIB `generateCib` has built, from a random stream of its own
 * (`prng(seed * 104729 + 134)`), so a seed's CIB is unchanged when none is added:
 *
 * - `replicas` 1-3, sometimes `replicas-per-host`; a network with `ip-range-start` and
 *   `host-interface` (sometimes `host-netmask`, `control-port`), with `control-port` only, or none
 *   (then no child: Pacemaker could not reach it); port and storage mappings;
 * - a primitive child (promotable with `promoted-max` now and then) where a network allows one;
 * - history as the controller writes it: a replica's container, IP and guest connection active on
 *   one cluster node (never more replicas on a node than `replicas-per-host` allows), the child
 *   started or promoted on the replica's guest node only where its container and connection run;
 *   now and then a failed monitor of the child (on its guest node) or of the container (on its
 *   host), with the fail counts the controller sets;
 * - constraints naming the bundle: a location, a top-level primitive colocated with it, an order
 *   (the bundle always first or always then in one CIB, so no ordering cycle can close).
 *
 * The model does not hold bundles: they are written into the exported XML, read back (the
 * importer keeps them in `source`, the scheduler expands them). The implied resources' history
 * carries the digests the engine computes for their parameters (Pacemaker's, checked against
 * `crm_resource --digests`: README "Bundles"), so an unchanged bundle is not restarted.
 */
import { cibToXmlTree } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { el, serializeXml, type XmlElement } from '../../src/cib/xml-tree.js';
import type { Cib, LrmResource, NodeState, Primitive, Writable } from '../../src/core/cib-model.js';
import { actionParameters } from '../../src/core/graph-xml.js';
import { unpack } from '../../src/core/unpack.js';
import { digestParams, parametersDigest } from '../../src/pcmk/op-digest.js';
import { type Draw, drawsFrom, prng } from './generator.js';
import { injectFailure, lrmOp } from './history-gen.js';

export interface H134Chances {
  /** Chance that a CIB gets one or two bundles (default 0: the generator's profile sets it). */
  bundleChance?: number;
}

function draw(seed: number): Draw {
  return drawsFrom(prng(seed * 104729 + 134));
}

/** One generated bundle: its XML and what its history needs to know. */
interface Generated {
  xml: XmlElement;
  id: string;
  agent: string;
  replicas: number;
  perHost: number;
  addresses: string[];
  guests: boolean;
  child?: Primitive;
  promotedMax: number;
}

function clusterUp(s: NodeState): boolean {
  return s.attrs.remote_node !== 'true' && s.attrs.crmd === 'online' && s.attrs.in_ccm === 'true';
}

/** A bundle's configuration (`k`: its number in this CIB). */
function bundle(k: number, d: Draw): Generated {
  const id = `h134b${k}`;
  const agent = d.chance(0.75) ? 'docker' : 'podman';
  const replicas = d.int(1, 3);
  const net = d.rnd();
  const ip = net < 0.5;
  const control = ip ? d.chance(0.3) : net < 0.8;
  // Pacemaker resets replicas-per-host to 1 for a control port without an IP range (and says so).
  const perHost = d.chance(0.3) && (ip || !control) ? d.int(2, 3) : 1;
  // A child needs a network Pacemaker reaches it through; only a child's replicas have guest nodes.
  const hasChild = (ip || control) && d.chance(0.85);
  const guests = hasChild;
  const promotedMax = hasChild && d.chance(0.35) ? d.int(1, replicas) : 0;
  const addresses: string[] = [];
  const base = d.int(10, 200);
  if (ip) for (let n = 0; n < replicas; n++) addresses.push(`192.168.${100 + k}.${base + n}`);
  const tech: Record<string, string | undefined> = {
    image: `pcmktest:${id}`,
    replicas: String(replicas),
    'replicas-per-host': perHost > 1 ? String(perHost) : undefined,
    'promoted-max': promotedMax > 0 ? String(promotedMax) : undefined,
    options: d.chance(0.3) ? '--log-driver=journald' : undefined,
  };
  const mappings: XmlElement[] = [];
  if (d.chance(0.6))
    mappings.push(
      d.chance(0.7)
        ? el('port-mapping', { id: `${id}-port`, port: '80', 'internal-port': d.chance(0.3) ? '8080' : undefined })
        : el('port-mapping', { id: `${id}-ports`, range: '9000-9010' }),
    );
  const network =
    ip || control || mappings.length > 0
      ? [
          el(
            'network',
            {
              'ip-range-start': ip ? addresses[0] : undefined,
              'host-interface': ip ? 'eth0' : undefined,
              'host-netmask': ip && d.chance(0.5) ? '24' : undefined,
              'control-port': control ? d.pick(['3121', '3122']) : undefined,
            },
            mappings,
          ),
        ]
      : [];
  const storage = d.chance(0.5)
    ? [
        el('storage', {}, [
          d.chance(0.5)
            ? el('storage-mapping', { id: `${id}-root`, 'source-dir-root': '/var/local/containers', 'target-dir': '/srv', options: 'rw' })
            : el('storage-mapping', { id: `${id}-cfg`, 'source-dir': '/etc/h134', 'target-dir': '/etc/h134', options: 'ro' }),
        ]),
      ]
    : [];
  const meta: [string, string][] = [];
  if (d.chance(0.25)) meta.push(['resource-stickiness', d.pick(['0', '100', 'INFINITY'])]);
  if (d.chance(0.08)) meta.push(['target-role', 'Stopped']);
  const childId = `${id}-app`;
  const child: Primitive | undefined = hasChild
    ? {
        kind: 'primitive',
        id: childId,
        class: 'ocf',
        provider: 'pacemaker',
        type: promotedMax > 0 ? 'Stateful' : 'Dummy',
        params: [],
        meta: [],
        ops: [{ id: `${childId}-monitor-10s`, name: 'monitor', interval: '10s', attrs: { timeout: '20s' }, meta: [] }],
      }
    : undefined;
  const childXml = child
    ? [
        el('primitive', { id: child.id, class: child.class, provider: child.provider, type: child.type }, [
          el('operations', {}, [el('op', { id: `${childId}-monitor-10s`, name: 'monitor', interval: '10s', timeout: '20s' })]),
        ]),
      ]
    : [];
  const xml = el('bundle', { id }, [
    el(agent, tech),
    ...network,
    ...storage,
    ...(meta.length > 0
      ? [
          el(
            'meta_attributes',
            { id: `${id}-meta` },
            meta.map(([name, value]) => el('nvpair', { id: `${id}-meta-${name}`, name, value })),
          ),
        ]
      : []),
    ...childXml,
  ]);
  return { xml, id, agent, replicas, perHost, addresses, guests, ...(child ? { child } : {}), promotedMax };
}

/** An implied primitive (container, IP or connection) as history needs it. */
function implied(id: string, provider: string, type: string): Primitive {
  return { kind: 'primitive', id, class: 'ocf', provider, type, params: [], meta: [], ops: [] };
}

/** An `lrm_resource` with a successful start (or promote) and a recurring monitor. */
function active(p: Primitive, callId: number, now: number, monitorMs: number, promoted = false): Writable<LrmResource> {
  const last = lrmOp(p.id, {
    id: `${p.id}_last_0`,
    task: promoted ? 'promote' : 'start',
    intervalMs: 0,
    callId,
    rc: 0,
    expected: 0,
    lastRcChange: now - 900,
  });
  const mon = lrmOp(p.id, {
    id: `${p.id}_monitor_${monitorMs}`,
    task: 'monitor',
    intervalMs: monitorMs,
    callId: callId + 1,
    rc: promoted ? 8 : 0,
    expected: promoted ? 8 : 0,
    lastRcChange: now - 800,
  });
  return { id: p.id, class: p.class, provider: p.provider, type: p.type, ops: [last, mon] };
}

/** Adds `pairs` to a node's transient attributes. */
function addTransient(state: Writable<NodeState>, pairs: readonly [string, string][]): void {
  if (pairs.length === 0) return;
  let set = state.transient[0];
  if (!set) {
    set = { id: `status-${state.id}`, pairs: [] };
    state.transient.push(set);
  }
  for (const [name, value] of pairs) set.pairs.push({ id: `status-${state.id}-${name}`, name, value });
}

/**
 * Replicas' history: containers, IPs and connections on cluster nodes that are up, the child on
 * its replica's guest node; some failed monitors.
 */
function history(b: Generated, d: Draw, status: Writable<NodeState>[], now: number, nextCall: () => number): void {
  const hosts = status.filter(clusterUp);
  const load = new Map<string, number>();
  let promoted = 0;
  for (let n = 0; n < b.replicas; n++) {
    const room = hosts.filter((h) => (load.get(h.uname) ?? 0) < b.perHost);
    if (room.length === 0 || !d.chance(0.65)) continue;
    const host = d.pick(room);
    load.set(host.uname, (load.get(host.uname) ?? 0) + 1);
    const container = implied(`${b.id}-${b.agent}-${n}`, 'heartbeat', b.agent);
    host.lrm.push(active(container, nextCall(), now, 60000));
    const address = b.addresses[n];
    if (address !== undefined) host.lrm.push(active(implied(`${b.id}-ip-${address}`, 'heartbeat', 'IPaddr2'), nextCall(), now, 60000));
    if (!b.guests) continue;
    const guest = `${b.id}-${n}`;
    host.lrm.push(active(implied(guest, 'pacemaker', 'remote'), nextCall(), now, 30000));
    const state: Writable<NodeState> = {
      id: guest,
      uname: guest,
      attrs: { id: guest, uname: guest, remote_node: 'true', in_ccm: 'true' },
      transient: [],
      lrm: [],
    };
    status.push(state);
    const child = b.child;
    if (child && d.chance(0.8)) {
      const promote = promoted < b.promotedMax && d.chance(0.5);
      if (promote) promoted++;
      state.lrm.push(active(child, nextCall(), now, promote ? 11000 : 10000, promote));
      if (b.promotedMax > 0 && !promote && d.chance(0.5)) addTransient(state, [[`master-${child.id}`, d.pick(['5', '10'])]]);
    }
    if (d.chance(0.25)) {
      const failure = { callId: nextCall(), rc: d.pick([1, 7]), opStatus: 0, when: now - 300, startFatal: true };
      // A failed monitor of the child (where it runs) or of the container.
      if (child && state.lrm.some((l) => l.id === child.id) && d.chance(0.6))
        addTransient(state, injectFailure(state, child, 'monitor', failure));
      else addTransient(host, injectFailure(host, { ...container, ops: [] }, 'monitor', failure));
    }
  }
}

/** Constraints naming the bundles, as XML. */
function constraints(cib: Cib, bundles: readonly Generated[], d: Draw): XmlElement[] {
  const prims = cib.resources.filter(
    (r) =>
      r.kind === 'primitive' &&
      r.class !== 'stonith' &&
      r.type !== 'remote' &&
      !r.meta.some((m) => m.pairs.some((x) => x.name === 'remote-node')),
  );
  const bundleFirst = d.chance(0.5);
  const out: XmlElement[] = [];
  let k = 0;
  for (const b of bundles) {
    for (let i = d.int(0, 3); i > 0; i--) {
      const id = `h134-c${k++}`;
      const what = d.rnd();
      if (what < 0.35 && cib.nodes.length > 0) {
        out.push(
          el('rsc_location', { id, rsc: b.id, node: d.pick(cib.nodes).uname, score: d.pick(['INFINITY', '-INFINITY', '100', '-100']) }),
        );
      } else if (what < 0.7 && prims.length > 0) {
        // A finite positive colocation with a bundle of several replicas is not modelled (README
        // "Bundles", warned): only with a single replica.
        const scores = b.replicas === 1 ? ['INFINITY', '500', '-INFINITY'] : ['INFINITY', '-500', '-INFINITY'];
        out.push(el('rsc_colocation', { id, rsc: d.pick(prims).id, 'with-rsc': b.id, score: d.pick(scores) }));
      } else if (prims.length > 0) {
        const other = d.pick(prims).id;
        const [first, then] = bundleFirst ? [b.id, other] : [other, b.id];
        out.push(el('rsc_order', { id, first, then, kind: d.chance(0.25) ? 'Optional' : undefined }));
      }
    }
  }
  return out;
}

/**
 * The digests the implied resources' history entries need (their parameters are Pacemaker's
 * making): computed as the engine compares them (`compareDigests`).
 */
function withImpliedDigests(cib: Cib, now: number): Cib {
  const ws = unpack(cib, now);
  const status = cib.status.map((s) => ({
    ...s,
    lrm: s.lrm.map((l) => {
      const p = ws.byId.get(l.id);
      if (!p?.bundleImplied) return l;
      return {
        ...l,
        ops: l.ops.map((o) => {
          const task = o.intervalMs === 0 && ['monitor', 'promote'].includes(o.operation) ? 'start' : o.operation;
          const params = digestParams(actionParameters(ws, p, task, o.intervalMs, s.uname));
          const all = params.addr === '#uname' ? { ...params, addr: s.uname } : params;
          return { ...o, attrs: { ...o.attrs, 'op-digest': parametersDigest(all) } };
        }),
      };
    }),
  }));
  return { ...cib, status };
}

/**
 * Adds one or two bundles with history and constraints naming them, at `opts.bundleChance`.
 *
 * @example
 * const cib = addH134Features(generated, seed, now, { bundleChance: 0.15 });
 */
export function addH134Features(cib: Cib, seed: number, now: number, opts: H134Chances): Cib {
  const d = draw(seed);
  if (!d.chance(opts.bundleChance ?? 0)) return cib;
  const bundles = Array.from({ length: d.chance(0.3) ? 2 : 1 }, (_, k) => bundle(k, d));
  // A copy of the history to grow (the input CIB is left as it is).
  const status = structuredClone(cib.status) as Writable<NodeState>[];
  let callId = 900;
  const nextCall = () => {
    callId += 2;
    return callId;
  };
  for (const b of bundles) history(b, d, status, now, nextCall);
  const xmlConstraints = constraints(cib, bundles, d);
  const tree = cibToXmlTree({ ...cib, status });
  const configuration = tree.children.find((c) => c.name === 'configuration');
  const resources = configuration?.children.find((c) => c.name === 'resources');
  if (!configuration || !resources) return cib;
  for (const b of bundles) resources.children.splice(d.int(0, resources.children.length), 0, b.xml);
  let section = configuration.children.find((c) => c.name === 'constraints');
  if (!section) {
    section = el('constraints', {});
    configuration.children.push(section);
  }
  section.children.push(...xmlConstraints);
  return withImpliedDigests(importCib(serializeXml(tree)), now);
}
