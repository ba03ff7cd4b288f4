/**
 * The transition graph as Pacemaker writes it (`crm_simulate --save-graph`, and what the
 * controller executes): `<transition_graph>` with one `<synapse>` per action, the action in
 * `<action_set>` and the actions it waits for in `<inputs>`. Pure: no I/O, no clock.
 */

import { escapeXml } from '@ocfkit/sdk/xml';
import { CRM_FEATURE_SET } from '../pcmk/feature-set.js';
import { digestParams, parametersDigest } from '../pcmk/op-digest.js';
import type { Cib, NvSet, Op } from './cib-model.js';
import { opDefaultsFor } from './defaults-rules.js';
import { failCount } from './failcount.js';
import type { ActionDetail, GraphAction, TransitionGraph } from './graph.js';
import { historyIdsOf } from './history-id.js';
import { flattenSets, isTrue, parseDurationMs } from './nvsets.js';
import { evaluateRule, type NodeAttrs } from './rules.js';
import { actionLockTime, applyShutdownLocks, lockExpiry } from './shutdown-locks.js';
import { unfencingDevices, unfencingEnabled } from './unfencing.js';
import { unpack } from './unpack.js';
import type { UnpackMemo } from './unpack-memo.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

/** Pacemaker's default operation timeout, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 20_000;

/** Options of {@link graphToXml}. */
export interface GraphXmlOptions {
  /** The graph's `transition_id` (crm_simulate writes 0; the controller counts up). */
  transitionId?: number;
}

/** ` name="value"` for each attribute with a value. */
function attrText(attrs: readonly (readonly [string, string | undefined])[]): string {
  let out = '';
  for (const [k, v] of attrs) if (v !== undefined) out += ` ${k}="${escapeXml(v, { attribute: true })}"`;
  return out;
}

/** Pacemaker's `crm_meta_name`: `CRM_meta_` + the name with dashes made underscores. */
function metaName(name: string): string {
  return `CRM_meta_${name.replace(/-/g, '_')}`;
}

/**
 * Attribute sets as Pacemaker unpacks them for one node: higher `score` first, the first value
 * seen for a name wins, and a set whose rule does not hold on the node is skipped.
 */
function setsForNode(sets: readonly NvSet[], attrs: NodeAttrs | undefined): Map<string, string> {
  const applies = sets.filter((s) => s.rule === undefined || (attrs !== undefined && evaluateRule(s.rule, attrs)));
  return flattenSets(applies.map((s) => ({ ...s, rule: undefined })));
}

function intervalOf(op: Op): number {
  return parseDurationMs(op.interval) ?? 0;
}

/** The `<op>` an action was created from: same name and interval (disabled ones included, as Pacemaker does). */
function opEntry(p: WRsc, task: string, intervalMs: number): Op | undefined {
  return p.primitive?.ops.find((o) => o.name.toLowerCase() === task && intervalOf(o) === intervalMs);
}

/** The enabled monitor with the shortest interval: its timeout is the default for probes. */
function shortestMonitor(p: WRsc): Op | undefined {
  let best: Op | undefined;
  for (const o of p.primitive?.ops ?? []) {
    if (o.name !== 'monitor' || (o.attrs.enabled !== undefined && !isTrue(o.attrs.enabled))) continue;
    const ms = intervalOf(o);
    if (ms > 0 && (best === undefined || ms < intervalOf(best))) best = o;
  }
  return best;
}

/**
 * An action's meta attributes as Pacemaker's `unpack_operation` builds them: `op_defaults` (those
 * whose rules hold for the resource and operation), then
 * (for a probe) the shortest monitor's timeout, then the op's own meta attributes and its XML
 * attributes; the interval and timeout normalized to milliseconds.
 */
function opMeta(ws: WorkingSet, p: WRsc, a: GraphAction): Map<string, string> {
  const meta = opDefaultsFor(ws.cib.opDefaults, p.primitive, a.task, a.intervalMs);
  if (a.probe) {
    const timeout = shortestMonitor(p)?.attrs.timeout;
    if (timeout !== undefined) meta.set('timeout', timeout);
  }
  const op = opEntry(p, a.task, a.intervalMs);
  if (op) {
    for (const [k, v] of flattenSets(op.meta)) meta.set(k, v);
    meta.set('name', op.name);
    meta.set('interval', op.interval);
    for (const [k, v] of Object.entries(op.attrs)) meta.set(k, v);
  }
  meta.delete('id');
  if (a.intervalMs > 0) meta.set('interval', String(a.intervalMs));
  else meta.delete('interval');
  meta.set('timeout', String(parseDurationMs(meta.get('timeout')) ?? DEFAULT_TIMEOUT_MS));
  const delay = meta.get('start-delay');
  if (delay !== undefined) meta.set('start-delay', String(parseDurationMs(delay) ?? 0));
  if (a.migration) {
    meta.set('migrate_source', a.migration.source);
    meta.set('migrate_target', a.migration.target);
    // A migrate_to in flight is recorded, in case the source leaves before it returns.
    if (a.task === 'migrate_to') meta.set('record-pending', 'true');
  }
  return meta;
}

/** The clone a primitive is an instance of (directly, or as a member of a cloned group). */
function cloneOf(p: WRsc): WRsc | undefined {
  if (p.parent?.variant === 'clone') return p.parent;
  if (p.parent?.parent?.variant === 'clone') return p.parent.parent;
  return undefined;
}

function anonymous(clone: WRsc): boolean {
  return !isTrue(clone.meta.get('globally-unique'));
}

/** The id an anonymous clone instance's primitive has in the configuration (`db:1` → `db`). */
function configuredId(p: WRsc): string {
  return p.id.replace(/:\d+$/, '');
}

/** Meta attributes the clone adds to every instance's actions (Pacemaker's `clone_append_meta`). */
function cloneMeta(clone: WRsc, p: WRsc, out: Map<string, string>): void {
  const instance = /:(\d+)$/.exec(p.id)?.[1];
  if (instance !== undefined) out.set(metaName('clone'), instance);
  const max = clone.configuredMax ?? clone.children.filter((i) => !i.orphan).length;
  out.set(metaName('globally-unique'), anonymous(clone) ? 'false' : 'true');
  out.set(metaName('notify'), isTrue(clone.meta.get('notify')) ? 'true' : 'false');
  out.set(metaName('clone-max'), String(max));
  out.set(metaName('clone-node-max'), String(intOr(clone.meta.get('clone-node-max'), 1)));
  if (clone.promotable) {
    const promotedMax = String(intOr(clone.meta.get('promoted-max') ?? clone.meta.get('master-max'), 1));
    const promotedNodeMax = String(intOr(clone.meta.get('promoted-node-max') ?? clone.meta.get('master-node-max'), 1));
    out.set(metaName('promoted-max'), promotedMax);
    out.set(metaName('promoted-node-max'), promotedNodeMax);
    out.set(metaName('master-max'), promotedMax);
    out.set(metaName('master-node-max'), promotedNodeMax);
  }
}

function intOr(text: string | undefined, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isNaN(n) ? fallback : n;
}

/** The fencing action a `stonith-<node>-<action>` key asks for. */
function fenceAction(a: GraphAction): string {
  const prefix = `stonith-${a.node}-`;
  return a.key.startsWith(prefix) ? a.key.slice(prefix.length) : 'reboot';
}

/**
 * A synapse's priority is its resource's; an instance of a promotable clone has the clone's
 * (Pacemaker resets instance priorities after using them for promotion).
 */
function synapsePriority(p: WRsc): number {
  return p.parent?.variant === 'clone' && p.parent.promotable ? p.parent.priority : p.priority;
}

/** The newest `last-failure-<rsc>[#<op>_<interval>]` time on a node, 0 when there is none. */
function lastFailure(node: WNode, base: string): number {
  let last = 0;
  for (const [k, v] of node.attrs) {
    if (!k.startsWith('last-failure-')) continue;
    const rest = k.slice('last-failure-'.length);
    const hash = rest.indexOf('#');
    if ((hash < 0 ? rest : rest.slice(0, hash)) !== base || (hash >= 0 && !/^#.+_[0-9]+$/.test(rest.slice(hash)))) continue;
    const t = Number.parseInt(v, 10);
    if (!Number.isNaN(t)) last = Math.max(last, t);
  }
  return last;
}

/**
 * When the scheduler must run again without any event (Pacemaker's `recheck-by`): the earliest
 * moment a fail count with `failure-timeout` expires, for resources with history on a node, or
 * a date rule's outcome changes.
 */
function recheckBy(ws: WorkingSet): number | undefined {
  let earliest = ws.dateRecheckAt;
  for (const node of ws.nodes) {
    if (!node.online && !(ws.stonithEnabled && node.unclean)) continue;
    const history = ws.history.get(node.uname);
    for (const p of ws.primitives) {
      const base = configuredId(p);
      if (p.failureTimeoutS <= 0 || !history?.has(base) || failCount(ws, p, node) <= 0) continue;
      const last = lastFailure(node, base);
      const at = last + p.failureTimeoutS + 1;
      if (last > 0 && ws.now < at && (earliest === undefined || at < earliest)) earliest = at;
    }
  }
  return earliest;
}

/** What the controller is told about one action: the element, its keys, and its node. */
interface Described {
  tag: 'rsc_op' | 'pseudo_event' | 'crm_event';
  operationKey: string;
  internalKey?: string;
  rsc?: WRsc;
  node?: WNode;
}

function describe(ws: WorkingSet, a: GraphAction): Described {
  const node = ws.nodeByName.get(a.node);
  if (a.task === 'stonith') return { tag: a.pseudo ? 'pseudo_event' : 'crm_event', operationKey: a.key, node };
  const rsc = a.rsc === undefined ? undefined : ws.byId.get(a.rsc);
  const clone = rsc && cloneOf(rsc);
  const tag = a.pseudo ? 'pseudo_event' : 'rsc_op';
  // An instance matched to history has Pacemaker's "clone name": its keys use the clone name
  // (the history id it was found under: the configured id, or a numbered one older versions wrote).
  const cloneName = rsc?.cloneName ?? (rsc?.orphan === true ? configuredId(rsc) : undefined);
  if (rsc && clone && anonymous(clone) && cloneName !== undefined) {
    // A notification's key names the clone name too (`db_post_notify_promote_0`).
    const operationKey = a.task === 'notify' ? `${cloneName}${a.key.slice(rsc.id.length)}` : `${cloneName}_${a.task}_${a.intervalMs}`;
    return { tag, operationKey, internalKey: a.key, rsc, node };
  }
  return { tag, operationKey: a.key, rsc, node };
}

/** Per-resource work shared by its actions: evaluated attribute sets and op meta attributes. */
class Memo {
  private readonly maps = new Map<string, Map<string, string>>();

  get(key: string, make: () => Map<string, string>): Map<string, string> {
    let m = this.maps.get(key);
    if (!m) {
      m = make();
      this.maps.set(key, m);
    }
    return m;
  }
}

/**
 * A primitive's parameters for a node: its own instance attributes, then those of its group and
 * clone for names it does not set (Pacemaker's get_rsc_attributes walks up the parents the same way).
 */
function inheritedParams(rsc: WRsc, attrs: NodeAttrs | undefined): Map<string, string> {
  const out = setsForNode(rsc.primitive?.params ?? [], attrs);
  for (let p = rsc.parent; p; p = p.parent) {
    const own = p.config.kind === 'primitive' ? undefined : p.config.params;
    if (own) for (const [k, v] of setsForNode(own, attrs)) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

function attributes(ws: WorkingSet, memo: Memo, a: GraphAction, d: Described): { attrs: Map<string, string>; params: Map<string, string> } {
  const attrs = new Map<string, string>([['crm_feature_set', CRM_FEATURE_SET]]);
  const params = new Map<string, string>();
  const meta = new Map<string, string>();
  const rsc = d.rsc;
  if (rsc) {
    const nodeKey = `${rsc.id}\0${a.node}`;
    // The migration's nodes are in the key: opMeta copies them (a migrating resource's own
    // migrate_to and migrate_from share one), so no other action's can be answered from it.
    const migration = a.migration ? `\0${a.migration.source}\0${a.migration.target}` : '';
    const opKey = `${rsc.id}\0${a.task}\0${a.intervalMs}\0${a.probe ? 'probe' : ''}${migration}`;
    // The op's own instance attributes (Pacemaker's action "extra"), then the resource's.
    const opParams = memo.get(`extra\0${opKey}\0${a.node}`, () =>
      setsForNode(opEntry(rsc, a.task, a.intervalMs)?.params ?? [], d.node?.attrs),
    );
    for (const [k, v] of opParams) if (!attrs.has(k)) attrs.set(k, v);
    for (const [k, v] of memo.get(`params\0${nodeKey}`, () => inheritedParams(rsc, d.node?.attrs))) {
      // Pacemaker writes parameters whose name starts with a digit as <param> children.
      if (/^[0-9]/.test(k)) params.set(k, v);
      else if (!attrs.has(k)) attrs.set(k, v);
    }
    for (const [k, v] of memo.get(`meta\0${opKey}`, () => opMeta(ws, rsc, a))) meta.set(k, v);
    for (const [k, v] of Object.entries(a.notify ?? {})) meta.set(k, v);
    // Pacemaker's add_graph_meta: a guest's container names its guest node, and whatever lives in
    // a container (a guest's connection too) names it, the outermost one for a group's member.
    const remoteNode = rsc.meta.get('remote-node');
    if (remoteNode !== undefined) meta.set('remote-node', remoteNode);
    for (let p: WRsc | undefined = rsc; p; p = p.parent) if (p.container) meta.set('container', p.container.id);
    if (a.probe || a.stoppedRole) meta.set('op_target_rc', '7');
    else if (a.task === 'monitor' && a.promoted) meta.set('op_target_rc', '8');
  } else if (a.task === 'stonith') {
    meta.set('stonith_action', fenceAction(a));
    // With unfencing in use, every fencing action carries the unfencing devices' digests, which
    // the controller records on the node after unfencing it (Pacemaker's pe_fence_op).
    if (!a.pseudo && unfencingEnabled(ws.cib) && d.node) {
      const node = d.node;
      const digests = unfencingDevices(ws)
        .map(
          (p) =>
            `${p.id}:${p.primitive?.type ?? ''}:${parametersDigest(digestParams(actionParameters(ws, p, 'stonith-on', 0, node.uname)))},`,
        )
        .join('');
      meta.set('digests_all', digests);
      meta.set('digests_secure', digests);
    }
    for (const [k, v] of d.node?.attrs ?? []) if (!/[#:]/.test(k) && !meta.has(k)) meta.set(k, v);
  }
  if (d.tag !== 'pseudo_event') {
    meta.set('on_node', a.node);
    meta.set('on_node_uuid', d.node?.id ?? a.node);
  }
  for (const [k, v] of meta) {
    const name = metaName(k);
    if (!attrs.has(name)) attrs.set(name, v);
  }
  const clone = rsc && cloneOf(rsc);
  // A globally-unique clone's orphan is a resource of its own to Pacemaker (no clone meta).
  if (rsc && clone && !(rsc.orphan && !anonymous(clone))) cloneMeta(clone, rsc, attrs);
  return { attrs, params };
}

const memos = new WeakMap<WorkingSet, Memo>();

/**
 * The parameters the agent is given for one action of a primitive on a node, as the graph
 * carries them (instance attributes evaluated for the node, the op's own instance attributes,
 * `CRM_meta_*`): what Pacemaker's operation digests are computed from.
 *
 * @example
 * actionParameters(ws, ws.byId.get('ip')!, 'monitor', 10000, 'node1') // { ip: '10.0.0.1', CRM_meta_interval: '10000', ... }
 */
export function actionParameters(ws: WorkingSet, rsc: WRsc, task: string, intervalMs: number, node: string): Record<string, string> {
  let memo = memos.get(ws);
  if (!memo) {
    memo = new Memo();
    memos.set(ws, memo);
  }
  const a = {
    id: -1,
    key: `${rsc.id}_${task}_${intervalMs}`,
    task,
    rsc: rsc.id,
    node,
    intervalMs,
    probe: false,
    pseudo: false,
  } as GraphAction;
  const { attrs, params } = attributes(ws, memo, a, { tag: 'rsc_op', operationKey: a.key, rsc, node: ws.nodeByName.get(node) });
  return Object.fromEntries([...attrs, ...params]);
}

/** An anonymous instance's `long-id`: the name its history knows it by (`ping:0` on every node of an older cluster), else its own. */
function longId(r: WRsc): string {
  return r.cloneName !== undefined && r.cloneName !== configuredId(r) ? r.cloneName : r.id;
}

function detailOf(ws: WorkingSet, memo: Memo, a: GraphAction): ActionDetail {
  const d = describe(ws, a);
  const { attrs, params } = attributes(ws, memo, a, d);
  // Byte-wise name order, as Pacemaker sorts an action's `<attributes>` (the default sort's).
  const attributesSorted: Record<string, string> = {};
  for (const k of [...attrs.keys()].sort()) attributesSorted[k] = attrs.get(k) as string;
  let agent: ActionDetail['agent'];
  if (d.tag === 'rsc_op' && d.rsc?.primitive) {
    const p = d.rsc.primitive;
    const clone = cloneOf(d.rsc);
    agent =
      clone && anonymous(clone)
        ? {
            // An orphan known by a clone name goes by it (`ping:1`, long-id `ping:3`), as Pacemaker
            // sends a numbered instance's commands where it runs.
            ...(d.rsc.orphan && d.rsc.cloneName !== undefined
              ? { id: d.rsc.cloneName, longId: d.rsc.id }
              : { id: configuredId(d.rsc), longId: longId(d.rsc) }),
            historyIds: historyIdsOf(ws, d.rsc, configuredId(d.rsc), longId(d.rsc)),
            class: p.class,
            provider: p.provider,
            type: p.type,
          }
        : { id: d.rsc.id, class: p.class, provider: p.provider, type: p.type };
  }
  const detail: ActionDetail = {
    tag: d.tag,
    operationKey: d.operationKey,
    nodeUuid: d.node?.id ?? a.node,
    attributes: attributesSorted,
    targetRc: intOr(attrs.get('CRM_meta_op_target_rc'), 0),
    timeoutMs: intOr(attrs.get('CRM_meta_timeout'), DEFAULT_TIMEOUT_MS),
    priority: a.priority ?? (d.rsc ? Math.max(0, synapsePriority(d.rsc)) : 0),
  };
  if (d.internalKey !== undefined) detail.internalKey = d.internalKey;
  if (agent) detail.agent = agent;
  if (params.size > 0) detail.extraParams = Object.fromEntries(params);
  if (a.task === 'stonith' && d.node && fenceAction(a) !== 'on') detail.downed = [d.node.id];
  const lock = d.tag === 'rsc_op' && d.rsc && d.node ? actionLockTime(d.rsc, a.task, d.node) : undefined;
  if (lock !== undefined) detail.shutdownLock = lock;
  return detail;
}

/** The `<transition_graph>` attributes: the cluster options the controller needs. */
function graphAttrs(ws: WorkingSet): Record<string, string> {
  const config = ws.options;
  const migrationLimit = intOr(config.get('migration-limit'), -1);
  const recheck = [recheckBy(ws), lockExpiry(ws)].reduce<number | undefined>(
    (a, b) => (a === undefined ? b : b === undefined ? a : Math.min(a, b)),
    undefined,
  );
  const out: Record<string, string> = {
    'cluster-delay': config.get('cluster-delay') ?? '60s',
    'stonith-timeout': config.get('stonith-timeout') ?? '60s',
    'failed-stop-offset': 'INFINITY',
    'failed-start-offset': isTrue(config.get('start-failure-is-fatal')) ? 'INFINITY' : '1',
    'batch-limit': config.get('batch-limit') ?? '0',
  };
  const limit = config.get('migration-limit');
  if (migrationLimit > 0 && limit !== undefined) out['migration-limit'] = limit;
  if (recheck !== undefined) out['recheck-by'] = String(recheck);
  return out;
}

/**
 * The action with its detail made when first read (then kept): a transition's actions are mostly
 * probes that nothing may ever send or write, and describing all ~20000 of a large cold cluster's
 * was a third of its schedule. The detail is an own enumerable property (spread, `toEqual` and
 * JSON see it, reading it makes it); assigning one replaces it.
 */
function withLazyDetail(ws: WorkingSet, memo: Memo, a: GraphAction): GraphAction {
  let detail: ActionDetail | undefined;
  let made = false;
  return {
    ...a,
    get detail(): ActionDetail | undefined {
      if (!made) {
        detail = detailOf(ws, memo, a);
        made = true;
      }
      return detail;
    },
    set detail(d: ActionDetail | undefined) {
      detail = d;
      made = true;
    },
  };
}

/**
 * Makes every action of a graph self-contained ({@link ActionDetail}: agent, parameters, meta
 * attributes, target rc, timeout) and adds the graph's cluster options. `cib` and `now` must be
 * the scheduler input the graph was made from. `schedule()` returns graphs described this way.
 *
 * Each action's detail is computed when it is first read (the controller sending the action, the
 * graph written as XML) and then kept: the same values as computed at once. It is made from a
 * working set unpacked here, which nothing else holds, and from the CIB: the CIB model is
 * immutable (edited copy-on-write, as {@link UnpackMemo} relies on too), so the input must not be
 * changed in place afterwards.
 *
 * @example
 * const described = describeGraph(graph, { cib, now });
 */
export function describeGraph(graph: TransitionGraph, input: { cib: Cib; now: number; memo?: UnpackMemo }): TransitionGraph {
  const ws = unpack(input.cib, input.now, input.memo);
  applyShutdownLocks(ws);
  const memo = new Memo();
  return { ...graph, actions: graph.actions.map((a) => withLazyDetail(ws, memo, a)), attrs: graphAttrs(ws) };
}

/** The action as a trigger names it: `<tag id=... operation=... operation_key=...` without the closing bracket. */
function head(a: GraphAction, d: ActionDetail): string {
  const attrs: [string, string | undefined][] = [
    ['id', String(a.id)],
    ['operation', a.task],
    ['operation_key', d.operationKey],
    ['internal_operation_key', d.internalKey],
  ];
  if (d.tag !== 'pseudo_event') attrs.push(['on_node', a.node], ['on_node_uuid', d.nodeUuid]);
  return `<${d.tag}${attrText(attrs)}`;
}

function actionText(a: GraphAction, d: ActionDetail, indent: string): string {
  const inner = `${indent}  `;
  let body = '';
  if (d.tag === 'rsc_op' && d.agent) {
    const g = d.agent;
    body += `${inner}<primitive${attrText([
      ['id', g.id],
      ['long-id', g.longId],
      ['class', g.class],
      ['provider', g.provider],
      ['type', g.type],
    ])}/>\n`;
  }
  const open = `${inner}<attributes${attrText(Object.entries(d.attributes))}`;
  const params = Object.entries(d.extraParams ?? {});
  if (params.length === 0) body += `${open}/>\n`;
  else {
    body += `${open}>\n`;
    for (const [name, value] of params)
      body += `${inner}  <param${attrText([
        ['name', name],
        ['value', value],
      ])}/>\n`;
    body += `${inner}</attributes>\n`;
  }
  if (d.downed?.length) {
    body += `${inner}<downed>\n`;
    for (const id of d.downed) body += `${inner}  <node${attrText([['id', id]])}/>\n`;
    body += `${inner}</downed>\n`;
  }
  // The lock goes on the action itself, not on the triggers naming it (as Pacemaker writes it).
  const lock = d.shutdownLock !== undefined ? attrText([['shutdown-lock', String(d.shutdownLock)]]) : '';
  return `${indent}${head(a, d)}${lock}>\n${body}${indent}</${d.tag}>\n`;
}

/**
 * Writes a transition graph as Pacemaker's transition graph XML, the format of
 * `crm_simulate --save-graph` and of the graphs the controller executes: the cluster options the
 * controller needs on `<transition_graph>`, then one `<synapse>` per action, in the graph's
 * order. Resource actions are `<rsc_op>` with the agent (`<primitive>`) and the parameters and
 * `CRM_meta_*` attributes the agent will see (instance attributes evaluated for the node,
 * operation timeout and interval in ms, `op_target_rc` for probes and promoted monitors, clone
 * meta attributes); fencing is a `<crm_event operation="stonith">`; stops and demotes implied by
 * fencing are `<pseudo_event>`s. Each synapse's `<inputs>` lists the actions it waits for.
 *
 * The graph has no pseudo actions for groups and clones (Pacemaker's `web_start_0`,
 * `db-clone_running_0`, ...): orderings connect the real actions directly, which the controller
 * executes the same way. `cib` and `now` must be the scheduler input the graph was made from
 * (node UUIDs, agents, parameters and operation settings come from it). Output is deterministic.
 *
 * @example
 * const input = { cib: importCib(xml), now: 1_800_000_000 };
 * writeFileSync('graph.xml', graphToXml(schedule(input).graph, input));
 */
export function graphToXml(graph: TransitionGraph, input?: { cib: Cib; now: number }, options: GraphXmlOptions = {}): string {
  if (!graph.attrs || graph.actions.some((a) => a.detail === undefined)) {
    if (!input) throw new Error('graphToXml: the graph has actions without details; pass the scheduler input it was made from');
    graph = describeGraph(graph, input);
  }
  const details = graph.actions.map((a) => a.detail as ActionDetail);
  const inputs = graph.actions.map((): number[] => []);
  for (const e of graph.edges) inputs[e.after]?.push(e.before);
  const out: string[] = [
    `<transition_graph${attrText([
      ...Object.entries(graph.attrs ?? {}).filter(([k]) => k !== 'transition_id' && k !== 'migration-limit' && k !== 'recheck-by'),
      ['transition_id', String(options.transitionId ?? 0)],
      ['migration-limit', graph.attrs?.['migration-limit']],
      ['recheck-by', graph.attrs?.['recheck-by']],
    ])}>\n`,
  ];
  for (const [i, a] of graph.actions.entries()) {
    const d = details[i] as ActionDetail;
    out.push(
      `  <synapse${attrText([
        ['id', String(i)],
        ['priority', d.priority > 0 ? String(d.priority) : undefined],
      ])}>\n    <action_set>\n${actionText(a, d, '      ')}    </action_set>\n`,
    );
    const before = [...new Set(inputs[i])].sort((x, y) => x - y);
    if (before.length === 0) out.push('    <inputs/>\n');
    else {
      out.push('    <inputs>\n');
      for (const b of before) {
        const ba = graph.actions[b] as GraphAction;
        out.push(`      <trigger>\n        ${head(ba, ba.detail as ActionDetail)}/>\n      </trigger>\n`);
      }
      out.push('    </inputs>\n');
    }
    out.push('  </synapse>\n');
  }
  out.push('</transition_graph>\n');
  return out.join('');
}
