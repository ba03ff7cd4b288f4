/**
 * crm shell text for a {@link ClusterSpec}, laid out the way pm_crmgen writes it (a `### … ###`
 * comment per section, one attribute per continuation line), for `crm configure load update FILE`.
 */
import { exprsText } from './rule-text.js';
import type { ClusterSpec, Pairs, SpecPrimitive, SpecRule, SpecSet } from './spec.js';

const CONT = ' \\\n\t';

/** A crm shell value, quoted (backslashes and quotes escaped). */
function crmQuote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const pairsText = (ps: Pairs, indent: string): string[] => ps.map(([n, v]) => `${indent}${n}=${crmQuote(v)}`);

function ruleHead(r: SpecRule): string {
  return `rule${r.id ? ` $id=${r.id}` : ''}${r.role ? ` $role=${r.role}` : ''} ${r.score ?? '0'}: ${exprsText(r)}`;
}

function setsText(keyword: string, sets: SpecSet[]): string[] {
  const out: string[] = [];
  for (const s of sets) {
    if (s.pairs.length === 0) continue;
    out.push(
      s.rule ? `${keyword} ${s.score !== undefined ? `${s.score}: ` : ''}${ruleHead(s.rule)}` : keyword,
      ...pairsText(s.pairs, '\t'),
    );
  }
  return out;
}

function primitiveText(p: SpecPrimitive): string {
  const agent = [p.class, p.provider, p.type].filter((x) => x !== undefined).join(':');
  const lines = [
    `primitive ${p.id} ${agent}`,
    ...setsText('params', p.params),
    ...setsText('meta', p.meta),
    ...setsText('utilization', p.utilization),
    ...p.ops.map((o) => `op ${o.name} interval=${o.interval}${o.attrs.map(([k, v]) => ` ${k}=${crmQuote(v)}`).join('')}`),
  ];
  return lines.join(CONT);
}

/**
 * The configuration as crm shell commands.
 *
 * @example
 * writeFileSync('cluster.crm', specToCrm(spec)); // then: crm configure load update cluster.crm
 */
export function specToCrm(spec: ClusterSpec): string {
  const sections: string[] = [];
  const section = (title: string, body: string[]) => {
    if (body.length > 0) sections.push(`### ${title} ###\n${body.join('\n')}\n`);
  };
  section(
    'Cluster Node',
    spec.nodes.map((n) =>
      [
        `node ${n.id ? `${n.id}: ` : ''}${n.uname}${n.type ? `:${n.type}` : ''}`,
        ...(n.attributes.length ? ['attributes', ...pairsText(n.attributes, '\t')] : []),
        ...(n.utilization.length ? ['utilization', ...pairsText(n.utilization, '\t')] : []),
      ].join(CONT),
    ),
  );
  const option = (title: string, keyword: string, ps: Pairs) =>
    section(title, ps.length ? [[`${keyword}`, ...pairsText(ps, '')].join(CONT)] : []);
  option('Cluster Option', 'property', spec.properties);
  option('Resource Defaults', 'rsc_defaults', spec.rscDefaults);
  option('Operations Defaults', 'op_defaults', spec.opDefaults);
  const groups: string[] = [];
  const clones: string[] = [];
  const prims: SpecPrimitive[] = [];
  const walk = (r: ClusterSpec['resources'][number]): void => {
    if (r.kind === 'primitive') prims.push(r);
    else if (r.kind === 'group') {
      groups.push([`group ${r.id} ${r.children.map((c) => c.id).join(' ')}`, ...setsText('meta', r.meta)].join(CONT));
      prims.push(...r.children);
    } else {
      const meta: SpecSet[] = r.promotable
        ? [{ pairs: [['promotable', 'true'], ...(r.meta[0]?.pairs ?? [])] }, ...r.meta.slice(1)]
        : r.meta;
      clones.push([`clone ${r.id} ${r.child.id}`, ...setsText('meta', meta)].join(CONT));
      walk(r.child);
    }
  };
  // Containers first, as pm_crmgen writes them; crm shell resolves the forward references.
  for (const r of spec.resources) walk(r);
  section('Group Configuration', groups);
  section('Clone Configuration', clones);
  section(
    'Primitive Configuration',
    prims.map(primitiveText).map((t) => `${t}\n`),
  );
  const count = { location: 0, colocation: 0, order: 0 };
  const locs: string[] = [];
  const colos: string[] = [];
  const orders: string[] = [];
  for (const c of spec.constraints) {
    const n = ++count[c.kind];
    if (c.kind === 'location') {
      const id = c.id ?? `rsc_location-${c.rsc}-${n}`;
      if (c.node !== undefined) locs.push(`location ${id} ${c.rsc} ${c.score}: ${c.node}`);
      else locs.push([`location ${id} ${c.rsc}`, ...c.rules.map((r) => ruleHead(r))].join(CONT));
    } else if (c.kind === 'colocation') {
      const id = c.id ?? `rsc_colocation-${c.rsc}-${c.withRsc}-${n}`;
      const role = (x?: string) => (x ? `:${x}` : '');
      colos.push(`colocation ${id} ${c.score}: ${c.rsc}${role(c.rscRole)} ${c.withRsc}${role(c.withRscRole)}`);
    } else {
      const id = c.id ?? `rsc_order-${c.first}-${c.thenRsc}-${n}`;
      const kind = c.orderKind === 'Optional' ? '0' : c.orderKind === 'Serialize' ? 'Serialize' : 'INFINITY';
      const act = (x?: string) => (x ? `:${x}` : '');
      orders.push(
        `order ${id} ${kind}: ${c.first}${act(c.firstAction)} ${c.thenRsc}${act(c.thenAction)}${c.symmetrical !== undefined ? ` symmetrical=${c.symmetrical}` : ''}`,
      );
    }
  }
  section('Resource Location', locs);
  section('Resource Colocation', colos);
  section('Resource Order', orders);
  return sections.join('\n');
}
