/**
 * Gives a {@link ClusterSpec} its XML ids and turns it into the engine's typed {@link Cib}, ready
 * for `exportCib`. Ids follow the habits of crm shell and pcs (`rsc_location-grp-1`,
 * `prmIp-instance_attributes-ip`, `prmIp-monitor-interval-10s`), and are unique.
 */
import type { Cib, Clone, Constraint, Expression, Group, NvSet, Op, Primitive, Resource, Rule } from '../../core/cib-model.js';
import type { ClusterSpec, Pairs, SpecPrimitive, SpecResource, SpecRule, SpecSet } from './spec.js';
import { specResourceIds } from './spec.js';

/** The `<cib>` attributes of a generated CIB: Pacemaker 2.1's newest schema, version 0.0.1 by default. */
const CIB_ATTRS = { crm_feature_set: '3.16.1', 'validate-with': 'pacemaker-3.9', epoch: '1', num_updates: '0', admin_epoch: '0' };

class Ids {
  private readonly used = new Set<string>();
  constructor(reserved: string[]) {
    for (const r of reserved) this.used.add(r);
  }
  take(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^([^A-Za-z_])/, '_$1');
    let id = base;
    for (let n = 1; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * The typed CIB of a configuration.
 *
 * @example
 * writeFileSync('cib.xml', exportCib(specToCib(spec)));
 */
export function specToCib(spec: ClusterSpec): Cib {
  const explicit = [
    ...specResourceIds(spec.resources),
    ...spec.constraints.flatMap((c) => [c.id, ...(c.kind === 'location' ? c.rules.map((r) => r.id) : [])]),
  ].filter((x): x is string => x !== undefined);
  const ids = new Ids(explicit);
  const pairs = (setId: string, ps: Pairs) => ps.map(([name, value]) => ({ id: ids.take(`${setId}-${name}`), name, value }));
  const set = (base: string, s: SpecSet): NvSet => {
    const id = ids.take(base);
    return {
      id,
      ...(s.score !== undefined ? { score: s.score } : {}),
      ...(s.rule ? { rule: rule(`${id}-rule`, s.rule) } : {}),
      pairs: pairs(id, s.pairs),
    };
  };
  const rule = (wanted: string, r: SpecRule): Rule => {
    const id = r.id ?? ids.take(wanted);
    return {
      kind: 'rule',
      id,
      ...(r.score !== undefined ? { score: r.score } : {}),
      ...(r.exprs.length > 1 ? { booleanOp: r.booleanOp } : {}),
      ...(r.role ? { role: r.role } : {}),
      terms: r.exprs.map(
        (e): Expression => ({
          kind: 'expression',
          id: ids.take(`${id}-expression`),
          attribute: e.attribute,
          operation: e.operation,
          ...(e.value !== undefined ? { value: e.value } : {}),
          ...(e.type ? { type: e.type } : {}),
        }),
      ),
    };
  };
  const sets = (base: string, ss: SpecSet[]) => ss.filter((s) => s.pairs.length > 0).map((s) => set(base, s));
  const primitive = (p: SpecPrimitive): Primitive => {
    const ops: Op[] = p.ops.map((o) => ({
      id: ids.take(`${p.id}-${o.name}-interval-${o.interval}`),
      name: o.name,
      interval: o.interval,
      attrs: Object.fromEntries(o.attrs),
      meta: [],
    }));
    const out: Primitive = {
      kind: 'primitive',
      id: p.id,
      class: p.class,
      ...(p.provider ? { provider: p.provider } : {}),
      type: p.type,
      params: sets(`${p.id}-instance_attributes`, p.params),
      meta: sets(`${p.id}-meta_attributes`, p.meta),
      ops,
    };
    const util = sets(`${p.id}-utilization`, p.utilization);
    return util.length > 0 ? { ...out, utilization: util } : out;
  };
  const resource = (r: SpecResource): Resource => {
    if (r.kind === 'primitive') return primitive(r);
    if (r.kind === 'group') {
      const meta = sets(`${r.id}-meta_attributes`, r.meta);
      return { kind: 'group', id: r.id, meta, children: r.children.map(primitive) } satisfies Group;
    }
    const metaSets = r.promotable
      ? [
          {
            ...(r.meta[0] ?? { pairs: [] }),
            pairs: [['promotable', 'true'] as [string, string], ...(r.meta[0]?.pairs ?? []).filter(([n]) => n !== 'promotable')],
          },
          ...r.meta.slice(1),
        ]
      : r.meta;
    return {
      kind: 'clone',
      id: r.id,
      meta: sets(`${r.id}-meta_attributes`, metaSets),
      child: resource(r.child) as Primitive | Group,
    } satisfies Clone;
  };
  const resources = spec.resources.map(resource);
  // Numbered per kind, as pm_crmgen numbers them (rsc_location-grp-1, rsc_colocation-a-b-1, …).
  const count = { location: 0, colocation: 0, order: 0 };
  const constraints: Constraint[] = spec.constraints.map((c): Constraint => {
    const n = ++count[c.kind];
    if (c.kind === 'location') {
      const id = c.id ?? ids.take(`rsc_location-${c.rsc}-${n}`);
      return {
        kind: 'location',
        id,
        rsc: c.rsc,
        ...(c.node !== undefined ? { node: c.node, score: c.score } : {}),
        rules: c.rules.map((r) => rule(`${id}-rule`, r)),
      };
    }
    if (c.kind === 'colocation')
      return {
        kind: 'colocation',
        id: c.id ?? ids.take(`rsc_colocation-${c.rsc}-${c.withRsc}-${n}`),
        rsc: c.rsc,
        withRsc: c.withRsc,
        score: c.score,
        ...(c.rscRole ? { rscRole: c.rscRole } : {}),
        ...(c.withRscRole ? { withRscRole: c.withRscRole } : {}),
      };
    return {
      kind: 'order',
      id: c.id ?? ids.take(`rsc_order-${c.first}-${c.thenRsc}-${n}`),
      first: c.first,
      thenRsc: c.thenRsc,
      ...(c.firstAction ? { firstAction: c.firstAction } : {}),
      ...(c.thenAction ? { thenAction: c.thenAction } : {}),
      ...(c.orderKind ? { orderKind: c.orderKind } : {}),
      ...(c.symmetrical !== undefined ? { symmetrical: String(c.symmetrical) } : {}),
    };
  });
  const option = (id: string, ps: Pairs): NvSet[] => (ps.length > 0 ? [{ id: ids.take(id), pairs: pairs(id, ps) }] : []);
  return {
    attrs: { ...CIB_ATTRS },
    crmConfig: option('cib-bootstrap-options', spec.properties),
    nodes: spec.nodes.map((node, i) => {
      const id = node.id ?? String(i + 1);
      return {
        id,
        uname: node.uname,
        ...(node.type ? { type: node.type } : {}),
        attributes: option(`nodes-${id}`, node.attributes),
        utilization: option(`nodes-${id}-utilization`, node.utilization),
      };
    }),
    resources,
    constraints,
    rscDefaults: option('rsc-options', spec.rscDefaults),
    opDefaults: option('op-options', spec.opDefaults),
    other: [],
    status: [],
  };
}
