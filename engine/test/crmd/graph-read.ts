/**
 * Reads Pacemaker's transition graph XML (`crm_simulate -G`, the controller's own graphs) into the
 * graph the controller executes, so ocfkit can run a graph Pacemaker computed.
 */

import { CibError, parseXml, type XmlElement } from '../../src/cib/xml-tree.js';
import type { ActionDetail } from '../../src/core/graph.js';
import type { ExecAction, ExecGraph } from '../../src/crmd/exec-graph.js';
import { parseOpKey } from '../../src/pcmk/op-key.js';

const TAGS = new Set(['rsc_op', 'pseudo_event', 'crm_event']);

function int(text: string | undefined, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isNaN(n) ? fallback : n;
}

function need(el: XmlElement, name: string): string {
  const v = el.attrs[name];
  if (v === undefined) throw new CibError(`<${el.name}${el.attrs.id ? ` id="${el.attrs.id}"` : ''}> has no ${name}`);
  return v;
}

function action(el: XmlElement, index: number): ExecAction {
  const tag = el.name as ActionDetail['tag'];
  const task = need(el, 'operation');
  const operationKey = need(el, 'operation_key');
  const internalKey = el.attrs.internal_operation_key;
  const attributesEl = el.children.find((c) => c.name === 'attributes');
  const attributes: Record<string, string> = { ...(attributesEl?.attrs ?? {}) };
  const extraParams: Record<string, string> = {};
  for (const p of attributesEl?.children ?? [])
    if (p.name === 'param' && p.attrs.name !== undefined) extraParams[p.attrs.name] = p.attrs.value ?? '';
  const prim = el.children.find((c) => c.name === 'primitive');
  const downed = el.children.find((c) => c.name === 'downed')?.children.flatMap((n) => (n.attrs.id === undefined ? [] : [n.attrs.id]));
  const intervalMs = int(attributes.CRM_meta_interval, parseOpKey(operationKey)?.intervalMs ?? 0);
  const targetRc = int(attributes.CRM_meta_op_target_rc, 0);
  const node = el.attrs.on_node ?? attributes.CRM_meta_on_node ?? '';
  const rsc = prim ? (prim.attrs['long-id'] ?? need(prim, 'id')) : parseOpKey(internalKey ?? operationKey)?.rsc;
  const detail: ActionDetail = {
    tag,
    operationKey,
    nodeUuid: el.attrs.on_node_uuid ?? attributes.CRM_meta_on_node_uuid ?? node,
    attributes,
    targetRc,
    timeoutMs: int(attributes.CRM_meta_timeout, 20_000),
    priority: 0,
  };
  if (internalKey !== undefined) detail.internalKey = internalKey;
  if (prim) {
    detail.agent = { id: need(prim, 'id'), class: need(prim, 'class'), type: need(prim, 'type') };
    if (prim.attrs.provider !== undefined) detail.agent.provider = prim.attrs.provider;
    if (prim.attrs['long-id'] !== undefined) detail.agent.longId = prim.attrs['long-id'];
  }
  if (Object.keys(extraParams).length > 0) detail.extraParams = extraParams;
  if (downed?.length) detail.downed = downed;
  const out: ExecAction = {
    id: index,
    key: internalKey ?? operationKey,
    task,
    node,
    intervalMs,
    probe: tag === 'rsc_op' && task === 'monitor' && intervalMs === 0 && targetRc === 7,
    pseudo: tag === 'pseudo_event',
    detail,
  };
  if (rsc !== undefined) out.rsc = rsc;
  if (task === 'monitor' && targetRc === 8) out.promoted = true;
  if (detail.timeoutMs) out.timeoutMs = detail.timeoutMs;
  return out;
}

/**
 * Parses a `<transition_graph>`: one action per element of each synapse's `<action_set>` (ids
 * renumbered densely in document order), an edge from every `<trigger>` of a synapse's `<inputs>`
 * to each of its actions, the synapse priority on its actions, the graph's attributes kept.
 * Malformed XML or an unknown trigger throws a `CibError` naming the element.
 *
 * @example
 * const graph = readGraphXml(readFileSync('graph.xml', 'utf8'));
 */
export function readGraphXml(xml: string): ExecGraph {
  const root = parseXml(xml);
  if (root.name !== 'transition_graph') throw new CibError(`expected <transition_graph>, found <${root.name}>`);
  const actions: ExecAction[] = [];
  const byId = new Map<string, number>();
  const synapses = root.children.filter((c) => c.name === 'synapse');
  const members: number[][] = [];
  for (const syn of synapses) {
    const set = syn.children.find((c) => c.name === 'action_set');
    const mine: number[] = [];
    for (const el of set?.children ?? []) {
      if (!TAGS.has(el.name)) continue;
      const a = action(el, actions.length);
      if (a.detail) a.detail.priority = int(syn.attrs.priority, 0);
      byId.set(need(el, 'id'), a.id);
      actions.push(a);
      mine.push(a.id);
    }
    members.push(mine);
  }
  const edges: ExecGraph['edges'] = [];
  for (const [i, syn] of synapses.entries()) {
    const inputs = syn.children.find((c) => c.name === 'inputs');
    for (const trig of inputs?.children ?? []) {
      for (const el of trig.children) {
        const before = byId.get(need(el, 'id'));
        if (before === undefined)
          throw new CibError(`synapse ${syn.attrs.id ?? i}: trigger ${el.attrs.operation_key ?? el.attrs.id} is no action of the graph`);
        for (const after of members[i] ?? []) edges.push({ before, after });
      }
    }
  }
  return { actions, edges, attrs: { ...root.attrs } };
}
