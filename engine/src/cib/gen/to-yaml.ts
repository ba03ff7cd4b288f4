/**
 * Writes a {@link ClusterSpec} as `ocfkit cib gen`'s YAML (the inverse of `readYaml`), so a
 * cib.xml can be turned into the readable form: YAML → cib.xml → YAML gives the same file.
 */
import { stringify } from 'yaml';
import type { Diagnostics } from './diagnostics.js';
import { exprsText } from './rule-text.js';
import type { ClusterSpec, Pairs, SpecPrimitive, SpecResource, SpecSet } from './spec.js';

type Obj = Record<string, unknown>;

/** A value as the YAML scalar that reads back as the same text: 24 and false rather than "24" and "false". */
function scalar(v: string): string | number | boolean {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?(0|[1-9]\d{0,14})$/.test(v)) return Number(v);
  return v;
}

const map = (ps: Pairs): Obj => Object.fromEntries(ps.map(([k, v]) => [k, scalar(v)]));

function one(sets: SpecSet[], what: string, id: string, diag: Diagnostics): Obj | undefined {
  if (sets.some((s) => s.rule !== undefined || s.score !== undefined))
    diag.error(`${id}: ${what} applied by a rule cannot be written as YAML (use --format xml or crm)`);
  const ps = sets.filter((s) => !s.rule).flatMap((s) => s.pairs);
  return ps.length > 0 ? map(ps) : undefined;
}

/**
 * The configuration as YAML.
 *
 * @example
 * writeFileSync('cluster.yaml', specToYaml(cibToSpec(cib), diag));
 */
export function specToYaml(spec: ClusterSpec, diag: Diagnostics): string {
  const prim = (p: SpecPrimitive): Obj => {
    const o: Obj = { primitive: p.id, agent: [p.class, p.provider, p.type].filter((x) => x !== undefined).join(':') };
    const params = one(p.params, 'parameters', p.id, diag);
    const meta = one(p.meta, 'meta attributes', p.id, diag);
    const util = one(p.utilization, 'utilization', p.id, diag);
    if (params) o.params = params;
    if (meta) o.meta = meta;
    if (util) o.utilization = util;
    if (p.ops.length > 0) o.ops = p.ops.map((op) => ({ name: op.name, interval: scalar(op.interval), ...map(op.attrs) }));
    return o;
  };
  const res = (r: SpecResource): Obj => {
    if (r.kind === 'primitive') return prim(r);
    const meta = one(r.meta, 'meta attributes', r.id, diag);
    if (r.kind === 'group') return { group: r.id, ...(meta ? { meta } : {}), resources: r.children.map(prim) };
    return { [r.promotable ? 'promotable' : 'clone']: r.id, ...(meta ? { meta } : {}), resource: res(r.child) };
  };
  const doc: Obj = {};
  if (spec.nodes.length)
    doc.nodes = spec.nodes.map((n, i) => ({
      name: n.uname,
      // The default (the position, from 1) is left out.
      ...(n.id !== undefined && n.id !== String(i + 1) ? { id: scalar(n.id) } : {}),
      ...(n.type ? { type: n.type } : {}),
      ...(n.attributes.length ? { attributes: map(n.attributes) } : {}),
      ...(n.utilization.length ? { utilization: map(n.utilization) } : {}),
    }));
  if (spec.properties.length) doc.properties = map(spec.properties);
  if (spec.rscDefaults.length) doc.rsc_defaults = map(spec.rscDefaults);
  if (spec.opDefaults.length) doc.op_defaults = map(spec.opDefaults);
  if (spec.resources.length) doc.resources = spec.resources.map(res);
  const count = { location: 0, colocation: 0, order: 0 };
  if (spec.constraints.length)
    doc.constraints = spec.constraints.map((c): Obj => {
      const n = ++count[c.kind];
      // An id the generator would give anyway is left out.
      const dflt =
        c.kind === 'location'
          ? `rsc_location-${c.rsc}-${n}`
          : c.kind === 'colocation'
            ? `rsc_colocation-${c.rsc}-${c.withRsc}-${n}`
            : `rsc_order-${c.first}-${c.thenRsc}-${n}`;
      const id = c.id !== undefined && c.id !== dflt ? { id: c.id } : {};
      if (c.kind === 'location')
        return c.node !== undefined
          ? { location: c.rsc, ...id, node: c.node, score: scalar(c.score ?? 'INFINITY') }
          : {
              location: c.rsc,
              ...id,
              rules: c.rules.map((r) => ({
                ...(r.id ? { id: r.id } : {}),
                score: scalar(r.score ?? '0'),
                ...(r.role ? { role: r.role } : {}),
                expression: exprsText(r),
              })),
            };
      if (c.kind === 'colocation')
        return {
          colocation: c.rsc,
          with: c.withRsc,
          score: scalar(c.score),
          ...id,
          ...(c.rscRole ? { role: c.rscRole } : {}),
          ...(c.withRscRole ? { 'with-role': c.withRscRole } : {}),
        };
      return {
        order: c.first,
        // biome-ignore lint/suspicious/noThenProperty: the YAML field is named "then"
        then: c.thenRsc,
        ...id,
        ...(c.orderKind ? { kind: c.orderKind } : {}),
        ...(c.firstAction ? { 'first-action': c.firstAction } : {}),
        ...(c.thenAction ? { 'then-action': c.thenAction } : {}),
        ...(c.symmetrical !== undefined ? { symmetrical: c.symmetrical } : {}),
      };
    });
  return `# ocfkit cib gen cluster file (schema: engine/src/cib/gen/cluster.schema.json)\n${stringify(doc, { lineWidth: 0 })}`;
}
