/**
 * One executor result as the CIB status section records it: an `lrm_rsc_op` entry (contract
 * §5.7) with Pacemaker's ids and attributes, built from the action the controller ran.
 */
import type { LrmOp } from '../core/cib-model.js';
import { type AgentDigestInfo, restartDigest, secureDigest } from './agent-digests.js';
import { EXEC_STATUS, effectiveRc } from './exec-status.js';
import { CRM_FEATURE_SET } from './feature-set.js';
import { opDigest } from './op-digest.js';
import { opKey } from './op-key.js';
import { encodeTransitionMagic } from './transition-key.js';

/** What {@link historyEntry} needs: the action as it was asked for, and how it went. */
export interface HistoryInput {
  /** The history id of the resource (`db` for an anonymous clone instance `db:1`). */
  rsc: string;
  task: string;
  intervalMs: number;
  node: string;
  transitionKey: string;
  targetRc: number;
  /** The attributes the agent was given (instance parameters, `CRM_meta_*`): the digest covers them. */
  attributes: Readonly<Record<string, string>>;
  callId: number;
  rc: number;
  /** `op-status` (see {@link EXEC_STATUS}). */
  opStatus: number;
  exitReason?: string;
  /** When the agent ran and how long it took / waited, in ms. */
  startedAtMs: number;
  execMs: number;
  queueMs: number;
  /** The `last-rc-change` (seconds) to keep when the previous entry had the same rc and status. */
  previous?: LrmOp;
  /** `crm-debug-origin`. */
  origin?: string;
  /** The agent's parameter flags (from its meta-data): adds the restart and secure digests. */
  agentInfo?: AgentDigestInfo;
}

/**
 * Whether a result is a failure for the controller: the execution did not complete, or the rc
 * (degraded counted as running) is not the one the action expected.
 *
 * @example
 * isFailure(7, 0, 0) // true — a monitor that expected "running"
 */
export function isFailure(rc: number, opStatus: number, targetRc: number): boolean {
  if (opStatus === EXEC_STATUS.cancelled || opStatus === EXEC_STATUS.pending) return false;
  return opStatus !== EXEC_STATUS.done || effectiveRc(rc) !== targetRc;
}

const MIGRATION_TASKS = ['migrate_to', 'migrate_from'];

const DIGESTED_TASKS = ['start', 'monitor', 'promote', 'demote', 'reload', 'reload-agent', 'migrate_to', 'migrate_from', 'notify'];

function entry(id: string, input: HistoryInput, lastRcChange: number): LrmOp {
  const key = opKey(input.rsc, input.task, input.intervalMs);
  const attrs: Record<string, string> = {
    id,
    operation_key: key,
    operation: input.task,
    'crm-debug-origin': input.origin ?? 'do_update_resource',
    crm_feature_set: CRM_FEATURE_SET,
    'transition-key': input.transitionKey,
    'transition-magic': encodeTransitionMagic(input.opStatus, input.rc, input.transitionKey),
    'exit-reason': input.exitReason ?? '',
    on_node: input.node,
    'call-id': String(input.callId),
    'rc-code': String(input.rc),
    'op-status': String(input.opStatus),
    interval: String(input.intervalMs),
    'last-rc-change': String(lastRcChange),
    'exec-time': String(Math.max(0, Math.round(input.execMs))),
    'queue-time': String(Math.max(0, Math.round(input.queueMs))),
    'op-digest': opDigest(input.attributes),
  };
  // A migration's entry names both ends (Pacemaker reads the other end's history with them).
  const source = input.attributes.CRM_meta_migrate_source;
  const target = input.attributes.CRM_meta_migrate_target;
  if (MIGRATION_TASKS.includes(input.task) && source !== undefined && target !== undefined) {
    attrs.migrate_source = source;
    attrs.migrate_target = target;
  }
  // Pacemaker reads the meta-data only for these (`crm_op_needs_metadata`): no digests on a stop.
  const info = DIGESTED_TASKS.includes(input.task) ? input.agentInfo : undefined;
  const restart = info && restartDigest(input.attributes, input.intervalMs, info);
  if (restart) {
    attrs['op-force-restart'] = restart.list;
    attrs['op-restart-digest'] = restart.digest;
  }
  const secure = info && secureDigest(input.attributes, info);
  if (secure) {
    attrs['op-secure-params'] = secure.list;
    attrs['op-secure-digest'] = secure.digest;
  }
  return { id, operation: input.task, callId: input.callId, rc: input.rc, opStatus: input.opStatus, intervalMs: input.intervalMs, attrs };
}

/**
 * The history entries for one result: the main one (`<rsc>_last_0` for one-shot operations,
 * `<rsc>_<task>_<interval>` for recurring ones and migrations) and, when the result is a failure,
 * `<rsc>_last_failure_0` too. `last-rc-change` moves only when rc or status changed.
 *
 * @example
 * const { main, failure } = historyEntry({ rsc: 'db', task: 'start', intervalMs: 0, ... });
 */
export function historyEntry(result: HistoryInput): { main: LrmOp; failure?: LrmOp } {
  // A reload is recorded as the start it stands for (one that did not complete as a monitor),
  // as Pacemaker's controller does (`pcmk__create_history_xml`): the next check of the
  // definition compares with what the reload applied.
  const reload = result.task === 'reload' || result.task === 'reload-agent';
  const input = reload ? { ...result, task: result.opStatus === EXEC_STATUS.done ? 'start' : 'monitor' } : result;
  const now = Math.floor((input.startedAtMs + input.execMs) / 1000);
  const prev = input.previous;
  const same = prev !== undefined && prev.rc === input.rc && prev.opStatus === input.opStatus && prev.operation === input.task;
  const lastRcChange = same ? Number.parseInt(prev.attrs['last-rc-change'] ?? String(now), 10) : now;
  // Migration history is kept under its own key (`<rsc>_migrate_to_0`), failed or not, as Pacemaker's controller does.
  const migration = MIGRATION_TASKS.includes(input.task);
  const mainId = input.intervalMs > 0 || migration ? opKey(input.rsc, input.task, input.intervalMs) : `${input.rsc}_last_0`;
  const main = entry(mainId, input, lastRcChange);
  if (migration || !isFailure(input.rc, input.opStatus, input.targetRc)) return { main };
  return { main, failure: entry(`${input.rsc}_last_failure_0`, input, now) };
}
