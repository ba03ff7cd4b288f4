/**
 * Export over the source: the element tree built from a typed model is laid over the `<cib>` it
 * was read from, so what the model does not represent comes back unchanged and in place —
 * unknown attributes (`description`...), unknown children (a primitive's
 * `description`...), bundles, resource sets, tickets. What the model does
 * represent is the model's: an element of a modelled kind that the model no longer has is gone,
 * and a modelled attribute the model dropped is dropped.
 */
import type { OpaqueXml } from '../core/cib-model.js';
import { isModelledResource, leftAloneIds, unmodelledConstraint } from '../core/unmodelled-xml.js';
import type { XmlElement } from './xml-tree.js';

/**
 * Per element: the attributes and child elements the model represents ('all': everything). The
 * model's value of such an attribute wins (and its absence removes it); any other attribute keeps
 * the source's value, or takes the one the exporter made up (the `id` of an `lrm`) when the
 * source had none.
 */
interface Spec {
  attrs: readonly string[] | 'all';
  children: readonly string[] | 'all';
}

const NVSET: Spec = { attrs: ['id', 'score'], children: ['nvpair', 'rule'] };
/** An nvpair without a value reads as value "" (and is written back without one). */
const NVPAIR: Spec = { attrs: ['id', 'name', 'value'], children: [] };
const RESOURCE_KIDS = ['primitive', 'group', 'clone', 'master'];
const PRIMITIVE: Spec = {
  attrs: ['id', 'class', 'provider', 'type', 'template'],
  children: ['instance_attributes', 'meta_attributes', 'operations', 'utilization'],
};
const MODEL: Record<string, Spec> = {
  cib: { attrs: 'all', children: ['configuration', 'status'] },
  configuration: { attrs: [], children: 'all' },
  crm_config: { attrs: [], children: ['cluster_property_set'] },
  cluster_property_set: NVSET,
  instance_attributes: NVSET,
  meta_attributes: NVSET,
  utilization: NVSET,
  nvpair: NVPAIR,
  rule: {
    attrs: ['id', 'score', 'score-attribute', 'boolean-op', 'role'],
    children: ['expression', 'rule', 'rsc_expression', 'op_expression'],
  },
  expression: { attrs: ['id', 'attribute', 'operation', 'value', 'type'], children: [] },
  rsc_expression: { attrs: ['id', 'class', 'provider', 'type'], children: [] },
  op_expression: { attrs: ['id', 'name', 'interval'], children: [] },
  nodes: { attrs: [], children: ['node'] },
  node: { attrs: ['id', 'uname', 'type'], children: ['instance_attributes', 'utilization'] },
  resources: { attrs: [], children: [...RESOURCE_KIDS, 'template'] },
  primitive: PRIMITIVE,
  template: PRIMITIVE,
  operations: { attrs: [], children: ['op'] },
  op: { attrs: 'all', children: ['instance_attributes', 'meta_attributes'] },
  group: { attrs: ['id'], children: ['primitive', 'instance_attributes', 'meta_attributes'] },
  clone: { attrs: ['id'], children: ['primitive', 'group', 'instance_attributes', 'meta_attributes'] },
  master: { attrs: ['id'], children: ['primitive', 'group', 'instance_attributes', 'meta_attributes'] },
  constraints: { attrs: [], children: ['rsc_location', 'rsc_colocation', 'rsc_order'] },
  rsc_location: { attrs: ['id', 'rsc', 'node', 'score', 'role', 'resource-discovery'], children: ['rule'] },
  rsc_colocation: {
    attrs: ['id', 'rsc', 'with-rsc', 'score', 'rsc-role', 'with-rsc-role', 'node-attribute', 'influence'],
    children: [],
  },
  rsc_order: {
    attrs: ['id', 'first', 'then', 'first-action', 'then-action', 'kind', 'score', 'symmetrical', 'require-all'],
    children: [],
  },
  rsc_defaults: { attrs: [], children: ['meta_attributes'] },
  op_defaults: { attrs: [], children: ['meta_attributes'] },
  status: { attrs: [], children: ['node_state'] },
  node_state: { attrs: 'all', children: ['transient_attributes', 'lrm'] },
  transient_attributes: { attrs: [], children: ['instance_attributes'] },
  lrm: { attrs: [], children: ['lrm_resources'] },
  lrm_resources: { attrs: [], children: ['lrm_resource'] },
  lrm_resource: { attrs: ['id', 'type', 'class', 'provider'], children: ['lrm_rsc_op'] },
  lrm_rsc_op: { attrs: 'all', children: [] },
};

/** The id the promotable-clone model adds to a legacy `<master>` (import.ts): not written back. */
export const legacyMasterMetaId = (id: string): string => `${id}-promotable-legacy`;

function copy(e: OpaqueXml): XmlElement {
  return { name: e.name, attrs: { ...e.attrs }, children: e.children.map(copy) };
}

/**
 * Elements match by name and id where the model keeps the id, by name alone where it does not
 * (`operations`, `lrm`...); resources by id whatever their element (a `<master>` is modelled as a clone).
 */
function key(parent: string, e: OpaqueXml): string {
  if (RESOURCE_KIDS.includes(e.name) && (parent === 'resources' || RESOURCE_KIDS.includes(parent))) return `rsc#${e.attrs.id ?? ''}`;
  const spec = MODEL[e.name];
  const idModelled = spec === undefined || spec.attrs === 'all' || spec.attrs.includes('id');
  return idModelled ? `${e.name}#${e.attrs.id ?? ''}` : e.name;
}

/**
 * Containers the model does not tell apart from their absence when empty: an empty one the source
 * has is kept, and an empty one the exporter wrote that the source did not have is left out.
 */
const CONTAINERS = new Set([
  'crm_config',
  'nodes',
  'resources',
  'constraints',
  'rsc_defaults',
  'op_defaults',
  'operations',
  'status',
  'transient_attributes',
  'lrm',
  'lrm_resources',
]);

const emptyShell = (e: OpaqueXml): boolean => CONTAINERS.has(e.name) && e.children.every(emptyShell);

/** Whether the importer reads this child of `parent` into the model (else it is kept from the source). */
function imported(parent: OpaqueXml, child: OpaqueXml, leftAlone: ReadonlySet<string>): boolean {
  const spec = MODEL[parent.name];
  if (!spec) return false;
  if (spec.children !== 'all' && !spec.children.includes(child.name)) return false;
  if (RESOURCE_KIDS.includes(parent.name) || parent.name === 'resources')
    return !RESOURCE_KIDS.includes(child.name) || isModelledResource(child);
  if (parent.name === 'constraints') return unmodelledConstraint(child, leftAlone) === undefined;
  return true;
}

function attrsOver(spec: Spec, built: Readonly<Record<string, string>>, src: Readonly<Record<string, string>>): Record<string, string> {
  if (spec.attrs === 'all') return { ...built };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(src)) {
    if (!spec.attrs.includes(k)) out[k] = v;
    else if (built[k] !== undefined) out[k] = built[k];
  }
  for (const [k, v] of Object.entries(built)) if (out[k] === undefined && !(k === 'value' && v === '' && spec === NVPAIR)) out[k] = v;
  return out;
}

function over(built: XmlElement, src: OpaqueXml, leftAlone: ReadonlySet<string>): XmlElement {
  const spec = MODEL[built.name];
  if (!spec) return built;
  const legacyMaster = src.name === 'master' && built.name === 'clone';
  const builtKids = legacyMaster ? built.children.filter((c) => c.attrs.id !== legacyMasterMetaId(built.attrs.id ?? '')) : built.children;
  const byKey = new Map<string, XmlElement[]>();
  for (const b of builtKids) {
    const k = key(built.name, b);
    byKey.set(k, [...(byKey.get(k) ?? []), b]);
  }
  const used = new Set<XmlElement>();
  const children: XmlElement[] = [];
  for (const s of src.children) {
    const b = byKey.get(key(src.name, s))?.find((x) => !used.has(x));
    if (b) {
      used.add(b);
      children.push(over(b, s, leftAlone));
    } else if (!imported(src, s, leftAlone) || emptyShell(s)) children.push(copy(s));
  }
  for (const b of builtKids) if (!used.has(b) && !emptyShell(b)) children.push(b);
  return { name: legacyMaster ? 'master' : built.name, attrs: attrsOver(spec, built.attrs, src.attrs), children };
}

/**
 * Lays the tree built from a model over the `<cib>` it was read from (see the file comment).
 *
 * @example
 * overlaySource(cibTree, cib.source) // the model's CIB with the source's bundles and utilization
 */
export function overlaySource(built: XmlElement, source: OpaqueXml): XmlElement {
  return over(built, source, leftAloneIds(source.children.find((c) => c.name === 'configuration')));
}
