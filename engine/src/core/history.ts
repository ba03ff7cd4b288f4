/**
 * Reading a primitive's operation history on one node the way Pacemaker's scheduler does: which
 * role it has there, whether it failed, and what the failed operation's `on-fail` asks for
 * (ignore, demote, restart, block, stop, standby, fence), including hard and fatal errors, masked
 * probe failures and failures expired by `failure-timeout`.
 */

import { EXEC_STATUS } from '../pcmk/exec-status.js';
import type { LrmOp, NvSet, Op, Primitive } from './cib-model.js';
import { opDefaultsFor } from './defaults-rules.js';
import { glibListSort } from './glib-order.js';
import { flattenSets, parseDurationMs } from './nvsets.js';
import { compareOps } from './op-order.js';
import { isRemoteConnection, reconnectIntervalMs } from './remote-nodes.js';
import type { Role } from './working-set.js';

/** What to do when an operation fails, as `on-fail` names it (`restart` is the usual default). */
type OnFail = 'ignore' | 'demote' | 'restart' | 'migrate' | 'block' | 'stop' | 'standby' | 'fence' | 'restart-container' | 'reset-remote';

/** How bad each response is: a resource with several failures gets the worst one. */
const onFailSeverity: Record<OnFail, number> = {
  ignore: 10,
  demote: 20,
  restart: 30,
  migrate: 60,
  block: 70,
  stop: 80,
  standby: 90,
  fence: 100,
  'restart-container': 110,
  'reset-remote': 120,
};

/** A role during history unpacking, where `Unknown` (nothing learnt yet) ranks below Stopped. */
export type HistoryRole = Role | 'Unknown';

const rank: Record<HistoryRole, number> = { Unknown: 0, Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

/** Executor status codes as the CIB records them (`op-status`): Pacemaker's, from `pcmk/`. */
const ExecStatus = EXEC_STATUS;

/** The failure handling of one configured operation. */
interface FailurePolicy {
  onFail: OnFail;
  /** The role the resource may have after the failure (`Started` = no limit). */
  failRole: Role;
}

function opIntervalMs(op: Op): number {
  return parseDurationMs(op.interval) ?? 0;
}

/** `enabled="false"` (or another false value) on an `op`. */
export function disabled(op: Op): boolean {
  const v = op.attrs.enabled?.trim().toLowerCase();
  return v !== undefined && ['false', 'off', 'no', 'n', '0'].includes(v);
}

/**
 * The configured `op` for a task and interval (the first enabled one), if any. With
 * `includeDisabled`, the first one whatever its `enabled`: Pacemaker reads an action's settings
 * (`on-fail` of a failure in the history included) from a disabled op too.
 */
function configuredOp(prim: Primitive | undefined, task: string, intervalMs: number, includeDisabled = false): Op | undefined {
  return prim?.ops.find((o) => (includeDisabled || !disabled(o)) && o.name === task && opIntervalMs(o) === intervalMs);
}

function isPromotedRole(role: string | undefined): boolean {
  const r = role?.toLowerCase();
  return r === 'promoted' || r === 'master';
}

/**
 * The failure policy of an operation: `on-fail` from the op's attributes, else its meta
 * attributes, else `op_defaults`; values that are not allowed for the task fall back to the
 * default, which is `fence` (with fencing enabled) or `block` for stop and `restart` otherwise.
 * `fence` without fencing becomes `stop`. A failed promote may leave the resource unpromoted.
 *
 * @example
 * failurePolicy(prim, 'monitor', 10000, { stonithEnabled: false, opDefaults: [] }) // { onFail: 'restart', failRole: 'Started' }
 */
export function failurePolicy(
  prim: Primitive | undefined,
  task: string,
  intervalMs: number,
  opts: { stonithEnabled: boolean; opDefaults: readonly NvSet[]; inContainer?: boolean },
): FailurePolicy {
  // The failed action's op entry, a disabled one included (Pacemaker's custom_action).
  const conf = configuredOp(prim, task, intervalMs, true);
  const meta = opDefaultsFor(opts.opDefaults, prim, task, intervalMs);
  if (conf) {
    for (const [k, v] of flattenSets(conf.meta)) meta.set(k, v);
    for (const [k, v] of Object.entries(conf.attrs)) meta.set(k, v);
  }
  let value = meta.get('on-fail')?.toLowerCase();
  if (task === 'stop' && (value === 'standby' || value === 'demote' || value === 'stop')) value = undefined;
  else if (task === 'demote' && value === undefined) {
    // A demote without its own on-fail takes the promoted-role monitor's.
    for (const o of prim?.ops ?? []) {
      const v = o.attrs['on-fail'];
      if (v === undefined || disabled(o) || o.name !== 'monitor' || !isPromotedRole(o.attrs.role) || opIntervalMs(o) === 0) continue;
      if (v.toLowerCase() === 'demote') continue;
      value = v.toLowerCase();
      break;
    }
  } else if (value === 'demote') {
    const promotedMonitor = conf?.name === 'monitor' && isPromotedRole(conf.attrs.role) && opIntervalMs(conf) > 0;
    if (conf?.name !== 'promote' && !promotedMonitor) value = undefined;
  }
  let onFail: OnFail | undefined;
  let failRole: Role | undefined;
  switch (value) {
    case 'block':
    case 'standby':
    case 'migrate':
    case 'restart':
    case 'demote':
      onFail = value;
      break;
    case 'fence':
      onFail = opts.stonithEnabled ? 'fence' : 'stop';
      if (!opts.stonithEnabled) failRole = 'Stopped';
      break;
    case 'ignore':
    case 'nothing':
      onFail = 'ignore';
      break;
    case 'stop':
      onFail = 'stop';
      failRole = 'Stopped';
      break;
    case 'restart-container':
      if (opts.inContainer) onFail = value;
      break;
    default:
      // Unknown values, and restart-container without a container, use the default.
      break;
  }
  // Inside a container (containers.ts) the default is to restart the container, whatever failed.
  if (onFail === undefined && opts.inContainer) onFail = 'restart-container';
  if (
    onFail === undefined &&
    prim !== undefined &&
    isRemoteConnection(prim) &&
    task !== 'start' &&
    !(task === 'monitor' && intervalMs === 0)
  ) {
    // A remote connection that fails once up: its node is fenced (remote-nodes.ts).
    onFail = 'reset-remote';
    if (reconnectIntervalMs(prim) > 0) failRole = 'Stopped';
  }
  onFail ??= task === 'stop' ? (opts.stonithEnabled ? 'fence' : 'block') : 'restart';
  failRole ??= task === 'promote' ? 'Unpromoted' : 'Started';
  return { onFail, failRole };
}

/**
 * The result a history entry expected, from its transition key (`<action>:<graph>:<rc>:<uuid>`);
 * -1 when the key is missing or broken.
 *
 * @example
 * expectedRc(op) // 7 for a probe
 */
export function expectedRc(op: LrmOp): number {
  const parts = op.attrs['transition-key']?.split(':');
  const target = parts?.[2] !== undefined ? Number.parseInt(parts[2], 10) : Number.NaN;
  return Number.isNaN(target) ? -1 : target;
}

function opKeyOf(op: LrmOp): string {
  return op.attrs.operation_key ?? op.id;
}

function isProbe(op: LrmOp): boolean {
  return op.operation === 'monitor' && op.intervalMs === 0;
}

/** A probe that found the agent missing or misconfigured: treated as "not running here" plus a ban. */
function maskableProbeFailure(op: LrmOp): boolean {
  return isProbe(op) && (op.rc === 5 || op.rc === 2 || op.opStatus === ExecStatus.notInstalled);
}

/** What unpacking needs to know about the resource and the cluster. */
export interface HistoryContext {
  prim: Primitive | undefined;
  stonithEnabled: boolean;
  /** Whether a failed stop on this node could be recovered by fencing it. */
  canFence: boolean;
  opDefaults: readonly NvSet[];
  now: number;
  /** failure-timeout in seconds (0 = none). */
  failureTimeoutS: number;
  /**
   * A remote connection with a reconnect interval, fencing enabled, and its node not fenced yet:
   * its recurring monitors' failures do not expire (Pacemaker's should_ignore_failure_timeout).
   */
  remoteMonitorFailuresWait?: boolean;
  managed: boolean;
  promotable: boolean;
  /** It lives inside a container (containers.ts): its failures restart the container by default. */
  inContainer?: boolean;
  /** The resource's fail count on this node: effective (after failure-timeout) or raw. */
  failCount: (effective: boolean) => number;
  /** The resource-wide next role so far (failures on earlier nodes may have set it). */
  nextRole: HistoryRole;
  /** What this node's migration entries mean, read against the other node's history (migration-history.ts). */
  migration?: {
    /** A successful migrate_to here: the role here afterwards, undefined when it no longer matters. */
    toSucceeded(op: LrmOp): 'Started' | 'Stopped' | undefined;
    toFailed(op: LrmOp): void;
    fromFailed(op: LrmOp): void;
  };
}

/** The outcome of one resource's history on one node. */
export interface HistoryResult {
  role: HistoryRole;
  onFail: OnFail;
  nextRole: HistoryRole;
  /** Ban from this node: `self` = this primitive, `top` = its anonymous clone (or itself). */
  bans: { target: 'self' | 'top'; everywhere: boolean }[];
  /** A failure whose fail role is Stopped: ban the resource (or its anonymous clone) everywhere. */
  stopEverywhere: boolean;
  /** A failed stop that nothing can recover: the resource is blocked (unmanaged). */
  unrecoverable: boolean;
  /** Whether the resource is still managed after this history (an unrecoverable stop unmanages it). */
  managed: boolean;
  /** A failure was ignored (on-fail=ignore): the resource's migration-threshold no longer applies. */
  failureIgnored: boolean;
  /** Recurring monitors whose failure expired: Pacemaker schedules them again (intervals in ms). */
  rescheduled: number[];
  /** The first operation still pending here, probes aside (Pacemaker's `pending_task`, shown by crm_mon). */
  pendingTask?: string;
  /** A start is pending here (Pacemaker's start-pending flag). */
  startPending?: boolean;
  /** A migrate_to pending here while this node is unclean: its target, where the resource must be stopped. */
  pendingMigrationTarget?: string;
}

/**
 * Replays one primitive's operation history on one node (by call id) and returns its role there,
 * the worst `on-fail` among failures not cleared since, and what the failures imply (bans,
 * next role, blocking). Pure.
 *
 * @example
 * const { role, onFail } = unpackHistory(ops, node, ctx);
 */
export function unpackHistory(ops: readonly LrmOp[], node: { online: boolean; unclean: boolean }, ctx: HistoryContext): HistoryResult {
  const out: HistoryResult = {
    role: 'Unknown',
    onFail: 'ignore',
    nextRole: ctx.nextRole,
    bans: [],
    stopEverywhere: false,
    unrecoverable: false,
    managed: ctx.managed,
    failureIgnored: false,
    rescheduled: [],
  };
  let lastFailure: LrmOp | undefined;
  const setActive = () => {
    out.role = ctx.promotable ? 'Unpromoted' : 'Started';
  };
  const clearPastFailure = () => {
    // A remote connection's reset is cleared too, unless it waits for its reconnect interval.
    const resetCleared = out.onFail === 'reset-remote' && (ctx.prim === undefined || reconnectIntervalMs(ctx.prim) === 0);
    if (['block', 'ignore', 'demote', 'restart', 'restart-container'].includes(out.onFail) || resetCleared) {
      out.onFail = 'ignore';
      out.nextRole = 'Unknown';
    }
  };
  const updateState = (op: LrmOp, rc: number) => {
    let clear = false;
    const task = op.operation;
    if (rc === 5 || maskableProbeFailure(op)) out.role = 'Stopped';
    else if (rc === 7) clear = true;
    else if (task === 'monitor') {
      if (lastFailure && opKeyOf(op) === opKeyOf(lastFailure)) clear = true;
      if (rank[out.role] < rank.Started) setActive();
    } else if (task === 'start' || task === 'migrate_from') {
      out.role = 'Started';
      clear = true;
    } else if (task === 'stop') {
      out.role = 'Stopped';
      clear = true;
    } else if (task === 'promote') {
      out.role = 'Promoted';
      clear = true;
    } else if (task === 'demote') {
      if (out.onFail === 'demote') clear = true;
      out.role = 'Unpromoted';
    } else if (task === 'migrate_to') {
      const role = ctx.migration?.toSucceeded(op);
      if (role !== undefined) out.role = role;
    } else if (rank[out.role] < rank.Started) setActive();
    if (clear) clearPastFailure();
  };
  const checkRecoverable = (task: string) => {
    if (task === 'stop' && !ctx.canFence) {
      out.unrecoverable = true;
      out.managed = false;
    }
  };
  const failure = (op: LrmOp, rc: number, policy: FailurePolicy) => {
    lastFailure = op;
    if (onFailSeverity[out.onFail] < onFailSeverity[policy.onFail]) out.onFail = policy.onFail;
    const task = op.operation;
    if (task === 'stop') out.bans.push({ target: 'self', everywhere: false });
    else if (task === 'migrate_to') ctx.migration?.toFailed(op);
    else if (task === 'migrate_from') ctx.migration?.fromFailed(op);
    else if (task === 'promote') out.role = 'Promoted';
    else if (task === 'demote') {
      if (policy.onFail === 'block') {
        out.role = 'Promoted';
        out.nextRole = 'Stopped';
      } else if (rc === 7) out.role = 'Stopped';
      else out.role = 'Unpromoted';
    }
    if (isProbe(op) && rc === 5) out.role = 'Stopped';
    else if (rank[out.role] < rank.Started) setActive();
    if (policy.failRole !== 'Started' && rank[out.nextRole] < rank[policy.failRole]) out.nextRole = policy.failRole;
    if (policy.failRole === 'Stopped') out.stopEverywhere = true;
  };
  const policyOf = (op: LrmOp) =>
    failurePolicy(ctx.prim, op.operation, op.intervalMs, {
      stonithEnabled: ctx.stonithEnabled,
      opDefaults: ctx.opDefaults,
      inContainer: ctx.inContainer,
    });

  // Pacemaker prepends each entry to a list (so reverses them) and sorts that with GLib's merge
  // sort: with pending and notify entries (call-id -1) the comparison is not transitive, and the
  // order, so the role read last, follows that sort (bug-cl-5168: a promoted monitor after a start).
  for (const op of glibListSort([...ops].reverse(), compareOps)) {
    const task = op.operation;
    if (task === 'notify' || task === 'meta-data') continue;
    const target = expectedRc(op);
    let rc = op.rc;
    let status: number = op.opStatus;
    const expired = status !== ExecStatus.notInstalled && isExpired(op, rc, ctx);
    // Remap the result against what was expected.
    if (task === 'monitor') rc = rc === 190 ? 0 : rc === 191 ? 8 : rc;
    const maskable = maskableProbeFailure(op);
    if (maskable) {
      status = ExecStatus.done;
      rc = 7;
    }
    if (status === ExecStatus.done || status === ExecStatus.error) {
      status = target < 0 || target !== rc ? ExecStatus.error : ExecStatus.done;
      const probe = isProbe(op);
      switch (rc) {
        case 0:
          if (probe && target === 7) status = ExecStatus.done;
          break;
        case 7:
          if (probe || target === rc || !out.managed) {
            status = ExecStatus.done;
            out.role = 'Stopped';
            out.onFail = 'ignore';
            out.nextRole = 'Unknown';
          }
          break;
        case 8:
          if (probe && rc !== target) status = ExecStatus.done;
          out.role = 'Promoted';
          break;
        case 9:
        case 191:
          out.role = 'Promoted';
          status = ExecStatus.error;
          break;
        case 6:
          status = ExecStatus.errorFatal;
          break;
        case 3:
          if (op.intervalMs === 0) {
            checkRecoverable(task);
            status = ExecStatus.errorHard;
          } else status = ExecStatus.notSupported;
          break;
        case 5:
        case 2:
        case 4:
          checkRecoverable(task);
          status = ExecStatus.errorHard;
          break;
        default:
          if (status === ExecStatus.done) status = ExecStatus.error;
      }
    }
    if (expired && maskable && op.rc !== target) {
      if (rank[out.role] <= rank.Stopped) out.role = 'Unknown';
      continue;
    }
    if (expired && rc !== target) {
      if (op.intervalMs === 0) continue;
      if (node.online && !node.unclean) {
        out.rescheduled.push(op.intervalMs);
        continue;
      }
    }
    if (maskable) {
      updateState(op, target);
      out.bans.push({ target: 'top', everywhere: false });
      continue;
    }
    switch (status) {
      case ExecStatus.cancelled:
        continue;
      case ExecStatus.pending:
        if (out.pendingTask === undefined && (task !== 'monitor' || op.intervalMs !== 0)) out.pendingTask = task;
        if (task === 'start') {
          out.startPending = true;
          setActive();
        } else if (task === 'promote') out.role = 'Promoted';
        else if (task === 'migrate_to' && node.unclean && op.attrs.migrate_target !== undefined)
          out.pendingMigrationTarget = op.attrs.migrate_target;
        continue;
      case ExecStatus.done:
        updateState(op, rc);
        continue;
      case ExecStatus.notInstalled: {
        if (policyOf(op).onFail === 'ignore') out.onFail = 'migrate';
        out.bans.push({ target: 'top', everywhere: false });
        failure(op, rc, policyOf(op));
        continue;
      }
      case ExecStatus.noFenceDevice:
      case ExecStatus.noSecrets:
        status = ExecStatus.errorHard;
        break;
      default:
        break;
    }
    const policy = policyOf(op);
    // A failed stop inside a container is ignored too, and restarts the container (unpack_rsc_op).
    const containerStop = policy.onFail === 'restart-container' && op.operation === 'stop';
    if (policy.onFail === 'ignore' || containerStop) {
      // "Pretending failed ... succeeded".
      updateState(op, target);
      out.failureIgnored = true;
      if (containerStop && onFailSeverity[out.onFail] <= onFailSeverity.restart) out.onFail = 'restart-container';
      continue;
    }
    failure(op, rc, policy);
    if (status === ExecStatus.errorHard) out.bans.push({ target: 'top', everywhere: false });
    else if (status === ExecStatus.errorFatal) out.bans.push({ target: 'top', everywhere: true });
  }
  return out;
}

/**
 * Whether a history entry is older than the resource's failure-timeout and no unexpired fail
 * count holds it (a probe that found the resource in a definite state never expires).
 */
function isExpired(op: LrmOp, rc: number, ctx: HistoryContext): boolean {
  const lastRun = Number.parseInt(op.attrs['last-rc-change'] ?? '', 10);
  if (ctx.failureTimeoutS <= 0 || Number.isNaN(lastRun)) return false;
  let expired = ctx.now >= lastRun + ctx.failureTimeoutS;
  if (expired && ctx.failCount(false) > 0 && ctx.failCount(true) !== 0) expired = false;
  if (expired && isProbe(op) && [0, 7, 8, 190, 191].includes(rc)) expired = false;
  if (expired && ctx.remoteMonitorFailuresWait && op.operation === 'monitor' && op.intervalMs !== 0) expired = false;
  return expired;
}
