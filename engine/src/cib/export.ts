import type {
  Cib,
  Constraint,
  Expression,
  LrmResource,
  NodeState,
  NvSet,
  Op,
  OpaqueXml,
  Primitive,
  Resource,
  Rule,
} from '../core/cib-model.js';
import { overlaySource } from './overlay.js';
import { el, serializeXml, type XmlElement } from './xml-tree.js';

function copy(e: OpaqueXml): XmlElement {
  return { name: e.name, attrs: { ...e.attrs }, children: e.children.map(copy) };
}

function rule(r: Rule): XmlElement {
  return el(
    'rule',
    { id: r.id, score: r.score, 'score-attribute': r.scoreAttribute, 'boolean-op': r.booleanOp, role: r.role },
    r.terms.map((t) => {
      if (t.kind === 'rule') return rule(t);
      if (t.kind === 'rsc_expression') return el('rsc_expression', { id: t.id, class: t.class, provider: t.provider, type: t.type });
      if (t.kind === 'op_expression') return el('op_expression', { id: t.id, name: t.name, interval: t.interval });
      return expression(t);
    }),
  );
}

function expression(x: Expression): XmlElement {
  return el('expression', { id: x.id, attribute: x.attribute, operation: x.operation, value: x.value, type: x.type });
}

function nvset(name: string, s: NvSet): XmlElement {
  const pairs = s.pairs.map((p) => el('nvpair', { id: p.id, name: p.name, value: p.value }));
  return el(name, { id: s.id, score: s.score }, s.rule ? [rule(s.rule), ...pairs] : pairs);
}

function op(o: Op): XmlElement {
  return el('op', { id: o.id, name: o.name, interval: o.interval, ...o.attrs }, [
    ...(o.params ?? []).map((m) => nvset('instance_attributes', m)),
    ...o.meta.map((m) => nvset('meta_attributes', m)),
  ]);
}

function primitive(p: Primitive, element = 'primitive'): XmlElement {
  const children = [
    ...p.params.map((s) => nvset('instance_attributes', s)),
    ...p.meta.map((s) => nvset('meta_attributes', s)),
    ...(p.utilization ?? []).map((s) => nvset('utilization', s)),
  ];
  if (p.ops.length > 0) children.push(el('operations', {}, p.ops.map(op)));
  // Built from a template: the class, provider and type are the template's, not written here.
  const attrs =
    p.template !== undefined ? { id: p.id, template: p.template } : { id: p.id, class: p.class, provider: p.provider, type: p.type };
  return el(element, attrs, children);
}

function resource(r: Resource): XmlElement {
  if (r.kind === 'primitive') return primitive(r);
  const meta = [...(r.params ?? []).map((s) => nvset('instance_attributes', s)), ...r.meta.map((s) => nvset('meta_attributes', s))];
  if (r.kind === 'group') return el('group', { id: r.id }, [...meta, ...r.children.map((c) => primitive(c))]);
  return el('clone', { id: r.id }, [...meta, resource(r.child)]);
}

function constraint(c: Constraint): XmlElement {
  if (c.kind === 'location')
    return el(
      'rsc_location',
      { id: c.id, rsc: c.rsc, node: c.node, score: c.score, role: c.role, 'resource-discovery': c.resourceDiscovery },
      c.rules.map(rule),
    );
  if (c.kind === 'colocation')
    return el('rsc_colocation', {
      id: c.id,
      rsc: c.rsc,
      'with-rsc': c.withRsc,
      score: c.score,
      'rsc-role': c.rscRole,
      'with-rsc-role': c.withRscRole,
      'node-attribute': c.nodeAttribute,
      influence: c.influence,
    });
  // Built from entries: an object literal with a `then` key reads as a thenable to linters.
  const attrs: [string, string | undefined][] = [
    ['id', c.id],
    ['first', c.first],
    ['then', c.thenRsc],
    ['first-action', c.firstAction],
    ['then-action', c.thenAction],
    ['kind', c.invalidKind ?? c.orderKind],
    ['score', c.score],
    ['symmetrical', c.symmetrical],
    ['require-all', c.requireAll],
  ];
  return el('rsc_order', Object.fromEntries(attrs));
}

function lrmResource(r: LrmResource): XmlElement {
  return el(
    'lrm_resource',
    { id: r.id, type: r.type, class: r.class, provider: r.provider },
    r.ops.map((o) => ({ name: 'lrm_rsc_op', attrs: { ...o.attrs }, children: [] })),
  );
}

function nodeState(n: NodeState): XmlElement {
  const children: XmlElement[] = [];
  if (n.transient.length > 0)
    children.push(
      el(
        'transient_attributes',
        { id: n.id },
        n.transient.map((s) => nvset('instance_attributes', s)),
      ),
    );
  children.push(el('lrm', { id: n.id }, [el('lrm_resources', {}, n.lrm.map(lrmResource))]));
  return { name: 'node_state', attrs: { ...n.attrs }, children };
}

/**
 * Builds the XML element tree of a {@link Cib} (canonical order: crm_config, nodes, resources,
 * constraints, rsc_defaults, op_defaults, then any sections kept verbatim; status last). A model
 * read from XML is laid over its `source` (overlay.ts): what it does not represent comes back
 * unchanged, in the source's order.
 *
 * @example
 * cibToXmlTree(cib).name // 'cib'
 */
export function cibToXmlTree(cib: Cib): XmlElement {
  const config: XmlElement[] = [
    el(
      'crm_config',
      {},
      cib.crmConfig.map((s) => nvset('cluster_property_set', s)),
    ),
    el(
      'nodes',
      {},
      cib.nodes.map((n) =>
        el('node', { id: n.id, uname: n.uname, type: n.type }, [
          ...n.attributes.map((s) => nvset('instance_attributes', s)),
          ...n.utilization.map((s) => nvset('utilization', s)),
        ]),
      ),
    ),
    el('resources', {}, [...(cib.templates ?? []).map((t) => primitive(t, 'template')), ...cib.resources.map(resource)]),
    el('constraints', {}, cib.constraints.map(constraint)),
  ];
  // Over a source, empty sections are written and the overlay keeps the ones the source had.
  if (cib.rscDefaults.length > 0 || cib.source)
    config.push(
      el(
        'rsc_defaults',
        {},
        cib.rscDefaults.map((s) => nvset('meta_attributes', s)),
      ),
    );
  if (cib.opDefaults.length > 0 || cib.source)
    config.push(
      el(
        'op_defaults',
        {},
        cib.opDefaults.map((s) => nvset('meta_attributes', s)),
      ),
    );
  config.push(...cib.other.map(copy));
  const tree = {
    name: 'cib',
    attrs: { ...cib.attrs },
    children: [el('configuration', {}, config), el('status', {}, cib.status.map(nodeState))],
  };
  return cib.source ? overlaySource(tree, cib.source) : tree;
}

/**
 * Writes a {@link Cib} as Pacemaker cib.xml. Stable: `exportCib(importCib(exportCib(c))) === exportCib(c)`.
 *
 * @example
 * writeFileSync('cib.xml', exportCib(cib));
 */
export function exportCib(cib: Cib): string {
  return serializeXml(cibToXmlTree(cib));
}
