import type { NvSet, Op, OpaqueXml, Primitive } from './cib-model.js';

/**
 * A `<primitive>` the importer left in the source (a bundle's child) read as the typed model's
 * primitive: attributes, parameters, meta attributes, operations. Attribute sets with a rule are
 * left out (the scheduler does not evaluate rules in them either).
 */

function kids(e: OpaqueXml, name: string): OpaqueXml[] {
  return e.children.filter((c) => c.name === name);
}

/** The attribute sets named `name` (`meta_attributes`...) of an element, rule-conditioned ones left out. */
export function nvsetsOf(e: OpaqueXml, name: string): NvSet[] {
  return kids(e, name)
    .filter((s) => !s.children.some((c) => c.name === 'rule'))
    .map((s) => ({
      id: s.attrs.id ?? '',
      ...(s.attrs.score !== undefined ? { score: s.attrs.score } : {}),
      pairs: kids(s, 'nvpair').map((p) => ({ id: p.attrs.id ?? '', name: p.attrs.name ?? '', value: p.attrs.value ?? '' })),
    }));
}

function op(e: OpaqueXml): Op {
  const { id, name, interval, ...attrs } = e.attrs;
  const params = nvsetsOf(e, 'instance_attributes');
  return {
    id: id ?? '',
    name: name ?? '',
    interval: interval ?? '0',
    attrs,
    meta: nvsetsOf(e, 'meta_attributes'),
    ...(params.length > 0 ? { params } : {}),
  };
}

/**
 * @example
 * primitiveFromXml({ name: 'primitive', attrs: { id: 'db', class: 'ocf', provider: 'heartbeat', type: 'pgsql' }, children: [] }).type // 'pgsql'
 */
export function primitiveFromXml(e: OpaqueXml): Primitive {
  const utilization = nvsetsOf(e, 'utilization');
  return {
    kind: 'primitive',
    id: e.attrs.id ?? '',
    class: e.attrs.class ?? 'ocf',
    ...(e.attrs.provider !== undefined ? { provider: e.attrs.provider } : {}),
    type: e.attrs.type ?? '',
    params: nvsetsOf(e, 'instance_attributes'),
    meta: nvsetsOf(e, 'meta_attributes'),
    ops: kids(e, 'operations').flatMap((o) => kids(o, 'op').map(op)),
    ...(utilization.length > 0 ? { utilization } : {}),
  };
}
