/**
 * Reads the engine's typed {@link Cib} back into a {@link ClusterSpec} (the inverse of
 * `specToCib`, ids of attribute sets, operations and expressions dropped), so a cib.xml can be
 * written as YAML, crm shell text or pcs commands.
 */
import type { Cib, Expression, NvSet, Primitive, Resource, Rule } from '../../core/cib-model.js';
import type { ClusterSpec, Pairs, SpecExpr, SpecPrimitive, SpecResource, SpecRule, SpecSet } from './spec.js';
import { emptySpec } from './spec.js';

const pairs = (sets: readonly NvSet[]): Pairs => sets.flatMap((s) => s.pairs.map((p): [string, string] => [p.name, p.value]));

function rule(r: Rule, keepId: boolean): SpecRule {
  const exprs = r.terms.map((t): SpecExpr => {
    if (t.kind === 'rule') throw new Error(`rule "${r.id}" nests rules, which ocfkit cib gen does not write`);
    if (t.kind !== 'expression') throw new Error(`rule "${r.id}" has a ${t.kind}, which ocfkit cib gen does not write`);
    const e: Expression = t;
    return {
      attribute: e.attribute,
      operation: e.operation,
      ...(e.value !== undefined ? { value: e.value } : {}),
      ...(e.type ? { type: e.type } : {}),
    };
  });
  return {
    ...(r.score !== undefined ? { score: r.score } : {}),
    ...(r.role ? { role: r.role } : {}),
    booleanOp: r.booleanOp ?? 'and',
    exprs,
    ...(keepId ? { id: r.id } : {}),
  };
}

const sets = (ss: readonly NvSet[]): SpecSet[] =>
  ss.map((s) => ({
    ...(s.score !== undefined ? { score: s.score } : {}),
    ...(s.rule ? { rule: rule(s.rule, false) } : {}),
    pairs: s.pairs.map((p): [string, string] => [p.name, p.value]),
  }));

function primitive(p: Primitive): SpecPrimitive {
  return {
    kind: 'primitive',
    id: p.id,
    class: p.class,
    ...(p.provider ? { provider: p.provider } : {}),
    type: p.type,
    params: sets(p.params),
    meta: sets(p.meta),
    utilization: sets(p.utilization ?? []),
    ops: p.ops.map((o) => ({ name: o.name, interval: o.interval, attrs: Object.entries(o.attrs) })),
  };
}

function resource(r: Resource): SpecResource {
  if (r.kind === 'primitive') return primitive(r);
  if (r.kind === 'group') return { kind: 'group', id: r.id, meta: sets(r.meta), children: r.children.map(primitive) };
  const meta = sets(r.meta);
  const promotable = meta.some((s) => s.pairs.some(([n, v]) => n === 'promotable' && /^(true|yes|1|on)$/i.test(v)));
  const cleaned = meta.map((s) => ({ ...s, pairs: s.pairs.filter(([n]) => n !== 'promotable') })).filter((s) => s.pairs.length > 0);
  return { kind: 'clone', id: r.id, promotable, meta: cleaned, child: resource(r.child) as SpecPrimitive };
}

/**
 * The configuration part of a CIB as a {@link ClusterSpec}.
 *
 * @example
 * specToYaml(cibToSpec(importCib(readFileSync('cib.xml', 'utf8'))));
 */
export function cibToSpec(cib: Cib): ClusterSpec {
  const spec = emptySpec();
  spec.properties = pairs(cib.crmConfig);
  spec.rscDefaults = pairs(cib.rscDefaults);
  spec.opDefaults = pairs(cib.opDefaults);
  spec.nodes = cib.nodes.map((n) => ({
    uname: n.uname,
    id: n.id,
    ...(n.type ? { type: n.type } : {}),
    attributes: pairs(n.attributes),
    utilization: pairs(n.utilization),
  }));
  spec.resources = cib.resources.map(resource);
  spec.constraints = cib.constraints.map((c) => {
    if (c.kind === 'location')
      return {
        kind: 'location',
        id: c.id,
        rsc: c.rsc,
        ...(c.node !== undefined ? { node: c.node, score: c.score } : {}),
        // Generated rule ids (ID-rule, ID-rule-N) are not worth keeping; chosen ones are.
        rules: c.rules.map((r) => rule(r, !new RegExp(`^${c.id.replace(/[.]/g, '\\.')}-rule(-\\d+)?$`).test(r.id))),
      };
    if (c.kind === 'colocation')
      return {
        kind: 'colocation',
        id: c.id,
        rsc: c.rsc,
        withRsc: c.withRsc,
        score: c.score ?? '0',
        ...(c.rscRole ? { rscRole: c.rscRole } : {}),
        ...(c.withRscRole ? { withRscRole: c.withRscRole } : {}),
      };
    const score = c.score === undefined ? undefined : c.score === '0' ? 'Optional' : 'Mandatory';
    const orderKind = c.orderKind ?? (score as 'Optional' | 'Mandatory' | undefined);
    return {
      kind: 'order',
      id: c.id,
      first: c.first,
      thenRsc: c.thenRsc,
      ...(c.firstAction ? { firstAction: c.firstAction } : {}),
      ...(c.thenAction ? { thenAction: c.thenAction } : {}),
      ...(orderKind ? { orderKind } : {}),
      ...(c.symmetrical !== undefined ? { symmetrical: /^(true|yes|1|on)$/i.test(c.symmetrical) } : {}),
    };
  });
  return spec;
}
