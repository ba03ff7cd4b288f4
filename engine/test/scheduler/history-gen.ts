/**
 * Operation history entries for generated CIBs, written the way Pacemaker's controller records
 * them: `<rsc>_last_0` for the last one-shot operation, `<rsc>_monitor_<ms>` for a recurring
 * monitor, `<rsc>_last_failure_0` for the last failure, with a transition key carrying the
 * expected result and the `op-digest` Pacemaker computes for a resource without parameters (so
 * crm_simulate does not restart everything for a "resource definition change").
 */
import { createHash } from 'node:crypto';
import type { LrmOp, NodeState as ModelNodeState, Primitive, Writable } from '../../src/core/cib-model.js';

/** Built here and changed while being built: the writable forms of the model's types. */
type NodeState = Writable<ModelNodeState>;

import { parseDurationMs } from '../../src/core/nvsets.js';

/**
 * Pacemaker's operation digest for a resource without instance parameters: the MD5 of its
 * canonical `<parameters/>` element; a recurring operation's includes its timeout.
 *
 * @example
 * opDigest(0) // 'f2317cad3d54cec5d7d7aa7d0bf35cf8'
 */
function opDigest(intervalMs: number, timeoutMs = 20000): string {
  const xml = intervalMs > 0 ? ` <parameters CRM_meta_timeout="${timeoutMs}"/>\n` : ' <parameters/>\n';
  return createHash('md5').update(xml).digest('hex');
}

interface OpSpec {
  id: string;
  task: string;
  intervalMs: number;
  callId: number;
  rc: number;
  /** The result the controller expected (0, 7 for a probe, 8 for a promoted monitor). */
  expected: number;
  opStatus?: number;
  lastRcChange: number;
}

/** The configured timeout of a recurring monitor, in ms (20 s when not configured). */
function monitorTimeoutMs(p: Primitive, intervalMs: number): number {
  const op = p.ops.find((o) => o.name === 'monitor' && parseDurationMs(o.interval) === intervalMs);
  return parseDurationMs(op?.attrs.timeout) ?? 20000;
}

/**
 * One `lrm_rsc_op` as the controller writes it.
 *
 * @example
 * lrmOp('web', { id: 'web_last_0', task: 'start', intervalMs: 0, callId: 10, rc: 0, expected: 0, lastRcChange: now })
 */
export function lrmOp(rsc: string, s: OpSpec, timeoutMs = 20000): LrmOp {
  const key = `${s.callId}:1:${s.expected}:00000000-0000-0000-0000-000000000000`;
  const status = s.opStatus ?? 0;
  return {
    id: s.id,
    operation: s.task,
    callId: s.callId,
    rc: s.rc,
    opStatus: status,
    intervalMs: s.intervalMs,
    attrs: {
      id: s.id,
      operation_key: `${rsc}_${s.task}_${s.intervalMs}`,
      operation: s.task,
      'crm-debug-origin': 'ocfkit-generator',
      crm_feature_set: '3.16.1',
      'transition-key': key,
      'transition-magic': `${status}:${s.rc};${key}`,
      'exit-reason': '',
      'call-id': String(s.callId),
      'rc-code': String(s.rc),
      'op-status': String(status),
      interval: String(s.intervalMs),
      'last-rc-change': String(s.lastRcChange),
      'exec-time': '0',
      'queue-time': '0',
      'op-digest': opDigest(s.intervalMs, timeoutMs),
    },
  };
}

/** The kinds of failure the generator injects into a resource's history on one node. */
export type FailureKind = 'monitor' | 'start' | 'stop' | 'probe' | 'promote' | 'promoted-monitor';

/**
 * Adds a failure to a primitive's history on a node, with the fail-count and last-failure
 * attributes the controller would set (a failed start or stop counts INFINITY when
 * `startFatal`). Returns the attributes to add to the node's transient attributes.
 */
export function injectFailure(
  state: NodeState,
  p: Primitive,
  kind: FailureKind,
  opts: { callId: number; rc: number; opStatus: number; when: number; startFatal: boolean },
): [string, string][] {
  let lr = state.lrm.find((l) => l.id === p.id);
  if (!lr) {
    lr = { id: p.id, class: p.class, provider: p.provider, type: p.type, ops: [] };
    state.lrm.push(lr);
  }
  const base = { callId: opts.callId, rc: opts.rc, opStatus: opts.opStatus, lastRcChange: opts.when };
  let spec: OpSpec;
  switch (kind) {
    case 'monitor':
      spec = { ...base, id: `${p.id}_monitor_10000`, task: 'monitor', intervalMs: 10000, expected: 0 };
      break;
    case 'promoted-monitor':
      spec = { ...base, id: `${p.id}_monitor_11000`, task: 'monitor', intervalMs: 11000, expected: 8 };
      break;
    case 'probe':
      spec = { ...base, id: `${p.id}_last_0`, task: 'monitor', intervalMs: 0, expected: 7 };
      break;
    default:
      spec = { ...base, id: `${p.id}_last_0`, task: kind, intervalMs: 0, expected: 0 };
  }
  const op = lrmOp(p.id, spec, monitorTimeoutMs(p, spec.intervalMs));
  const failure = lrmOp(p.id, { ...spec, id: `${p.id}_last_failure_0` }, monitorTimeoutMs(p, spec.intervalMs));
  lr.ops = [...lr.ops.filter((o) => o.id !== op.id && o.id !== failure.id), op, failure];
  // A probe that finds the resource running (rc 0/8) is not a failure: no fail count.
  if (kind === 'probe' && (opts.rc === 0 || opts.rc === 8)) {
    lr.ops = lr.ops.filter((o) => o.id !== failure.id);
    return [];
  }
  const name = `${p.id}#${spec.task}_${spec.intervalMs}`;
  const count = (kind === 'start' || kind === 'stop') && opts.startFatal ? 'INFINITY' : '1';
  return [
    [`fail-count-${name}`, count],
    [`last-failure-${name}`, String(opts.when)],
  ];
}
