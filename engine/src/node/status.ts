/**
 * What `ocfkit status` shows (crm_mon): nodes, resources with their current roles and nodes,
 * node attributes, fail counts and failed actions — computed from the CIB (configuration and
 * status section) with the scheduler's own unpacking of the operation history. Pure.
 */

import { readVersion } from '../cib/store-version.js';
import type { Cib, LrmOp } from '../core/cib-model.js';
import { nodeFailCount } from '../core/failcount.js';
import { expectedRc } from '../core/history.js';
import { healthColour } from '../core/node-health.js';
import { isTrue } from '../core/nvsets.js';
import { historyLock } from '../core/shutdown-locks.js';
import { unpack } from '../core/unpack.js';
import type { WorkingSet, WRsc } from '../core/working-set.js';
import { execStatusText } from '../pcmk/exec-status.js';
import { type BundleStatus, isBundleGuest, withBundleStatus } from './status-bundles.js';

interface NodeStatus {
  name: string;
  id: string;
  online: boolean;
  standby: boolean;
  standbyOnFail: boolean;
  maintenance: boolean;
  unclean: boolean;
  /** Up but not yet joined (crm_mon: "pending"). */
  pending: boolean;
  /** A Pacemaker Remote node (crm_mon: "RemoteNode", "RemoteOnline", "RemoteOFFLINE"). */
  remote: boolean;
  /** A guest node, a bundle's or a `remote-node` resource's (crm_mon: "GuestOnline"; not listed while offline). */
  guest?: boolean;
  /** A bundle's guest node with no `<node>` entry: crm_mon leaves it out of a clone's Stopped list. */
  impliedGuest?: boolean;
  isDc: boolean;
  resourcesRunning: number;
  /** Node health under `node-health-strategy` when not green (crm_mon: "(health is RED)"). */
  health?: 'RED' | 'YELLOW';
}

export interface PrimitiveStatus {
  kind: 'primitive';
  id: string;
  agent: string;
  /** The current role (Stopped when active nowhere). */
  role: 'Stopped' | 'Started' | 'Unpromoted' | 'Promoted';
  /** Nodes it is active on. */
  nodes: string[];
  failed: boolean;
  managed: boolean;
  blocked: boolean;
  orphaned: boolean;
  /** Active on an offline node that is unclean (to be fenced). */
  unclean: boolean;
  failureIgnored: boolean;
  targetRole?: string;
  /** An operation still pending and its node (crm_mon: "Starting node1" in place of the role). */
  pending?: { task: string; node: string };
  /** The node its history locks it to (shutdown-lock; crm_mon: "Stopped node1 (LOCKED)"). */
  lockedTo?: string;
}

export interface GroupStatus {
  kind: 'group';
  id: string;
  members: PrimitiveStatus[];
}

interface CloneStatus {
  kind: 'clone';
  id: string;
  promotable: boolean;
  unique: boolean;
  instances: (PrimitiveStatus | GroupStatus)[];
}

export type ResourceStatus = PrimitiveStatus | GroupStatus | CloneStatus | BundleStatus;

/** One line of the migration summary: a resource's fail count on a node. */
interface FailCountStatus {
  node: string;
  rsc: string;
  failCount: number;
  migrationThreshold: number;
  /** Seconds since the epoch of the newest failure, if known. */
  lastFailure?: number;
}

/** A failed operation found in the history (crm_mon's "Failed Resource Actions"). */
export interface FailedAction {
  opKey: string;
  rsc: string;
  task: string;
  intervalMs: number;
  node: string;
  rc: number;
  rcText: string;
  status: string;
  exitReason: string;
  call: number;
  /** Seconds since the epoch. */
  lastRcChange?: number;
  queuedMs: number;
  execMs: number;
}

export interface ClusterStatus {
  version: string;
  lastWritten?: string;
  updateClient?: string;
  dc?: string;
  quorum: boolean;
  nodes: NodeStatus[];
  resources: ResourceStatus[];
  /** Transient node attributes (fail counts left out), by node. */
  nodeAttributes: { node: string; attributes: { name: string; value: string }[] }[];
  failCounts: FailCountStatus[];
  failures: FailedAction[];
}

const RC_TEXT: Record<number, string> = {
  0: 'ok',
  1: 'error',
  2: 'invalid parameter',
  3: 'unimplemented feature',
  4: 'insufficient privileges',
  5: 'not installed',
  6: 'not configured',
  7: 'not running',
  8: 'promoted',
  9: 'promoted (failed)',
  190: 'degraded',
  191: 'promoted (degraded)',
};

/** The text crm_mon gives an OCF exit code. */
function rcText(rc: number): string {
  return RC_TEXT[rc] ?? 'unknown';
}

function agentOf(r: WRsc): string {
  const p = r.primitive;
  return p ? `${p.class}${p.provider ? `:${p.provider}` : ''}:${p.type}` : '';
}

function primitiveStatus(ws: WorkingSet, r: WRsc): PrimitiveStatus {
  const active = r.runningOn.length > 0;
  const lockedTo = historyLock(ws, r)?.node.uname;
  return {
    kind: 'primitive',
    id: r.id,
    agent: agentOf(r),
    role: active ? r.role : 'Stopped',
    nodes: r.runningOn.map((n) => n.uname),
    failed: r.failed,
    managed: r.managed,
    blocked: r.blocked,
    orphaned: r.orphan === true,
    unclean: r.runningOn.some((n) => n.unclean && !n.online),
    failureIgnored: r.failureIgnored === true,
    ...(r.meta.get('target-role') !== undefined ? { targetRole: r.meta.get('target-role') } : {}),
    ...(r.pending ? { pending: r.pending } : {}),
    ...(lockedTo !== undefined ? { lockedTo } : {}),
  };
}

function resourceStatus(ws: WorkingSet, r: WRsc): ResourceStatus {
  if (r.variant === 'primitive') return primitiveStatus(ws, r);
  if (r.variant === 'group') return { kind: 'group', id: r.id, members: r.children.map((m) => primitiveStatus(ws, m)) };
  return {
    kind: 'clone',
    id: r.id,
    promotable: r.promotable,
    unique: r.unique,
    instances: r.children.map((c) => resourceStatus(ws, c) as PrimitiveStatus | GroupStatus),
  };
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

function failedOp(op: LrmOp): boolean {
  if (op.opStatus === -1 || op.opStatus === 1) return false;
  // A probe that found the agent missing or misconfigured means "not running here", not a failure.
  if (op.operation === 'monitor' && op.intervalMs === 0 && (op.rc === 5 || op.rc === 2 || op.opStatus === 7)) return false;
  if (op.opStatus !== 0) return true;
  const expected = expectedRc(op);
  return expected >= 0 && op.rc !== expected;
}

function failures(cib: Cib, ws: WorkingSet): FailedAction[] {
  const out: FailedAction[] = [];
  for (const state of cib.status) {
    // Only an online node's failures are recorded (record_failed_op): one down cleanly, whose
    // history shutdown-lock makes read, lists none.
    if (ws.nodeByName.get(state.uname)?.online !== true) continue;
    for (const lr of state.lrm) {
      const seen = new Set<string>();
      // A `_last_failure_0` entry first: the same call recorded again as `_last_0` is not listed twice.
      const ops = [...lr.ops].sort((a, b) => Number(b.id.endsWith('_last_failure_0')) - Number(a.id.endsWith('_last_failure_0')));
      for (const op of ops) {
        if (!failedOp(op)) continue;
        // One failed action per operation and node, as Pacemaker records them (record_failed_op).
        const key = op.attrs.operation_key ?? op.id;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          opKey: op.attrs.operation_key ?? `${lr.id}_${op.operation}_${op.intervalMs}`,
          rsc: lr.id,
          task: op.operation,
          intervalMs: op.intervalMs,
          node: state.uname,
          rc: op.rc,
          rcText: rcText(op.rc),
          status: execStatusText(op.opStatus),
          exitReason: op.attrs['exit-reason'] ?? '',
          call: op.callId,
          ...(num(op.attrs['last-rc-change']) !== undefined ? { lastRcChange: num(op.attrs['last-rc-change']) } : {}),
          queuedMs: num(op.attrs['queue-time']) ?? 0,
          execMs: num(op.attrs['exec-time']) ?? 0,
        });
      }
    }
  }
  return out;
}

// crm_mon -A leaves out fail counts, #-attributes, standby and the shutdown request; it shows maintenance.
const INTERNAL = /^(fail-count-|last-failure-|#|standby$|shutdown$)/;

/**
 * The cluster as crm_mon shows it, from a CIB at `now` (seconds since the epoch).
 *
 * @example
 * const s = clusterStatus(store.model(), Math.floor(Date.now() / 1000));
 * s.resources.map((r) => r.id);
 */
export function clusterStatus(cib: Cib, now: number): ClusterStatus {
  const ws = unpack(cib, now);
  const v = readVersion(cib.attrs);
  const dc = cib.nodes.find((n) => n.id === cib.attrs['dc-uuid'])?.uname;
  const nodes: NodeStatus[] = ws.nodes.map((n) => ({
    name: n.uname,
    id: n.id,
    online: n.online,
    standby: n.standby,
    standbyOnFail: n.standbyOnFail === true,
    maintenance: n.maintenance,
    unclean: n.unclean,
    pending: n.pending === true,
    remote: n.remote !== undefined,
    ...(n.remote !== undefined && isBundleGuest(cib, n.uname)
      ? { guest: true, ...(cib.nodes.some((c) => c.uname === n.uname) ? {} : { impliedGuest: true }) }
      : n.remote?.container !== undefined
        ? { guest: true }
        : {}),
    isDc: n.uname === dc,
    resourcesRunning: ws.primitives.filter((p) => p.runningOn.includes(n)).length,
    ...(healthColour(ws, n) ? { health: healthColour(ws, n) } : {}),
  }));
  // crm_mon -A: the attributes of online nodes, configured and transient, internal ones left out.
  const nodeAttributes = ws.nodes
    .filter((n) => n.online)
    .map((n) => ({
      node: n.uname,
      attributes: [...n.attrs]
        .filter(([k]) => !INTERNAL.test(k))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => ({ name, value })),
    }))
    .filter((n) => n.attributes.length > 0);
  const failCounts: FailCountStatus[] = [];
  for (const n of ws.nodes.filter((x) => x.online)) {
    for (const p of ws.primitives) {
      // An anonymous clone's instances share one fail count: list it once, under the clone's primitive id.
      const base = p.unique ? p.id : p.id.replace(/:\d+$/, '');
      if (failCounts.some((f) => f.node === n.uname && f.rsc === base)) continue;
      const count = nodeFailCount(n, p, now, false);
      if (count <= 0) continue;
      const last = [...n.attrs].filter(([k]) => k.startsWith(`last-failure-${base}`)).map(([, val]) => num(val) ?? 0);
      failCounts.push({
        node: n.uname,
        rsc: base,
        failCount: count,
        migrationThreshold: p.migrationThreshold,
        ...(last.length > 0 ? { lastFailure: Math.max(...last) } : {}),
      });
    }
  }
  return {
    version: `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`,
    ...(cib.attrs['cib-last-written'] !== undefined ? { lastWritten: cib.attrs['cib-last-written'] } : {}),
    ...(cib.attrs['update-client'] !== undefined ? { updateClient: cib.attrs['update-client'] } : {}),
    ...(dc !== undefined ? { dc } : {}),
    quorum: isTrue(cib.attrs['have-quorum']),
    nodes,
    // In crm_mon's order: by priority, then as configured.
    resources: withBundleStatus(
      cib,
      ws,
      // A guest node's implied connection is internal: crm_mon does not list it.
      ws.resources.filter((r) => !isTrue(r.meta.get('internal_rsc'))).map((r) => resourceStatus(ws, r)),
      (r) => primitiveStatus(ws, r),
    ),
    nodeAttributes,
    failCounts,
    failures: failures(cib, ws),
  };
}

/** Every primitive in a status tree (group members and clone instances included). */
export function primitivesOf(r: ResourceStatus): PrimitiveStatus[] {
  if (r.kind === 'primitive') return [r];
  if (r.kind === 'group') return r.members;
  if (r.kind === 'bundle') return r.replicas.flatMap((x) => x.parts);
  return r.instances.flatMap(primitivesOf);
}
