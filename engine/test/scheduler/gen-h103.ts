/**
 * The differential generator's clone notifications, Pacemaker Remote nodes and guest nodes (issue
 * 22): added to a CIB `generateCib` has built, each feature from a random stream of its own
 * (`prng(seed * 155921 + 103 + k)`), so a seed's CIB is unchanged when none of them fires.
 */

import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type {
  Cib,
  Constraint,
  LrmResource,
  NodeState as ModelNodeState,
  NvSet,
  Primitive,
  Resource,
  Writable,
} from '../../src/core/cib-model.js';
import { parametersDigest } from '../../src/pcmk/op-digest.js';
import { type Draw, drawsFrom } from './generator.js';
import { injectFailure, lrmOp } from './history-gen.js';

/** A node state being built here: its history and transient attributes grow. */
type NodeState = Writable<ModelNodeState>;

/** A seeded PRNG is passed in, so that this module does not depend on the generator (which calls it). */
type Prng = (seed: number) => () => number;

export interface H103Chances {
  /** Chance that the clones of a CIB get `notify=true` (and a group is cloned) (default 0). */
  notifyChance?: number;
  /** Chance that a group is made a clone (a cloned group; default 0). */
  clonedGroupChance?: number;
  /** Chance of Pacemaker Remote nodes with their `ocf:pacemaker:remote` connections (default 0). */
  remoteChance?: number;
  /** Chance of a guest node: a primitive with `remote-node` and resources on the guest (default 0). */
  guestChance?: number;
}

function draw(prng: Prng, seed: number, k: number): Draw {
  return drawsFrom(prng(seed * 155921 + 103 + k));
}

function withMeta(sets: readonly NvSet[], owner: string, name: string, value: string): NvSet[] {
  const pair = { id: `${owner}-meta-${name}`, name, value };
  const [first, ...rest] = sets;
  if (!first) return [{ id: `${owner}-meta`, pairs: [pair] }];
  return [{ ...first, pairs: [...first.pairs.filter((x) => x.name !== name), pair] }, ...rest];
}

/** Renames the references to a resource in constraints (a group that becomes a clone of it). */
function renameRefs(constraints: readonly Constraint[], from: string, to: string): Constraint[] {
  const r = (id: string) => (id === from ? to : id);
  return constraints.map((c) =>
    c.kind === 'location'
      ? { ...c, rsc: r(c.rsc) }
      : c.kind === 'colocation'
        ? { ...c, rsc: r(c.rsc), withRsc: r(c.withRsc) }
        : { ...c, first: r(c.first), thenRsc: r(c.thenRsc) },
  );
}

/** Clone notifications: `notify=true` on some clones (promotable, globally-unique and cloned groups too). */
function addNotifications(cib: Cib, d: Draw): Cib {
  let resources = [...cib.resources];
  const clones = resources.filter((r) => r.kind === 'clone');
  if (clones.length === 0) return cib;
  const chosen = new Set<Resource>(clones.filter(() => d.chance(0.7)));
  if (chosen.size === 0) chosen.add(d.pick(clones));
  resources = resources.map((r) => (chosen.has(r) ? { ...r, meta: withMeta(r.meta, r.id, 'notify', 'true') } : r));
  return { ...cib, resources };
}

/** A group made an anonymous clone (a cloned group); its history stays as it was (the members keep their ids). */
function cloneGroup(cib: Cib, d: Draw): Cib {
  const groups = cib.resources.filter((r) => r.kind === 'group');
  if (groups.length === 0) return cib;
  const g = d.pick(groups);
  const id = `${g.id}-clone`;
  const resources = cib.resources.map((r): Resource => (r === g ? { kind: 'clone', id, meta: [], child: g } : r));
  return { ...cib, resources, constraints: renameRefs(cib.constraints, g.id, id) };
}

/** An `lrm_resource` with one successful start (or promote) of a primitive. */
function started(p: Primitive, callId: number, now: number, params: Record<string, string> = {}): Writable<LrmResource> {
  const op = lrmOp(p.id, { id: `${p.id}_last_0`, task: 'start', intervalMs: 0, callId, rc: 0, expected: 0, lastRcChange: now - 1000 });
  return {
    id: p.id,
    class: p.class,
    provider: p.provider,
    type: p.type,
    ops: [{ ...op, attrs: { ...op.attrs, 'op-digest': parametersDigest(params) } }],
  };
}

function remoteState(id: string, site: string | undefined): NodeState {
  return {
    id,
    uname: id,
    attrs: { id, uname: id, remote_node: 'true', in_ccm: 'true', crmd: 'online' },
    transient: site ? [{ id: `status-${id}`, pairs: [{ id: `status-${id}-site`, name: 'site', value: site }] }] : [],
    lrm: [],
  };
}

function clusterUp(s: ModelNodeState): boolean {
  return s.attrs.remote_node !== 'true' && s.attrs.crmd === 'online' && s.attrs.in_ccm === 'true';
}

/**
 * Moves some resources' history onto a remote or guest node (a primitive, a group's members, an
 * anonymous clone's instance), and adds location constraints for it: the resources placed there.
 */
function placeOn(
  cib: Cib,
  remote: { uname: string; state?: NodeState },
  d: Draw,
  status: NodeState[],
  constraints: Constraint[],
  now: number,
): void {
  const tag = remote.uname;
  const state = remote.state;
  const movable = (r: Resource): Primitive[] =>
    r.kind === 'primitive'
      ? r.class === 'stonith' || r.type === 'remote' || r.meta.some((m) => m.pairs.some((x) => x.name === 'remote-node'))
        ? []
        : [r]
      : r.kind === 'group'
        ? [...r.children]
        : r.kind === 'clone' &&
            r.child.kind === 'primitive' &&
            !r.meta.some((m) => m.pairs.some((x) => x.name === 'globally-unique' && x.value === 'true'))
          ? [r.child]
          : [];
  let n = 0;
  for (const r of cib.resources) {
    const members = movable(r);
    if (members.length === 0) continue;
    if (state && d.chance(0.3)) {
      const clone = r.kind === 'clone';
      for (const m of members) {
        // A primitive or group leaves the cluster nodes; a clone instance is added.
        if (!clone) for (const s of status) s.lrm = s.lrm.filter((l) => l.id !== m.id);
        state.lrm.push(started(m, 900 + state.lrm.length, now));
      }
    }
    if (d.chance(0.25)) {
      const score = d.pick(['100', '500', 'INFINITY', '-INFINITY', '50']);
      constraints.push({ kind: 'location', id: `${tag}-loc${n++}`, rsc: r.id, node: remote.uname, score, rules: [] });
    }
  }
}

/**
 * Pacemaker Remote nodes: one or two `ocf:pacemaker:remote` connections (`server`, sometimes
 * `reconnect_interval`), the node in `<nodes>` (type remote) or only implied by the connection,
 * the connection running on a cluster node or not, failed now and then, a location constraint
 * that moves it; resources running on the remote node and constraints placing them there.
 */
function addRemotes(cib: Cib, d: Draw, now: number): Cib {
  const status = structuredClone(cib.status) as NodeState[];
  const up = status.filter(clusterUp);
  const resources = [...cib.resources];
  const constraints = [...cib.constraints];
  const nodes = [...cib.nodes];
  const clusterNodes = cib.nodes.map((n) => n.uname);
  const count = d.int(1, 2);
  let call = 800;
  for (let k = 1; k <= count; k++) {
    const id = `remote${k}`;
    const params: Record<string, string> = { server: `10.0.1.${k}` };
    if (d.chance(0.2)) params.reconnect_interval = '60s';
    const monitor = d.chance(0.7);
    const conn: Primitive = {
      kind: 'primitive',
      id,
      class: 'ocf',
      provider: 'pacemaker',
      type: 'remote',
      params: [{ id: `${id}-params`, pairs: Object.entries(params).map(([name, value]) => ({ id: `${id}-params-${name}`, name, value })) }],
      meta: [],
      ops: monitor ? [{ id: `${id}-monitor-30s`, name: 'monitor', interval: '30s', attrs: { timeout: '30s' }, meta: [] }] : [],
    };
    // Connections go first now and then: the remote node's resources are assigned after them either way.
    if (d.chance(0.5)) resources.unshift(conn);
    else resources.push(conn);
    const site = d.chance(0.7) ? d.pick(['a', 'b']) : undefined;
    if (d.chance(0.6))
      nodes.push({
        id,
        uname: id,
        type: 'remote',
        attributes: site ? [{ id: `nodes-${id}`, pairs: [{ id: `nodes-${id}-site`, name: 'site', value: site }] }] : [],
        utilization: [],
      });
    const host = up.length > 0 && d.chance(0.75) ? d.pick(up) : undefined;
    if (host) {
      const lr = started(conn, call++, now, params);
      if (monitor) {
        const failed = d.chance(0.2);
        const rc = failed ? d.pick([1, 7]) : 0;
        const mon = lrmOp(id, {
          id: `${id}_monitor_30000`,
          task: 'monitor',
          intervalMs: 30000,
          callId: call++,
          rc,
          expected: 0,
          lastRcChange: now - 100,
        });
        const digest = parametersDigest({ ...params, CRM_meta_timeout: '30000' });
        lr.ops.push({ ...mon, attrs: { ...mon.attrs, 'op-digest': digest } });
        if (failed) {
          lr.ops.push({ ...mon, id: `${id}_last_failure_0`, attrs: { ...mon.attrs, id: `${id}_last_failure_0`, 'op-digest': digest } });
          let set = host.transient[0];
          if (!set) {
            set = { id: `status-${host.id}`, pairs: [] };
            host.transient.push(set);
          }
          set.pairs.push(
            { id: `status-${host.id}-fail-count-${id}`, name: `fail-count-${id}#monitor_30000`, value: '1' },
            { id: `status-${host.id}-last-failure-${id}`, name: `last-failure-${id}#monitor_30000`, value: String(now - 100) },
          );
        }
      }
      host.lrm.push(lr);
    }
    // A running connection has the node's state (the controller erases it when the connection stops).
    const state = host ? remoteState(id, site) : undefined;
    placeOn(cib, { uname: id, state }, d, status, constraints, now);
    if (state) status.push(state);
    // The connection moves, or is kept off a node.
    if (d.chance(0.3))
      constraints.push({
        kind: 'location',
        id: `${id}-conn-loc`,
        rsc: id,
        node: d.pick(clusterNodes),
        score: d.pick(['100', 'INFINITY', '-INFINITY']),
        rules: [],
      });
  }
  return { ...cib, resources, constraints, nodes, status };
}

/**
 * Guest nodes: one or two containers (`vmN`, a primitive with `remote-node=guestN`, sometimes
 * `remote-addr`), running on a cluster node with their guest's connection there or stopped,
 * their monitor failed now and then (the guest is then reset), a location constraint that moves
 * them; resources running on the guest and constraints placing them there.
 */
function addGuests(cib: Cib, d: Draw, now: number): Cib {
  const status = structuredClone(cib.status) as NodeState[];
  const up = status.filter(clusterUp);
  const resources = [...cib.resources];
  const constraints = [...cib.constraints];
  const clusterNodes = cib.nodes.filter((n) => n.type !== 'remote').map((n) => n.uname);
  const count = d.int(1, 2);
  let call = 850;
  for (let k = 1; k <= count; k++) {
    const id = `vm${k}`;
    const guest = `guest${k}`;
    const metaPairs: [string, string][] = [['remote-node', guest]];
    const addr = d.chance(0.3) ? `10.0.2.${k}` : undefined;
    if (addr) metaPairs.push(['remote-addr', addr]);
    const vm: Primitive = {
      kind: 'primitive',
      id,
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      params: [],
      meta: [{ id: `${id}-meta`, pairs: metaPairs.map(([name, value]) => ({ id: `${id}-meta-${name}`, name, value })) }],
      ops: d.chance(0.7) ? [{ id: `${id}-monitor-10s`, name: 'monitor', interval: '10s', attrs: { timeout: '20s' }, meta: [] }] : [],
    };
    if (d.chance(0.5)) resources.unshift(vm);
    else resources.push(vm);
    const host = up.length > 0 && d.chance(0.75) ? d.pick(up) : undefined;
    let connected = false;
    if (host) {
      host.lrm.push(started(vm, call++, now));
      // The guest's connection runs with its container (Pacemaker's implied ocf:pacemaker:remote).
      const conn: Primitive = {
        kind: 'primitive',
        id: guest,
        class: 'ocf',
        provider: 'pacemaker',
        type: 'remote',
        params: [],
        meta: [],
        ops: [],
      };
      connected = d.chance(0.9);
      if (connected) host.lrm.push(started(conn, call++, now, addr ? { addr } : {}));
      if (vm.ops.length > 0 && d.chance(0.2)) {
        const attrs = injectFailure(host, vm, 'monitor', {
          callId: call++,
          rc: d.pick([1, 7]),
          opStatus: 0,
          when: now - 100,
          startFatal: true,
        });
        let set = host.transient[0];
        if (!set) {
          set = { id: `status-${host.id}`, pairs: [] };
          host.transient.push(set);
        }
        for (const [name, value] of attrs) set.pairs.push({ id: `status-${host.id}-${name}`, name, value });
      }
    }
    const state = connected ? remoteState(guest, undefined) : undefined;
    placeOn(cib, { uname: guest, state }, d, status, constraints, now);
    if (state) status.push(state);
    if (d.chance(0.3))
      constraints.push({
        kind: 'location',
        id: `${id}-loc`,
        rsc: id,
        node: d.pick(clusterNodes),
        score: d.pick(['100', 'INFINITY', '-INFINITY']),
        rules: [],
      });
  }
  return { ...cib, resources, constraints, status };
}

/**
 * Runs the features whose chance fires, each from its own stream.
 *
 * @example
 * const cib = addH103Features(generateCib(7, { now }), 7, prng, now, { notifyChance: 0.15 });
 */
export function addH103Features(cib: Cib, seed: number, prng: Prng, now: number, chances: H103Chances): Cib {
  let out = cib;
  const g = draw(prng, seed, 3);
  if (g.chance(chances.clonedGroupChance ?? 0)) out = cloneGroup(out, g);
  const n = draw(prng, seed, 0);
  if (n.chance(chances.notifyChance ?? 0)) out = addNotifications(out, n);
  const r = draw(prng, seed, 1);
  if (r.chance(chances.remoteChance ?? 0)) out = addRemotes(out, r, now);
  const v = draw(prng, seed, 2);
  if (v.chance(chances.guestChance ?? 0)) out = addGuests(out, v, now);
  return out;
}

/**
 * crm_simulate "fences" a guest node by a pseudo action and does not erase the guest's history,
 * as the controller does once the guest is reset: its output CIB still shows what ran there
 * before (Pacemaker's own next run would find it active on the guest and elsewhere). So, for each
 * guest whose container was stopped during the transition (a stop or start of the container that is
 * not in the input's history: only the last one-shot operation is kept, and the guest's container
 * ran before, since only then does the generator give the guest a history), the guest's history entries the transition did not touch are dropped from
 * crm_simulate's output before it is read.
 *
 * @example
 * placementOf(forgetResetGuests(cib, outCibXml), now)
 */
export function forgetResetGuests(input: Cib, outputXml: string): string {
  const guests = new Map<string, string>();
  for (const r of input.resources)
    for (const p of r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : []) {
      const name = p.meta.flatMap((m) => m.pairs).find((x) => x.name === 'remote-node')?.value;
      if (name) guests.set(name, p.id);
    }
  if (guests.size === 0) return outputXml;
  const output = importCib(outputXml);
  const known = new Set(input.status.flatMap((s) => s.lrm.flatMap((l) => l.ops.map((o) => `${s.uname} ${l.id} ${o.id} ${o.callId}`))));
  const isNew = (node: string, rsc: string, o: { id: string; callId: number }) => !known.has(`${node} ${rsc} ${o.id} ${o.callId}`);
  const reset = new Set(
    [...guests]
      .filter(([, container]) =>
        output.status.some((s) =>
          s.lrm.some(
            (l) => l.id === container && l.ops.some((o) => (o.operation === 'stop' || o.operation === 'start') && isNew(s.uname, l.id, o)),
          ),
        ),
      )
      .map(([guest]) => guest),
  );
  if (reset.size === 0) return outputXml;
  return exportCib({
    ...output,
    status: output.status.map((s) =>
      reset.has(s.uname) ? { ...s, lrm: s.lrm.filter((l) => l.ops.some((o) => isNew(s.uname, l.id, o))) } : s,
    ),
  });
}
