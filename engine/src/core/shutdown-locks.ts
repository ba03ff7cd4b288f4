/**
 * Shutdown locks (`shutdown-lock`, `shutdown-lock-limit`), as Pacemaker 2.1.5 applies them: a
 * resource active on exactly one node that shuts down cleanly is locked to that node — it is
 * stopped there and not recovered elsewhere, and may only start there again — until the lock
 * expires (`shutdown-lock-limit` after the shutdown, judged by the scheduler's `now`) or the
 * resource is cleaned up. The controller records the lock on the node's history
 * (`lrm_resource shutdown-lock="<time>"`) when it stops the resource, so later runs read it from
 * there. Fence devices, remote connections and clone instances are never locked.
 */
import type { LrmResource } from './cib-model.js';
import { isTrue, parseDurationMs } from './nvsets.js';
import { isRemoteConnection } from './remote-nodes.js';
import { ban } from './unpack.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** Whether shutdown locks are on, and their limit in seconds (0: a lock never expires). */
function shutdownLockSettings(options: ReadonlyMap<string, string>): { enabled: boolean; limitS: number } {
  const enabled = isTrue(options.get('shutdown-lock'));
  const limitMs = enabled ? (parseDurationMs(options.get('shutdown-lock-limit')) ?? 0) : 0;
  return { enabled, limitS: Math.max(0, Math.floor(limitMs / 1000)) };
}

/** The lock time a history entry records (seconds since the epoch), 0 when none. */
function historyLockTime(lr: LrmResource): number {
  const t = Number.parseInt(lr.shutdownLock ?? '', 10);
  return Number.isFinite(t) ? t : 0;
}

/** When a node's shutdown was asked for (its `shutdown` attribute), else now. */
function shutdownTime(ws: WorkingSet, node: WNode): number {
  const t = Number.parseInt(node.attrs.get('shutdown') ?? '', 10);
  return Number.isFinite(t) && t !== 0 ? t : ws.now;
}

/**
 * The lock a primitive's history records (`lrm_resource shutdown-lock`), unless it has expired
 * (then Pacemaker clears that history) or shutdown locks are off: what crm_mon shows as
 * "Stopped node1 (LOCKED)".
 *
 * @example
 * historyLock(ws, ws.byId.get('db')!)?.node.uname // 'node1'
 */
export function historyLock(ws: WorkingSet, p: WRsc): { node: WNode; time: number } | undefined {
  const { enabled, limitS } = shutdownLockSettings(ws.options);
  if (!enabled) return undefined;
  let lock: { node: WNode; time: number } | undefined;
  for (const [uname, entries] of p.foundUnder ?? []) {
    const node = ws.nodeByName.get(uname);
    for (const lr of entries) {
      const time = historyLockTime(lr);
      if (node === undefined || time === 0) continue;
      if (limitS > 0 && ws.now > time + limitS) continue;
      lock = { node, time };
    }
  }
  return lock;
}

function lockPrimitive(ws: WorkingSet, p: WRsc): void {
  if (p.primitive === undefined || p.primitive.class === 'stonith' || isRemoteConnection(p.primitive)) return;
  let lock = historyLock(ws, p);
  if (lock !== undefined) {
    // Started elsewhere although locked: Pacemaker cancels the lock rather than disturb it.
    if (p.runningOn.length > 0) lock = undefined;
  } else if (p.runningOn.length === 1) {
    const node = p.runningOn[0] as WNode;
    if (node.shutdown && !node.unclean) lock = { node, time: shutdownTime(ws, node) };
  }
  if (lock === undefined) return;
  p.shutdownLock = lock;
  for (const n of ws.nodes) if (n !== lock.node) ban(p, n.uname);
}

/**
 * Locks resources to the nodes they were shut down on (Pacemaker's apply_shutdown_locks, before
 * location constraints): each locked primitive is banned from every other node. Top-level
 * primitives and group members only; clones are never locked.
 *
 * @example
 * applyShutdownLocks(ws); ws.byId.get('db')!.shutdownLock // { node: node1, time: 1578347951 }
 */
export function applyShutdownLocks(ws: WorkingSet): void {
  if (!shutdownLockSettings(ws.options).enabled) return;
  for (const r of ws.resources) {
    if (r.variant === 'primitive') lockPrimitive(ws, r);
    else if (r.variant === 'group') for (const m of r.children) if (m.variant === 'primitive') lockPrimitive(ws, m);
  }
}

/**
 * The lock time to put on an action (the graph's `shutdown-lock`, which the controller records
 * with the stop): only actions on the lock node, and on a node shutting down only its stops
 * (Pacemaker's pcmk__action_locks_rsc_to_node).
 */
export function actionLockTime(p: WRsc, task: string, node: WNode): number | undefined {
  const lock = p.shutdownLock;
  if (lock === undefined || lock.node !== node) return undefined;
  if (node.shutdown && task !== 'stop') return undefined;
  return lock.time;
}

/** The earliest moment still to come at which a shutdown lock expires (the graph's `recheck-by`). */
export function lockExpiry(ws: WorkingSet): number | undefined {
  const { enabled, limitS } = shutdownLockSettings(ws.options);
  if (!enabled || limitS === 0) return undefined;
  let earliest: number | undefined;
  for (const p of ws.primitives) {
    const lock = p.shutdownLock;
    if (lock === undefined) continue;
    const at = lock.time + limitS + 1;
    // Only a moment still to come (a lock taken now from an old shutdown may be past it already).
    if (at > ws.now && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}
