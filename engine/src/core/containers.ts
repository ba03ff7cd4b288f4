import { addColocation } from './constraints.js';
import type { GraphAction, GraphBuilder } from './graph.js';
import { opKey } from './graph.js';
import { isRemoteConnection } from './remote-nodes.js';
import { INFINITY } from './score.js';
import { leaves } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/**
 * Containers, as Pacemaker 2.1 schedules them (setup_container, the container part of
 * pcmk__primitive_internal_constraints, pe_fence_node and pcmk__fence_guest for guest nodes,
 * apply_container_ordering). A primitive whose meta attribute `container` names another resource
 * lives inside it: it is placed with it (INFINITY), starts after it and stops before it, is
 * restarted when it restarts, is never probed on its own, and by default its failures restart the
 * container (`on-fail=restart-container`). A guest node's connection (guest-nodes.ts) is such a
 * resource; a guest node is "fenced" by recovering its container, and resources on it wait for
 * the container and the connection.
 */

/** Links every primitive with a `container` meta attribute naming another resource to it (setup_container). */
export function linkContainers(primitives: readonly WRsc[], byId: ReadonlyMap<string, WRsc>): void {
  for (const p of primitives) {
    const id = p.meta.get('container');
    if (id === undefined || id === p.id) continue;
    const container = byId.get(id);
    if (!container) continue;
    p.container = container;
    container.fillers ??= [];
    container.fillers.push(p);
  }
}

/** Whether a node is a guest node (a remote node whose connection has a container). */
export function isGuestNode(node: WNode | undefined): boolean {
  return node?.remote?.container !== undefined;
}

/** A guest node's container during a run. */
export function guestContainer(ws: Pick<WorkingSet, 'byId'>, node: WNode): WRsc | undefined {
  const id = node.remote?.container;
  return id === undefined ? undefined : ws.byId.get(id);
}

function isConnection(r: WRsc): boolean {
  return r.primitive !== undefined && isRemoteConnection(r.primitive);
}

/** Whether a primitive is a remote connection that has a container (a guest node's). */
function isGuestConnection(p: WRsc): boolean {
  return p.container !== undefined && isConnection(p);
}

/** The guest node's connection inside a resource (its filler that is a connection), if any. */
function containedGuest(ws: WorkingSet, r: WRsc): WRsc | undefined {
  return ws.primitives.find((p) => p.container === r && isGuestConnection(p));
}

/**
 * "Fences" a guest node (pe_fence_node): its container, unless already failed or unmanaged, is
 * marked failed and stopped wherever it is, and the node must be reset. The node is not made
 * unclean: once the container is recovered it may run resources in the same transition.
 */
export function fenceGuest(ws: Pick<WorkingSet, 'byId'>, node: WNode): void {
  const container = guestContainer(ws, node);
  if (!container || !node.remote || container.failed || !container.managed) return;
  node.remote.requiresReset = true;
  container.failed = true;
  for (const n of container.runningOn) if (!container.failedOn.includes(n)) container.failedOn.push(n);
}

/**
 * A failure with `on-fail=restart-container` (the default inside a container): the container is
 * stopped on that node (and so restarted where it goes).
 */
export function restartContainer(r: WRsc, node: WNode): void {
  const container = r.container;
  if (container && !container.failedOn.includes(node)) container.failedOn.push(node);
}

/** `p` starts after `container` and stops before it (a mandatory, symmetrical order): it restarts with it. */
function startsAfter(ws: WorkingSet, id: string, container: WRsc, p: WRsc, startOnly = false): void {
  ws.orderings.push({
    ...(startOnly ? { startOnly } : {}),
    id,
    first: container,
    firstAction: 'start',
    // biome-ignore lint/suspicious/noThenProperty: an Ordering's field is named "then"
    then: p,
    thenAction: 'start',
    kind: 'Mandatory',
    symmetrical: true,
    minFirst: 0,
    internal: true,
  });
}

/** How much a bundle's guest connection prefers its container's node (Pacemaker: "highly preferred but not essential"). */
const BUNDLE_CONNECTION_SCORE = 10000;

/**
 * The internal constraints of containers: a guest node's container avoids remote nodes; a
 * primitive whose container holds a guest node may run only on that guest node; any other one
 * (a guest connection included) is colocated with its container (INFINITY) and ordered after it
 * (mandatory, symmetrical: it starts after the container, stops before it, restarts with it).
 */
export function containerConstraints(ws: WorkingSet): void {
  for (const p of ws.primitives) {
    const container = p.container;
    if (!container) continue;
    let guestOnly: WRsc | undefined;
    if (isGuestConnection(p)) {
      // A bundle's containers may run on remote nodes (their connections then go with the remote
      // node's connection: bundles.ts).
      if (!p.bundleImplied)
        for (const leaf of leaves(container))
          for (const n of ws.nodes) if (n.remote && leaf.allowed.has(n.uname)) leaf.allowed.set(n.uname, -INFINITY);
    } else if (isConnection(container)) guestOnly = container;
    else guestOnly = containedGuest(ws, container);
    if (guestOnly) {
      for (const n of p.allowed.keys()) if (ws.nodeByName.get(n)?.remote?.connection !== guestOnly.id) p.allowed.set(n, -INFINITY);
      continue;
    }
    startsAfter(ws, `${p.id}-after-container`, container, p);
    // A bundle's connection only prefers its container's node (10000): its container may run on
    // a Pacemaker Remote node, and when the container cannot run the connection is still placed.
    const bundleConnection = p.bundleImplied && isGuestConnection(p);
    addColocation(ws, {
      id: 'resource-with-container',
      dependent: p,
      primary: container,
      score: bundleConnection ? BUNDLE_CONNECTION_SCORE : INFINITY,
      influence: p.critical,
      ...(bundleConnection ? { bundleConnection } : {}),
    });
  }
}

/** Whether a primitive is never probed by itself: it lives inside a container (a guest connection aside). */
export function insideContainer(p: WRsc): boolean {
  return p.container !== undefined && !isGuestConnection(p);
}

/**
 * Whether resources are not probed on a guest node: its container is stopped (nothing can be
 * active there) or will stop (failed, stopping, moving, or the node must be reset).
 */
export function guestProbeSkipped(ws: Pick<WorkingSet, 'byId'>, node: WNode): boolean {
  const guest = guestContainer(ws, node);
  if (!guest) return false;
  if (guest.role === 'Stopped' || node.remote?.requiresReset || node.unclean || guest.failed || guest.nextRole === 'Stopped') return true;
  return guest.runningOn.length > 0 && guest.assignedTo !== undefined && !guest.runningOn.includes(guest.assignedTo);
}

/**
 * Before fencing is scheduled: a guest node whose container failed is reset when anything is to
 * happen there (apply_container_ordering fences it for any action on it).
 */
export function resetGuestsWithFailedContainers(ws: WorkingSet): void {
  for (const n of ws.nodes) {
    const container = guestContainer(ws, n);
    if (!container?.failed || n.remote?.requiresReset) continue;
    if (ws.primitives.some((p) => p.runningOn.includes(n) || p.assignedTo === n)) fenceGuest(ws, n);
  }
}

/**
 * After assignment: what runs on a guest node and stays there is restarted when the guest's
 * container (re)starts, as a mandatory order "container, then resource" would (the start's
 * `pe_order_implies_then` of apply_container_ordering). When the container failed, the guest is
 * reset: the stops there follow its fencing, so the order holds for the starts only.
 */
export function guestRestartOrderings(ws: WorkingSet): void {
  for (const p of ws.primitives) {
    const node = p.assignedTo;
    if (!node || !isGuestNode(node) || !p.runningOn.includes(node)) continue;
    const container = guestContainer(ws, node);
    if (!container || container === p) continue;
    startsAfter(ws, `${p.id}-on-${node.uname}`, container, p, container.failed);
  }
}

/**
 * Whether a guest node cannot be fenced (Pacemaker's pe_can_fence for a guest): its container is
 * active on a host that is down and cannot be fenced either. What must stop, demote or be
 * monitored there cannot then run (`update_resource_action_runnable`: "node's host cannot be
 * fenced"), though such actions need neither quorum nor fencing elsewhere.
 *
 * @example
 * guestHostUnfenceable(ws, ws.nodeByName.get('web-0')!, (h) => willFence(ws, h)) // true while web-0's host is lost without fencing
 */
export function guestHostUnfenceable(ws: WorkingSet, node: WNode, canFence: (n: WNode) => boolean): boolean {
  if (!isGuestNode(node)) return false;
  return guestContainer(ws, node)?.runningOn.some((h) => !h.online && !canFence(h)) ?? false;
}

/**
 * Whether a guest node is "fenced" in this transition: it must be reset, something is managed,
 * and its container's hosts are up or can be fenced (pe_can_fence).
 */
export function guestFenced(ws: WorkingSet, node: WNode, canFence: (n: WNode) => boolean): boolean {
  if (!isGuestNode(node) || !node.remote?.requiresReset) return false;
  if (!ws.primitives.some((p) => p.managed)) return false;
  const container = guestContainer(ws, node);
  return container?.runningOn.every((h) => h.online || canFence(h)) ?? false;
}

/**
 * The fencing pseudo action of a guest node (pcmk__fence_guest): `reboot` when its container
 * starts again, else `off`. It comes after the container's stop (after the host's fencing when
 * that stop is implied by it), or after the connection's stop when the container does not stop.
 */
export function addGuestFencing(ws: WorkingSet, g: GraphBuilder, node: WNode): number {
  const container = guestContainer(ws, node);
  const starts = container !== undefined && container.nextRole !== 'Stopped' && container.assignedTo !== undefined;
  return g.add({
    key: `stonith-${node.uname}-${starts ? 'reboot' : 'off'}`,
    task: 'stonith',
    node: node.uname,
    intervalMs: 0,
    probe: false,
    pseudo: true,
  });
}

/** Orders each guest node's fencing after what implies it (see {@link addGuestFencing}). */
export function orderGuestFencing(ws: WorkingSet, g: GraphBuilder, fences: ReadonlyMap<string, number>): void {
  for (const [uname, fence] of fences) {
    const node = ws.nodeByName.get(uname);
    if (!node || !isGuestNode(node)) continue;
    const container = guestContainer(ws, node);
    const stops = g.actions.filter((a) => a.rsc === container?.id && a.task === 'stop');
    for (const s of stops) {
      const hostFence = s.pseudo ? fences.get(s.node) : undefined;
      g.order(hostFence ?? s.id, fence);
    }
    if (stops.length > 0) continue;
    for (const s of g.actions) if (s.rsc === node.remote?.connection && s.task === 'stop') g.order(s.id, fence);
  }
}

/**
 * Orders an action on a guest node against its container and connection (apply_container_ordering):
 * a start or promote after the container's and the connection's start; a stop or demote before the
 * connection's stop, unless the container failed (then the guest's fencing implies it); anything
 * else after the connection's start.
 */
export function orderGuestAction(ws: WorkingSet, g: GraphBuilder, a: GraphAction, node: WNode, conn: WRsc): void {
  const container = guestContainer(ws, node);
  if (!container) return;
  const startOf = (r: WRsc) => g.find(opKey(r.id, 'start', 0), r.assignedTo?.uname ?? '');
  const task = a.task === 'migrate_to' || a.task === 'migrate_from' ? 'stop' : a.task;
  if (task === 'start' || task === 'promote') {
    g.order(startOf(container), a.id);
    g.order(startOf(conn), a.id);
  } else if (task === 'stop' || task === 'demote') {
    if (!container.failed) for (const n of conn.runningOn) g.order(a.id, g.find(opKey(conn.id, 'stop', 0), n.uname));
  } else g.order(startOf(conn), a.id);
}
