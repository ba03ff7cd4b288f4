/**
 * Unfencing, as Pacemaker 2.1.5's scheduler plans it (pcmk__order_vs_unfence, trigger_unfencing,
 * pcmk__order_restart_vs_unfence): once any resource's meta attributes (or rsc_defaults) say
 * `provides=unfencing` or `requires=unfencing`, every resource that needs unfencing (the default
 * `requires` of a non-device then) and every fence device is probed and started on a node only
 * after that node is unfenced (`Fence (on)`). The unfencing is scheduled where it must happen:
 * on a node never unfenced yet (no non-zero `#node-unfenced` attribute) where such a resource is
 * probed or started, and where a fence device's definition changed. Resources that need
 * unfencing and run on a node being unfenced are restarted around it (stop, unfence, start).
 * The digests Pacemaker also compares (`#digests-all`, written by the controller after unfencing)
 * are not compared: the engine warns where a node has them.
 */

import type { Cib, NvSet, Resource } from './cib-model.js';
import type { GraphAction, TransitionGraph } from './graph.js';
import { isRemoteConnection } from './remote-nodes.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

const enabledByCib = new WeakMap<Cib, boolean>();

function saysUnfencing(sets: readonly NvSet[]): boolean {
  return sets.some((s) => s.pairs.some((p) => (p.name === 'provides' || p.name === 'requires') && p.value === 'unfencing'));
}

function anyResourceSays(rs: readonly Resource[]): boolean {
  return rs.some(
    (r) =>
      saysUnfencing(r.meta) || (r.kind === 'group' && anyResourceSays(r.children)) || (r.kind === 'clone' && anyResourceSays([r.child])),
  );
}

/**
 * Whether unfencing is in use (Pacemaker's pe_flag_enable_unfencing): a meta attribute
 * `provides` or `requires` set to `unfencing` on any resource or in rsc_defaults.
 *
 * @example
 * unfencingEnabled(cib) // true with <nvpair name="provides" value="unfencing"/> on a fence_scsi device
 */
export function unfencingEnabled(cib: Cib): boolean {
  let v = enabledByCib.get(cib);
  if (v === undefined) {
    v = saysUnfencing(cib.rscDefaults) || anyResourceSays(cib.resources);
    enabledByCib.set(cib, v);
  }
  return v;
}

/**
 * Whether a primitive needs its node unfenced before it runs there (pe_rsc_needs_unfencing):
 * `requires=unfencing`, or no `requires` while unfencing is in use; never a fence device, a
 * remote connection or a guest node's resource, nor without fencing.
 */
function needsUnfencing(ws: WorkingSet, p: WRsc): boolean {
  const prim = p.primitive;
  if (!ws.stonithEnabled || prim === undefined || prim.class === 'stonith') return false;
  const requires = p.meta.get('requires')?.trim().toLowerCase();
  if (requires !== undefined) return requires === 'unfencing';
  return unfencingEnabled(ws.cib) && !isRemoteConnection(prim) && !p.meta.has('remote-node');
}

/** Probes and starts of this primitive wait for their node's unfencing (fence devices too, when unfencing is in use). */
function waitsForUnfencing(ws: WorkingSet, p: WRsc): boolean {
  if (p.primitive?.class === 'stonith') return unfencingEnabled(ws.cib);
  return needsUnfencing(ws, p);
}

/** The node was unfenced already: a `#node-unfenced` attribute other than 0. */
function wasUnfenced(node: WNode): boolean {
  const v = node.attrs.get('#node-unfenced');
  return v !== undefined && v !== '0';
}

function canUnfence(node: WNode): boolean {
  return node.online && !node.unclean && !node.shutdown && node.pending !== true;
}

/** The fence devices whose definition goes with unfencing (find_unfencing_devices), last configured first. */
export function unfencingDevices(ws: WorkingSet): WRsc[] {
  return ws.primitives.filter((p) => p.primitive?.class === 'stonith' && p.meta.get('provides')?.toLowerCase() === 'unfencing').reverse();
}

function waiting(ws: WorkingSet, graph: TransitionGraph, node: string): GraphAction[] {
  return graph.actions.filter((a) => {
    if (a.node !== node || a.pseudo || a.rsc === undefined || !(a.probe || a.task === 'start')) return false;
    const p = ws.byId.get(a.rsc);
    return p !== undefined && waitsForUnfencing(ws, p);
  });
}

/** The nodes whose unfencing is required in this transition. */
function requiredUnfencing(ws: WorkingSet, graph: TransitionGraph): WNode[] {
  const out = new Set<WNode>();
  // A fence device's definition changed where it runs: that node is unfenced again.
  for (const p of ws.primitives)
    if (p.primitive?.class === 'stonith')
      for (const n of [...(p.definitionChangedOn ?? []), ...(p.reloadOn ?? [])]) if (canUnfence(n)) out.add(n);
  // A node never unfenced where something that needs it is probed or started.
  for (const n of ws.nodes) if (!wasUnfenced(n) && canUnfence(n) && waiting(ws, graph, n.uname).length > 0) out.add(n);
  return ws.nodes.filter((n) => out.has(n));
}

/**
 * Plans unfencing around `build` (which creates the transition's actions): finds the nodes to
 * unfence, restarts there what waits for unfencing and would otherwise stay (building again),
 * then adds each `stonith-<node>-on` action, after the stops there of resources that need
 * unfencing and before the probes and starts there of everything that waits for it.
 *
 * @example
 * const created = withUnfencing(ws, () => createActions(ws));
 */
export function withUnfencing<T extends { graph: TransitionGraph }>(ws: WorkingSet, build: () => T): T {
  if (!unfencingEnabled(ws.cib)) return build();
  if (ws.nodes.some((n) => n.attrs.has('#digests-all')))
    ws.warnings.push(
      'unfencing digests (#digests-all) are not compared: a node is unfenced again only where a fence device changed in its own history',
    );
  let created = build();
  for (let round = 0; round < 3; round++) {
    const nodes = requiredUnfencing(ws, created.graph);
    // Starts ordered after a required unfencing become required (pe_order_implies_then): what
    // waits for it and stays on that node is restarted around it.
    let again = false;
    for (const n of nodes)
      for (const p of ws.primitives) {
        if (!waitsForUnfencing(ws, p) || p.assignedTo !== n || p.nextRole === 'Stopped' || !p.runningOn.includes(n)) continue;
        if (p.definitionChangedOn?.includes(n)) continue;
        p.definitionChangedOn = [...(p.definitionChangedOn ?? []), n];
        again = true;
      }
    if (!again) return addUnfencing(ws, created, nodes);
    created = build();
  }
  return addUnfencing(ws, created, requiredUnfencing(ws, created.graph));
}

function addUnfencing<T extends { graph: TransitionGraph }>(ws: WorkingSet, created: T, nodes: WNode[]): T {
  if (nodes.length === 0) return created;
  const actions = [...created.graph.actions];
  const edges = [...created.graph.edges];
  for (const n of nodes) {
    const id = actions.length;
    actions.push({ id, key: `stonith-${n.uname}-on`, task: 'stonith', node: n.uname, intervalMs: 0, probe: false, pseudo: false });
    for (const a of waiting(ws, created.graph, n.uname)) edges.push({ before: id, after: a.id });
    for (const a of created.graph.actions) {
      if (a.task !== 'stop' || a.pseudo || a.node !== n.uname || a.rsc === undefined) continue;
      const p = ws.byId.get(a.rsc);
      if (p !== undefined && needsUnfencing(ws, p)) edges.push({ before: a.id, after: id });
    }
  }
  edges.sort((a, b) => a.before - b.before || a.after - b.after);
  return { ...created, graph: { ...created.graph, actions, edges } };
}

/** Whether a fencing action is an unfencing (`stonith-<node>-on`). */
export function isUnfencing(a: { task: string; key: string; node: string }): boolean {
  return a.task === 'stonith' && a.key === `stonith-${a.node}-on`;
}
