/**
 * Whether a resource's definition changed since it was started, read from the digests its
 * operation history carries (Pacemaker 2.1.5's `pcmk__check_action_config` on what
 * `rsc_action_digest_cmp` finds):
 *
 * - `op-restart-digest` (written for an agent that can reload) over the parameters that are not
 *   reloadable (`op-force-restart`): when it differs, the resource is restarted;
 * - `op-digest` over all parameters (and, for a recurring operation, its timeout): when it
 *   differs, or is missing, a recurring monitor is scheduled again, a one-shot operation is
 *   reloaded when the agent can reload (restart digest present), else restarted; a start whose op
 *   has instance attributes of its own is always restarted;
 * - `op-secure-digest` (crm_simulate only, `sanitized`): when only the private parameters
 *   differ (crm_report masks them), nothing happens.
 *
 * Only the history since the resource's last start on a node counts, and only where it is still
 * active. The result is noted on the resource (`definitionChangedOn`, `reloadOn`, `rescheduled`)
 * for the actions to use.
 */

import { digestParams, parametersDigest } from '../pcmk/op-digest.js';
import { isManaged } from './assign.js';
import type { LrmOp, LrmResource } from './cib-model.js';
import { actionParameters } from './graph-xml.js';
import { disabled } from './history.js';
import { parseDurationMs } from './nvsets.js';
import { compareOps } from './op-order.js';
import type { UnpackMemo } from './unpack-memo.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** What a comparison found (Pacemaker's `rsc_digest_cmp_val`). */
type DigestResult = 'match' | 'restart' | 'all' | 'unknown';

/** The tasks whose digest is compared with the start's definition (`task_for_digest`). */
function digestTask(task: string, intervalMs: number): string {
  return intervalMs === 0 && ['monitor', 'migrate_from', 'promote'].includes(task) ? 'start' : task;
}

/** Pacemaker's `calculate_active_ops`: the index of the last start (or what implies one) and of the last stop. */
function activeSpan(ops: readonly LrmOp[]): { start: number; stop: number } {
  let start = -1;
  let stop = -1;
  let impliedMonitor = -1;
  let impliedClone = -1;
  ops.forEach((o, i) => {
    if (o.operation === 'stop' && o.opStatus === 0) stop = i;
    else if (o.operation === 'start' || o.operation === 'migrate_from') start = i;
    else if (impliedMonitor <= stop && o.operation === 'monitor') {
      if (o.rc === 0 || o.rc === 8) impliedMonitor = i;
    } else if (o.operation === 'promote' || o.operation === 'demote') impliedClone = i;
  });
  if (start === -1) start = impliedClone !== -1 ? impliedClone : impliedMonitor;
  return { start, stop };
}

/** Whether a recurring operation is still configured (enabled or not, as Pacemaker's `action_in_config`). */
function configured(p: WRsc, task: string, intervalMs: number): boolean {
  return (p.primitive?.ops ?? []).some((o) => o.name === task && (parseDurationMs(o.interval) ?? 0) === intervalMs);
}

/** Whether the op a one-shot action comes from has instance attributes of its own (Pacemaker's action "extra"). */
function opParamNames(p: WRsc, task: string): Set<string> {
  const op = p.primitive?.ops.find((o) => !disabled(o) && o.name === task && (parseDurationMs(o.interval) ?? 0) === 0);
  return new Set((op?.params ?? []).flatMap((s) => s.pairs.map((x) => x.name)));
}

/** Names listed in a space-separated history attribute (`op-force-restart`, `op-secure-params`). */
function listed(list: string): Set<string> {
  return new Set(list.split(' ').filter((w) => w.length > 0));
}

/**
 * Compares one history entry with the resource's current definition on its node.
 *
 * @example
 * compareDigests(ws, p, node, op, false) // 'match' when nothing changed
 */
export function compareDigests(ws: WorkingSet, p: WRsc, node: WNode, op: LrmOp, sanitized: boolean): DigestResult {
  const task = digestTask(op.operation, op.intervalMs);
  const params = digestParams(actionParameters(ws, p, task, op.intervalMs, node.uname));
  // A bundle's guest connection without an address of its own (`addr=#uname`) is digested with
  // its container's node in its place (Pacemaker's REMOTE_CONTAINER_HACK, pe__add_bundle_remote_name:
  // the node it is assigned, else where it runs: the node it runs on here). Not in the secure digest.
  const host = p.bundleImplied && params.addr === '#uname' ? p.container?.runningOn[0]?.uname : undefined;
  const all = host !== undefined ? { ...params, addr: host } : params;
  const recorded = op.attrs['op-digest'];
  const restartRecorded = op.attrs['op-restart-digest'];
  let result: DigestResult;
  // A one-shot action whose op has parameters of its own is restarted, never reloaded.
  const extra = op.intervalMs === 0 && opParamNames(p, task).size > 0;
  if (restartRecorded !== undefined) {
    const keep = listed(op.attrs['op-force-restart'] ?? '');
    const restartParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(all)) if (op.attrs['op-force-restart'] === undefined || keep.has(k)) restartParams[k] = v;
    if (parametersDigest(restartParams) !== restartRecorded) return 'restart';
  }
  if (recorded === undefined) result = 'unknown';
  else if (recorded === parametersDigest(all)) result = 'match';
  else result = extra ? 'restart' : 'all';
  if (result !== 'match' && sanitized && secureMatches(p, op, task, params)) return 'match';
  return result;
}

/** Feature sets before 3.16.0 digested only the resource's own parameters for the secure digest. */
function oldFeatureSet(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '0').split('.').map((x) => Number.parseInt(x, 10) || 0);
  return major < 3 || (major === 3 && minor < 16);
}

/** A parameter Pacemaker adds to fence devices itself (`pcmk_stonith_param`). */
function fenceParam(name: string): boolean {
  if (name === 'provides' || name === 'stonith-timeout') return true;
  if (
    [
      'pcmk_action_limit',
      'pcmk_delay_base',
      'pcmk_delay_max',
      'pcmk_host_argument',
      'pcmk_host_check',
      'pcmk_host_list',
      'pcmk_host_map',
    ].includes(name)
  )
    return true;
  return /^pcmk_[^_]*_(action|timeout|retries)$/.test(name);
}

/**
 * In a sanitized simulation: whether only private parameters (masked by crm_report) differ. The
 * secure digest covers every digested parameter but the private ones and the timeout; one written
 * by a controller older than feature set 3.16.0 covers only the resource's own parameters (and,
 * for a fence device, not those Pacemaker adds itself).
 */
function secureMatches(p: WRsc, op: LrmOp, task: string, all: Readonly<Record<string, string>>): boolean {
  const recorded = op.attrs['op-secure-digest'];
  if (recorded === undefined) return false;
  const secret = listed(op.attrs['op-secure-params'] ?? '');
  const old = oldFeatureSet(op.attrs.crm_feature_set);
  const opParams = old ? opParamNames(p, task) : new Set<string>();
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (secret.has(k) || k === 'CRM_meta_timeout' || opParams.has(k)) continue;
    if (old && p.primitive?.class === 'stonith' && fenceParam(k)) continue;
    params[k] = v;
  }
  return parametersDigest(params) === recorded;
}

/**
 * Checks every active primitive's history for definition changes and notes what they need: a
 * restart where the resource is (`definitionChangedOn`), a reload (`reloadOn`), or a recurring
 * monitor scheduled again (`rescheduled`).
 *
 * @example
 * checkDefinitions(ws, { sanitized: true }); ws.byId.get('ip')?.definitionChangedOn // [node1]
 */
export function checkDefinitions(ws: WorkingSet, opts: { sanitized: boolean; memo?: UnpackMemo }): void {
  // As Pacemaker, each history entry is checked for the resources it names (`pcmk__rscs_matching_id`):
  // the one with that id, or the anonymous clone instance found under it (its clone name), when it
  // is active on that node. An instance matched to another entry is not checked against this one.
  const named = new Map<string, WRsc[]>();
  for (const p of ws.primitives) {
    for (const id of new Set([p.id, p.cloneName ?? p.id])) named.set(id, [...(named.get(id) ?? []), p]);
  }
  for (const state of ws.cib.status) {
    const node = ws.nodeByName.get(state.uname);
    if (!node?.online || node.unclean) continue;
    let nodeAttrs: string | undefined;
    // With a memo, an entry compared before with the same inputs is not digested again.
    const compare: Compare = opts.memo
      ? (p, op, fresh) => {
          nodeAttrs ??= JSON.stringify([...node.attrs]);
          return (opts.memo as UnpackMemo).digest(
            op,
            { cib: ws.cib, rsc: p.id, node: node.uname, nodeAttrs, sanitized: opts.sanitized },
            fresh,
          );
        }
      : (_p, _op, fresh) => fresh();
    for (const lrm of state.lrm) {
      if (lrm.ops.length === 0) continue;
      for (const p of named.get(lrm.id) ?? []) {
        // Nothing is done to an unmanaged resource (nor to an orphan, which is only stopped).
        if (p.orphan || !p.primitive || !isManaged(ws, p) || !p.runningOn.includes(node)) continue;
        // A bundle's implied resources have parameters Pacemaker makes up (bundles.ts): not compared.
        // Another agent since it started there (`pcmk__rsc_agent_changed`): restarted with the new one.
        if (lrm.class !== p.primitive.class || lrm.type !== p.primitive.type || (lrm.provider ?? '') !== (p.primitive.provider ?? '')) {
          note(p, 'definitionChangedOn', node);
          continue;
        }
        checkNode(ws, p, node, lrm, opts.sanitized, compare);
      }
    }
  }
}

/** Runs (or answers from a memo) one digest comparison. */
type Compare = (p: WRsc, op: LrmOp, fresh: () => DigestResult) => DigestResult;

function checkNode(ws: WorkingSet, p: WRsc, node: WNode, lrm: LrmResource, sanitized: boolean, compare: Compare): void {
  const ops = [...lrm.ops].sort(compareOps);
  const { start, stop } = activeSpan(ops);
  if (start < stop) return;
  const maintenance = p.meta.get('maintenance') === 'true' || node.maintenance || ws.maintenanceMode;
  for (let i = Math.max(start, 0); i < ops.length; i++) {
    const op = ops[i] as LrmOp;
    const recurring = op.intervalMs > 0;
    if (recurring && maintenance) continue;
    if (!recurring && !['monitor', 'start', 'promote', 'migrate_from'].includes(op.operation)) continue;
    // A recurring operation no longer configured is only cancelled (not modelled: graph only).
    if (recurring && !configured(p, op.operation, op.intervalMs)) continue;
    const result = compare(p, op, () => compareDigests(ws, p, node, op, sanitized));
    if (result === 'match') continue;
    if (result === 'restart') forceRestart(p, node);
    else if (recurring) {
      p.rescheduled ??= new Map();
      const list = p.rescheduled.get(node.uname) ?? [];
      if (!list.includes(op.intervalMs)) p.rescheduled.set(node.uname, [...list, op.intervalMs]);
    } else if (op.attrs['op-restart-digest'] !== undefined && !(p.pending?.task === 'start' && p.pending.node === node.uname))
      note(p, 'reloadOn', node);
    else forceRestart(p, node);
  }
}

/** A restart for a changed digest: noted where it is, and its start made before assignment (`restartForced`). */
function forceRestart(p: WRsc, node: WNode): void {
  note(p, 'definitionChangedOn', node);
  p.restartForced = true;
}

function note(p: WRsc, field: 'definitionChangedOn' | 'reloadOn', node: WNode): void {
  const list = p[field] ?? [];
  if (!list.includes(node)) list.push(node);
  p[field] = list;
}
