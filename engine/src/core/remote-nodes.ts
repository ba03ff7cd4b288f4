import type { Cib, NodeState, Primitive, Resource } from './cib-model.js';
import { guestContainer, orderGuestAction } from './containers.js';
import type { GraphBuilder } from './graph.js';
import { opKey } from './graph.js';
import { flattenSets, isTrue, parseDurationMs } from './nvsets.js';
import { orphanConnections } from './orphan-connections.js';
import { INFINITY } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * Pacemaker Remote nodes (Pacemaker 2.1's unpack_remote_nodes, determine_remote_online_status,
 * remote_connection_assigned, apply_remote_ordering): a top-level `ocf:pacemaker:remote`
 * primitive is the connection to a remote node named after it. The node is online while its
 * connection runs (and will be once the connection is assigned somewhere), its resource history
 * counts only then (or, with fencing, to decide that it must be fenced), connections and fence
 * devices never run on remote nodes, and every action on a remote node waits for its connection.
 * A guest node (guest-nodes.ts, containers.ts) is a remote node whose connection has a container:
 * it is not fenced at start-up, and it is up only while its container runs too.
 */

/** Whether a configured resource is a Pacemaker Remote connection (`ocf:pacemaker:remote`). */
export function isRemoteConnection(r: Resource): boolean {
  return r.kind === 'primitive' && r.class === 'ocf' && r.provider === 'pacemaker' && r.type === 'remote';
}

/** A remote connection's `reconnect_interval` in milliseconds (0 when not set). */
export function reconnectIntervalMs(p: Primitive): number {
  return parseDurationMs(flattenSets(p.params).get('reconnect_interval')) ?? 0;
}

/**
 * Whether the recurring monitors' failures of remote connection `p` (id `id`) wait for its node's
 * fencing before they may expire: a reconnect interval, fencing enabled, and the remote node not
 * fenced yet (Pacemaker's should_ignore_failure_timeout).
 */
export function remoteMonitorFailuresWait(stonithEnabled: boolean, p: Primitive, id: string, nodes: readonly WNode[]): boolean {
  return (
    stonithEnabled &&
    isRemoteConnection(p) &&
    reconnectIntervalMs(p) > 0 &&
    nodes.some((n) => n.uname === id && n.remote !== undefined && !n.remote.wasFenced)
  );
}

/**
 * A remote connection failed once up (on-fail `reset-remote`, the default for every failure but a
 * probe's or a start's): with fencing, its node is fenced unless the status says it already was
 * (`node_fenced`).
 */
export function resetRemote(nodes: readonly WNode[], conn: WRsc, stonithEnabled: boolean): void {
  const node = nodes.find((n) => n.uname === conn.id && n.remote?.connection === conn.id);
  if (!stonithEnabled || !node?.remote || node.remote.wasFenced || node.remote.container !== undefined) return;
  node.unclean = true;
  node.remote.requiresReset = true;
  node.remote.unseen = false;
}

/**
 * A resource is active on a remote node that is down: the node must be reset, but while its
 * connection has not failed only if the connection cannot be re-established (it is "unseen": see
 * {@link remoteConnectionAssigned}).
 */
export function remoteActiveWhileDown(node: WNode, byId: ReadonlyMap<string, WRsc>): void {
  if (!node.remote) return;
  node.remote.requiresReset = true;
  const conn = connectionOf({ byId: byId as Map<string, WRsc> }, node);
  if (conn && !conn.failed) node.remote.unseen = true;
}

/**
 * Whether the connection of a remote node starts in this transition (it was down, moves, or is
 * recovered): the recurring monitors there are then scheduled again.
 */
export function connectionStarts(ws: Pick<WorkingSet, 'byId'>, node: WNode): boolean {
  const conn = connectionOf(ws, node);
  const to = conn?.nextRole !== 'Stopped' ? conn?.assignedTo : undefined;
  return conn !== undefined && to !== undefined && (!conn.runningOn.includes(to) || conn.failed);
}

/**
 * Whether a resource may live-migrate: `allow-migrate=true`, and a remote connection unless it
 * says `allow-migrate=false` (so that a remote node moves without stopping what runs on it).
 */
export function allowsMigration(p: WRsc): boolean {
  const v = p.meta.get('allow-migrate');
  if (v !== undefined) return isTrue(v);
  return p.parent === undefined && p.primitive !== undefined && isRemoteConnection(p.primitive) && !p.meta.has('container');
}

/** The remote node's connection resource during a run, if it has one. */
function connectionOf(ws: Pick<WorkingSet, 'byId'>, node: WNode): WRsc | undefined {
  const id = node.remote?.connection;
  return id === undefined ? undefined : ws.byId.get(id);
}

/**
 * The remote nodes of a CIB: every `<node type="remote">` entry, then every top-level connection
 * not already named by one, each linked to its connection (by the node's name). Until its status
 * is known a remote node with a connection is unclean under startup fencing ("unseen").
 */
export function remoteNodes(cib: Cib, stonithEnabled: boolean): WNode[] {
  const connections = new Set(cib.resources.filter(isRemoteConnection).map((r) => r.id));
  // A guest node's connection names its container (guest-nodes.ts).
  const containers = new Map(cib.resources.flatMap((r) => (connections.has(r.id) ? [[r.id, flattenSets(r.meta).get('container')]] : [])));
  // An orphaned connection's node is shutting down (orphan-connections.ts).
  const orphans = orphanConnections(cib);
  for (const o of orphans) {
    connections.add(o.id);
    containers.set(o.id, o.container);
  }
  const startupFencing = isTrue(flattenSets(cib.crmConfig).get('startup-fencing') ?? 'true');
  const out: WNode[] = [];
  // A node in <nodes> has its attributes from the start; one implied by its connection only has
  // #kind until its status entry is read (applyRemoteState; Pacemaker's add_node_attrs): before,
  // it has no #uname, and a colocation by #uname matches it with every other such node.
  const make = (id: string, uname: string, attributes: Cib['nodes'][number]['attributes'] | undefined) => {
    const connection = connections.has(uname) ? uname : undefined;
    const container = connection === undefined ? undefined : containers.get(connection);
    const attrs = new Map<string, string>([['#kind', container === undefined ? 'remote' : 'container']]);
    if (attributes) addNodeAttrs(attrs, id, uname);
    flattenSets(attributes ?? [], attrs);
    // A guest node is not fenced at start-up (its container's state says whether it is up).
    const startup = connection !== undefined && container === undefined;
    out.push({
      id,
      uname,
      online: false,
      standby: false,
      unclean: startup && stonithEnabled && startupFencing,
      shutdown: orphans.some((o) => o.id === uname),
      maintenance: false,
      attrs,
      numResources: 0,
      remote: {
        connection,
        unseen: startup,
        requiresReset: false,
        unpacked: false,
        wasFenced: (Number.parseInt(cib.status.find((s) => s.id === id)?.attrs.node_fenced ?? '0', 10) || 0) > 0,
        ...(container === undefined ? {} : { container }),
      },
    });
  };
  for (const n of cib.nodes) if (n.type?.toLowerCase() === 'remote') make(n.id, n.uname, n.attributes);
  for (const id of connections) if (!out.some((n) => n.uname === id) && !cib.nodes.some((n) => n.uname === id)) make(id, id, undefined);
  return out;
}

/**
 * Whether a remote node's history can be read now: its connection is known to be Started (after
 * the cluster nodes' histories), or `fencePass` (with fencing, whatever is left is read to find
 * out whether the node must be fenced).
 */
export function remoteHistoryReady(ws: Pick<WorkingSet, 'byId'>, node: WNode, fencePass: boolean): boolean {
  const conn = connectionOf(ws, node);
  if (conn === undefined) return false;
  // A guest node's history also waits for its container to be known to run.
  const container = guestContainer(ws, node);
  return fencePass || (conn.role === 'Started' && (node.remote?.container === undefined || container?.role === 'Started'));
}

/** A remote node's online status from its connection's state (determine_remote_online_status). */
export function determineRemoteOnline(ws: Pick<WorkingSet, 'byId'>, node: WNode): void {
  const conn = connectionOf(ws, node);
  if (!conn || !node.remote) {
    node.online = false;
    return;
  }
  if (conn.role === 'Started') node.online = true;
  if (conn.role === 'Started' && conn.nextRole === 'Stopped') node.shutdown = true;
  const container = node.remote.container === undefined ? undefined : guestContainer(ws, node);
  const host = container && conn.runningOn.length === 1 ? conn.runningOn[0] : undefined;
  if (container?.failed) {
    // A guest whose container failed must be reset (by recovering the container).
    node.online = false;
    node.remote.requiresReset = true;
  } else if (conn.failed) node.online = false;
  else if (conn.role === 'Stopped' || container?.role === 'Stopped') {
    node.online = false;
    node.remote.requiresReset = false;
  } else if (host && !host.online && host.unclean) {
    // A guest on a host that is lost goes down with it.
    node.online = false;
    node.remote.requiresReset = true;
  }
}

/**
 * What a remote node's own status entry says, read with its history (unpack_handle_remote_attrs):
 * a node that need not be reset is clean and seen; transient attributes, shutdown, standby, and
 * maintenance (also when its connection is unmanaged).
 */
export function applyRemoteState(ws: Pick<WorkingSet, 'byId'>, node: WNode, state: NodeState): void {
  if (!node.remote) return;
  if (!node.remote.requiresReset) {
    node.unclean = false;
    node.remote.unseen = false;
  }
  addNodeAttrs(node.attrs, node.id, node.uname);
  for (const [k, v] of flattenSets(state.transient)) node.attrs.set(k, v);
  const shutdown = node.attrs.get('shutdown');
  if (shutdown !== undefined && shutdown !== '0') node.shutdown = true;
  if (isTrue(node.attrs.get('standby'))) node.standby = true;
  const conn = connectionOf(ws, node);
  if (isTrue(node.attrs.get('maintenance')) || (conn !== undefined && !conn.managed)) node.maintenance = true;
}

/**
 * After the whole status section: a remote node shutting down stops its connection, and a remote
 * node whose history was never read gets its online status from its connection alone.
 */
export function finishRemoteNodes(ws: Pick<WorkingSet, 'byId'>, nodes: WNode[]): void {
  for (const n of nodes) {
    if (!n.remote) continue;
    const conn = connectionOf(ws, n);
    if (n.shutdown && conn) conn.nextRole = 'Stopped';
    if (!n.remote.unpacked) determineRemoteOnline(ws, n);
  }
}

/**
 * Connections and fence devices never run on a remote node (rsc_avoids_remote_nodes): their
 * score there becomes -INFINITY wherever they have one (managed ones: it is an implicit constraint).
 */
export function avoidRemoteNodes(ws: WorkingSet): void {
  const remote = ws.nodes.filter((n) => n.remote);
  if (remote.length === 0) return;
  for (const p of ws.primitives) {
    const conf = p.primitive;
    if (!conf || !(isRemoteConnection(conf) || conf.class === 'stonith')) continue;
    // An unmanaged one gets no implicit constraints (pcmk__primitive_internal_constraints).
    if (!p.managed || ws.maintenanceMode) continue;
    for (const n of remote) if (p.allowed.has(n.uname)) p.allowed.set(n.uname, -INFINITY);
  }
}

/**
 * Whether what runs on a remote or guest node waits for a connection start that cannot run: its
 * connection is blocked or frozen by a lost ticket, so it has no start of its own, and the
 * ordering of the node's actions after it creates one with no node
 * (pcmk__order_remote_connection_actions, rsc_order_first).
 */
export function connectionStartUnrunnable(ws: Pick<WorkingSet, 'byId'>, node: WNode): boolean {
  const conn = connectionOf(ws, node);
  return conn !== undefined && (conn.blocked || conn.ticketFrozen === true);
}

/** Whether a primitive can never be probed on a remote node (a connection or a fence device). */
export function notProbedOnRemote(p: WRsc, node: WNode): boolean {
  const conf = p.primitive;
  return node.remote !== undefined && conf !== undefined && (isRemoteConnection(conf) || conf.class === 'stonith');
}

/**
 * Once a connection is assigned (remote_connection_assigned): its node will be online (and an
 * unseen one is not fenced, as the connection will be tried) when it will run, else shut down.
 * A connection whose start is frozen (no-quorum-policy=freeze, or its probe on a pending node)
 * counts as one that will run: the engine marks it Stopped, but Pacemaker leaves its next role
 * as it was and only makes the start unrunnable later, so its node is online for assignment.
 */
export function remoteConnectionAssigned(ws: WorkingSet, conn: WRsc): void {
  const node = ws.nodeByName.get(conn.id);
  if (!node?.remote || node.remote.connection !== conn.id) return;
  if (conn.assignedTo !== undefined && (conn.nextRole !== 'Stopped' || conn.frozen === true)) {
    node.online = true;
    if (node.remote.unseen) node.unclean = false;
  } else node.shutdown = true;
}

type ConnectionState = 'alive' | 'resting' | 'failed' | 'stopped' | 'unknown';

/** The state of a remote node's connection for ordering (get_remote_node_state). */
function connectionState(conn: WRsc): ConnectionState {
  const current = conn.runningOn[0];
  if (conn.nextRole === 'Stopped' || conn.assignedTo === undefined) {
    if (current?.unclean) return 'failed';
    if (!conn.failed) return 'stopped';
    return 'failed';
  }
  if (current === undefined) return 'unknown';
  if (current.unclean || !current.online) return 'resting';
  if (conn.runningOn.length > 1 && conn.migration?.partial) return 'resting';
  return 'alive';
}

/**
 * Orders every real action on a remote node against its connection (apply_remote_ordering): a
 * start, promote, probe or monitor after the connection's start; a stop before the connection's
 * stop while it runs or goes away, after its start when it moves. A resource moving to a remote
 * node is stopped where it was only after the connection started.
 */
export function orderRemoteActions(ws: WorkingSet, g: GraphBuilder): void {
  if (!ws.nodes.some((n) => n.remote)) return;
  const actions = [...g.actions];
  // A remote node is fenced before its connection stops (and is started again); not one fenced
  // because it is offline and its connection is unrecoverable (nothing runs through it).
  for (const f of actions) {
    if (f.task !== 'stonith') continue;
    const node = ws.nodeByName.get(f.node);
    const conn = node && connectionOf(ws, node);
    if (node?.remote && conn && node.remote.container === undefined && node.online)
      for (const n of conn.runningOn) g.order(f.id, g.find(opKey(conn.id, 'stop', 0), n.uname));
  }
  for (const a of actions) {
    if (a.rsc === undefined || a.pseudo) continue;
    const node = ws.nodeByName.get(a.node);
    const conn = node && connectionOf(ws, node);
    if (!node?.remote || !conn) continue;
    if (node.remote.container !== undefined) {
      // A resource moving to a guest node is stopped where it was only once the connection is up.
      if (a.task === 'start')
        for (const b of actions)
          if (b.rsc === a.rsc && b.task === 'stop' && b.node !== a.node)
            g.order(g.find(opKey(conn.id, 'start', 0), conn.assignedTo?.uname ?? ''), b.id);
      orderGuestAction(ws, g, a, node, conn);
      continue;
    }
    const connStart = () => g.find(opKey(conn.id, 'start', 0), conn.assignedTo?.uname ?? '');
    const connStops = () => conn.runningOn.map((n) => g.find(opKey(conn.id, 'stop', 0), n.uname));
    const state = connectionState(conn);
    if (a.task === 'start') {
      for (const b of actions) if (b.rsc === a.rsc && b.task === 'stop' && b.node !== a.node) g.order(connStart(), b.id);
    }
    const task = a.task === 'migrate_to' || a.task === 'migrate_from' ? 'stop' : a.task;
    if (task === 'start' || task === 'promote') g.order(connStart(), a.id);
    else if (task === 'stop') {
      if (state === 'alive' || (state !== 'failed' && conn.nextRole === 'Stopped')) for (const s of connStops()) g.order(a.id, s);
      else if (state !== 'failed') g.order(connStart(), a.id);
    } else if (task === 'demote') {
      if (state === 'resting' || state === 'unknown') g.order(connStart(), a.id);
    } else if (task === 'monitor') {
      if (a.intervalMs > 0) g.order(connStart(), a.id);
      else if (conn.runningOn.length > 0 && state === 'stopped') for (const s of connStops()) g.order(a.id, s);
      else g.order(connStart(), a.id);
    }
  }
}

/**
 * What the controller cannot do with remote nodes, said on every run that has them: it has no
 * Pacemaker Remote client, so a connection is scheduled as Pacemaker would but never executed.
 */
export function remoteWarnings(cib: Cib): string[] {
  const connections = cib.resources.filter(isRemoteConnection);
  const out: string[] = [];
  const say = (what: string, ids: string[]) => {
    if (ids.length === 0) return;
    const shown = `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}`;
    out.push(
      `${what} (${shown}) are scheduled as Pacemaker would, but the controller cannot run their connections (ocf:pacemaker:remote) or anything on them`,
    );
  };
  const guest = (r: Resource) => flattenSets(r.meta).has('container');
  say(
    'Pacemaker Remote nodes',
    connections.filter((r) => !guest(r)).map((r) => r.id),
  );
  say(
    'Guest nodes',
    connections.filter(guest).map((r) => r.id),
  );
  return out;
}

/**
 * After assignment: a remote node whose connection cannot be recovered (its host is lost and it
 * goes nowhere, or it failed and stays down) is fenced when a resource active there must stop,
 * as the stop can run only through the connection (apply_remote_ordering's "resources are active
 * but connection is unrecoverable"). The stops are then implied by the fencing. One that is
 * offline is fenced anyway, as long as startup probes are enabled (`pcmk__schedule_probes`: "the
 * connection is unrecoverable"): what runs there cannot be probed.
 */
export function fenceUnrecoverableRemotes(ws: WorkingSet): void {
  const probes = ws.options.get('enable-startup-probes');
  const probing = probes === undefined || isTrue(probes);
  for (const node of ws.nodes) {
    if (!node.remote || node.remote.container !== undefined || node.unclean) continue;
    const conn = connectionOf(ws, node);
    if (!conn || connectionState(conn) !== 'failed') continue;
    if (!node.online && probing) {
      node.unclean = true;
      continue;
    }
    const stops = ws.primitives.some(
      (p) =>
        p.managed &&
        !p.blocked &&
        p.runningOn.includes(node) &&
        (p.assignedTo !== node || p.nextRole === 'Stopped' || p.failedOn.includes(node)),
    );
    if (stops) node.unclean = true;
  }
}

/**
 * A remote node whose connection cannot be recovered is also fenced when a resource's state there
 * is unknown (a probe is due on it): there is no other way to find it out ("resources are in
 * unknown state and connection is unrecoverable"). Returns whether a node is to be fenced now,
 * so that the actions are built again.
 */
export function fenceUnknownOnUnrecoverable(ws: WorkingSet, graph: { actions: readonly { probe: boolean; node: string }[] }): boolean {
  let changed = false;
  for (const a of graph.actions) {
    if (!a.probe) continue;
    const node = ws.nodeByName.get(a.node);
    if (!node?.remote || node.remote.container !== undefined || node.unclean) continue;
    const conn = connectionOf(ws, node);
    if (!conn || connectionState(conn) !== 'failed') continue;
    node.unclean = true;
    changed = true;
  }
  return changed;
}

/**
 * The attributes every node with a configuration or status entry has (Pacemaker's add_node_attrs;
 * a remote node is never the DC).
 *
 * @example
 * addNodeAttrs(attrs, '1', 'node1', true); // #uname node1, #id 1, #is_dc true
 */
export function addNodeAttrs(attrs: Map<string, string>, id: string, uname: string, isDc = false): void {
  attrs.set('#uname', uname);
  attrs.set('#id', id);
  attrs.set('#is_dc', isDc ? 'true' : 'false');
}
