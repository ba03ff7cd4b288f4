import type {
  Cib,
  CibNode,
  Clone,
  Constraint,
  Expression,
  ExprOp,
  ExprType,
  Group,
  LrmOp,
  LrmResource,
  NodeState,
  NvSet,
  Op,
  Primitive,
  Resource,
  Rule,
} from '../core/cib-model.js';
import { isModelledResource, leftAloneIds, unmodelledConstraint } from '../core/unmodelled-xml.js';
import { parseDurationMs } from '../pcmk/duration.js';
import { legacyMasterMetaId } from './overlay.js';
import { CibError, parseXml, type XmlElement } from './xml-tree.js';

function where(e: XmlElement): string {
  return e.attrs.id !== undefined ? `<${e.name} id="${e.attrs.id}">` : `<${e.name}>`;
}

function req(e: XmlElement, attr: string): string {
  const v = e.attrs[attr];
  if (v === undefined || v === '') throw new CibError(`${where(e)} is missing required attribute "${attr}"`);
  return v;
}

function kids(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => c.name === name);
}

function only(e: XmlElement, allowed: string[]): void {
  for (const c of e.children) if (!allowed.includes(c.name)) throw new CibError(`unexpected <${c.name}> inside ${where(e)}`);
}

const ops: ExprOp[] = ['defined', 'not_defined', 'eq', 'ne', 'lt', 'gt', 'lte', 'gte'];
const types: ExprType[] = ['string', 'integer', 'number', 'version'];

function expression(e: XmlElement): Expression {
  const operation = req(e, 'operation') as ExprOp;
  if (!ops.includes(operation)) throw new CibError(`${where(e)} has unsupported operation "${operation}"`);
  const type = e.attrs.type as ExprType | undefined;
  if (type !== undefined && !types.includes(type)) throw new CibError(`${where(e)} has unsupported type "${type}"`);
  const value = e.attrs.value;
  if (operation !== 'defined' && operation !== 'not_defined' && value === undefined)
    throw new CibError(`${where(e)} needs a value for operation "${operation}"`);
  return { kind: 'expression', id: req(e, 'id'), attribute: req(e, 'attribute'), operation, value, type };
}

/** Rule terms besides `expression` and `rule`: `rsc_expression` in rsc_defaults and op_defaults, `op_expression` in op_defaults. */
type ExtraTerms = readonly ('rsc_expression' | 'op_expression')[];
const RSC_DEFAULTS_TERMS: ExtraTerms = ['rsc_expression'];
const OP_DEFAULTS_TERMS: ExtraTerms = ['rsc_expression', 'op_expression'];

function ruleTerm(c: XmlElement, extra: ExtraTerms): Rule['terms'][number] {
  if (c.name === 'rule') return rule(c, extra);
  if (c.name === 'rsc_expression')
    return { kind: 'rsc_expression', id: req(c, 'id'), class: c.attrs.class, provider: c.attrs.provider, type: c.attrs.type };
  if (c.name === 'op_expression') {
    const interval = c.attrs.interval;
    if (interval !== undefined && parseDurationMs(interval) === undefined)
      throw new CibError(`${where(c)} has a bad interval "${interval}"`);
    return { kind: 'op_expression', id: req(c, 'id'), name: req(c, 'name'), interval };
  }
  return expression(c);
}

function rule(e: XmlElement, extra: ExtraTerms): Rule {
  only(e, ['expression', 'rule', ...extra]);
  const b = e.attrs['boolean-op'];
  if (b !== undefined && b !== 'and' && b !== 'or') throw new CibError(`${where(e)} has unsupported boolean-op "${b}"`);
  return {
    kind: 'rule',
    id: req(e, 'id'),
    score: e.attrs.score,
    scoreAttribute: e.attrs['score-attribute'],
    booleanOp: b,
    role: e.attrs.role,
    terms: e.children.map((c) => ruleTerm(c, extra)),
  };
}

/** An attribute set reader whose rules may also hold `extra` terms. */
function nvsetWith(extra: ExtraTerms): (e: XmlElement) => NvSet {
  return (e) => {
    only(e, ['nvpair', 'rule']);
    const r = kids(e, 'rule')[0];
    return {
      id: req(e, 'id'),
      score: e.attrs.score,
      rule: r && rule(r, extra),
      pairs: kids(e, 'nvpair').map((p) => ({ id: req(p, 'id'), name: req(p, 'name'), value: p.attrs.value ?? '' })),
    };
  };
}

const nvset = nvsetWith([]);

function op(e: XmlElement): Op {
  const { id: _id, name: _name, interval: _interval, ...attrs } = e.attrs;
  const params = kids(e, 'instance_attributes').map(nvset);
  return {
    id: req(e, 'id'),
    name: req(e, 'name'),
    interval: req(e, 'interval'),
    attrs,
    meta: kids(e, 'meta_attributes').map(nvset),
    ...(params.length > 0 ? { params } : {}),
  };
}

// Resources and constraints may carry what the model does not read (utilization, description,
// unknown children): it is kept by the exporter's overlay (overlay.ts), not refused.

/** The `<template>` elements of `<resources>`, by id (a primitive with `template=` is built from one). */
type Templates = ReadonlyMap<string, XmlElement>;

function primitive(e: XmlElement, templates: Templates): Primitive {
  const ref = e.attrs.template;
  const base = ref === undefined ? e : templates.get(ref);
  if (base === undefined) throw new CibError(`${where(e)} template="${ref ?? ''}" names no <template>`);
  const cls = req(base, 'class');
  if (cls === 'ocf' && base.attrs.provider === undefined) throw new CibError(`${where(base)} has class "ocf" but no provider`);
  return {
    kind: 'primitive',
    id: req(e, 'id'),
    class: cls,
    provider: base.attrs.provider,
    type: req(base, 'type'),
    params: kids(e, 'instance_attributes').map(nvset),
    meta: kids(e, 'meta_attributes').map(nvset),
    ops: kids(e, 'operations').flatMap((o) => kids(o, 'op').map(op)),
    ...(kids(e, 'utilization').length > 0 ? { utilization: kids(e, 'utilization').map(nvset) } : {}),
    ...(ref !== undefined ? { template: ref } : {}),
  };
}

function group(e: XmlElement, templates: Templates): Group {
  const children = kids(e, 'primitive').map((p) => primitive(p, templates));
  if (children.length === 0) throw new CibError(`${where(e)} has no members`);
  const params = kids(e, 'instance_attributes').map(nvset);
  return {
    kind: 'group',
    id: req(e, 'id'),
    meta: kids(e, 'meta_attributes').map(nvset),
    ...(params.length > 0 ? { params } : {}),
    children,
  };
}

function clone(e: XmlElement, templates: Templates): Clone {
  const inner = e.children.filter((c) => c.name === 'primitive' || c.name === 'group');
  if (inner.length !== 1 || inner[0] === undefined) throw new CibError(`${where(e)} must contain exactly one primitive or group`);
  const meta = kids(e, 'meta_attributes').map(nvset);
  if (e.name === 'master')
    meta.push({ id: legacyMasterMetaId(req(e, 'id')), pairs: [{ id: `${e.attrs.id}-promotable`, name: 'promotable', value: 'true' }] });
  const params = kids(e, 'instance_attributes').map(nvset);
  return {
    kind: 'clone',
    id: req(e, 'id'),
    meta,
    ...(params.length > 0 ? { params } : {}),
    child: inner[0].name === 'group' ? group(inner[0], templates) : primitive(inner[0], templates),
  };
}

/**
 * A resource the model reads (true), or one it leaves alone (a bundle...: false). A primitive
 * with neither `class` nor `template` is invalid anywhere (the Pacemaker schema refuses it too):
 * refused, not kept.
 */
function modelledOrRefused(e: XmlElement): boolean {
  for (const p of [e, ...e.children.flatMap((c) => [c, ...c.children])])
    if (p.name === 'primitive' && p.attrs.class === undefined && p.attrs.template === undefined)
      throw new CibError(`${where(p)} is missing required attribute "class" (or a "template")`);
  return isModelledResource(e);
}

function resource(e: XmlElement, templates: Templates): Resource {
  if (e.name === 'primitive') return primitive(e, templates);
  if (e.name === 'group') return group(e, templates);
  if (e.name === 'clone' || e.name === 'master') return clone(e, templates);
  throw new CibError(`unsupported resource ${where(e)} (supported: primitive, group, clone)`);
}

function constraint(e: XmlElement): Constraint {
  const id = req(e, 'id');
  if (e.name === 'rsc_location') {
    const rules = kids(e, 'rule').map((r) => rule(r, []));
    if (e.attrs.node !== undefined && e.attrs.score === undefined) throw new CibError(`${where(e)} has a node but no score`);
    if (e.attrs.node === undefined && rules.length === 0) throw new CibError(`${where(e)} needs a node and score, or rules`);
    return {
      kind: 'location',
      id,
      rsc: req(e, 'rsc'),
      node: e.attrs.node,
      score: e.attrs.score,
      role: e.attrs.role,
      resourceDiscovery: e.attrs['resource-discovery'],
      rules,
    };
  }
  if (e.name === 'rsc_colocation') {
    return {
      kind: 'colocation',
      id,
      rsc: req(e, 'rsc'),
      withRsc: req(e, 'with-rsc'),
      score: req(e, 'score'),
      rscRole: e.attrs['rsc-role'],
      withRscRole: e.attrs['with-rsc-role'],
      nodeAttribute: e.attrs['node-attribute'],
      influence: e.attrs.influence,
    };
  }
  if (e.name === 'rsc_order') {
    const k = e.attrs.kind;
    // Pacemaker reads the kind case-insensitively and resets any other value to Mandatory.
    const known = (['Mandatory', 'Optional', 'Serialize'] as const).find((x) => x.toLowerCase() === k?.toLowerCase());
    return {
      kind: 'order',
      id,
      first: req(e, 'first'),
      thenRsc: req(e, 'then'),
      firstAction: e.attrs['first-action'],
      thenAction: e.attrs['then-action'],
      ...(k !== undefined ? { orderKind: known ?? 'Mandatory' } : {}),
      ...(k !== undefined && known === undefined ? { invalidKind: k } : {}),
      score: e.attrs.score,
      symmetrical: e.attrs.symmetrical,
      requireAll: e.attrs['require-all'],
    };
  }
  throw new CibError(`unsupported constraint ${where(e)} (supported: rsc_location, rsc_colocation, rsc_order)`);
}

function lrmOp(e: XmlElement): LrmOp {
  const num = (a: string, dflt?: number): number => {
    const raw = e.attrs[a];
    if (raw === undefined && dflt !== undefined) return dflt;
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n)) throw new CibError(`${where(e)} has a bad ${a}="${raw ?? ''}"`);
    return n;
  };
  return {
    id: req(e, 'id'),
    operation: req(e, 'operation'),
    callId: num('call-id'),
    rc: num('rc-code'),
    opStatus: num('op-status', 0),
    intervalMs: num('interval', 0),
    attrs: { ...e.attrs },
  };
}

function nodeState(e: XmlElement): NodeState {
  const transient = kids(e, 'transient_attributes').flatMap((t) => kids(t, 'instance_attributes').map(nvset));
  const lrm: LrmResource[] = kids(e, 'lrm').flatMap((l) =>
    kids(l, 'lrm_resources').flatMap((rs) =>
      kids(rs, 'lrm_resource').map((r) => ({
        id: req(r, 'id'),
        class: req(r, 'class'),
        provider: r.attrs.provider,
        type: req(r, 'type'),
        ops: kids(r, 'lrm_rsc_op').map(lrmOp),
      })),
    ),
  );
  return { id: req(e, 'id'), uname: e.attrs.uname ?? req(e, 'id'), attrs: { ...e.attrs }, transient, lrm };
}

function nodes(e: XmlElement | undefined): CibNode[] {
  return (e ? kids(e, 'node') : []).map((n) => ({
    id: req(n, 'id'),
    uname: req(n, 'uname'),
    type: n.attrs.type,
    attributes: kids(n, 'instance_attributes').map(nvset),
    utilization: kids(n, 'utilization').map(nvset),
  }));
}

/** Every resource id in the tree, including group members and clone children. */
function allResourceIds(resources: readonly Resource[]): string[] {
  return resources.flatMap((r) =>
    r.kind === 'primitive' ? [r.id] : r.kind === 'group' ? [r.id, ...r.children.map((c) => c.id)] : [r.id, ...allResourceIds([r.child])],
  );
}

function checkReferences(cib: Cib): void {
  const ids = allResourceIds(cib.resources);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new CibError(`duplicate resource id "${id}"`);
    seen.add(id);
  }
  const unames = new Set(cib.nodes.map((n) => n.uname));
  const tag = { location: 'rsc_location', colocation: 'rsc_colocation', order: 'rsc_order' } as const;
  for (const c of cib.constraints) {
    const refs =
      c.kind === 'location'
        ? [['rsc', c.rsc]]
        : c.kind === 'colocation'
          ? [
              ['rsc', c.rsc],
              ['with-rsc', c.withRsc],
            ]
          : [
              ['first', c.first],
              ['then', c.thenRsc],
            ];
    for (const [attr, ref] of refs) {
      if (ref !== undefined && !seen.has(ref)) throw new CibError(`<${tag[c.kind]} id="${c.id}"> ${attr}="${ref}" names no resource`);
    }
    if (c.kind === 'location' && c.node !== undefined && !unames.has(c.node) && cib.nodes.length > 0) {
      // Pacemaker accepts constraints on unknown nodes (they match nothing); keep that, but it is never an error.
    }
  }
}

/**
 * Reads a Pacemaker cib.xml into the typed {@link Cib}. What the model does not represent —
 * bundles, resource sets, tickets, utilization, unknown attributes and elements — is
 * left out of it but kept in `source`, so {@link exportCib} writes it back unchanged (and the
 * scheduler warns that it leaves it alone). Throws a {@link CibError} naming the element and id for
 * malformed XML, missing or bad attributes, rules it cannot evaluate in attribute sets, and
 * constraints that reference unknown resources.
 *
 * @example
 * const cib = importCib(readFileSync('cib.xml', 'utf8'));
 * cib.resources.map((r) => r.id);
 */
export function importCib(xml: string): Cib {
  const root = parseXml(xml);
  if (root.name !== 'cib') throw new CibError(`root element is <${root.name}>, expected <cib>`);
  const config = kids(root, 'configuration')[0];
  if (config === undefined) throw new CibError('<cib> has no <configuration>');
  const section = (name: string) => kids(config, name)[0];
  const known = ['crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults'];
  // Bundles, templates, resource sets, tickets...: left alone (kept in `source`, warned about).
  const leftAlone = leftAloneIds(config);
  const resourceXml = section('resources')?.children ?? [];
  const templateXml = resourceXml.filter((e) => e.name === 'template');
  const templates = new Map(templateXml.map((t) => [req(t, 'id'), t]));
  const cib: Cib = {
    attrs: { ...root.attrs },
    crmConfig: (section('crm_config')?.children ?? []).map(nvset),
    nodes: nodes(section('nodes')),
    resources: resourceXml.filter(modelledOrRefused).map((e) => resource(e, templates)),
    ...(templateXml.length > 0 ? { templates: templateXml.map((t) => primitive(t, templates)) } : {}),
    constraints: (section('constraints')?.children ?? []).filter((c) => unmodelledConstraint(c, leftAlone) === undefined).map(constraint),
    rscDefaults: (section('rsc_defaults')?.children ?? []).map(nvsetWith(RSC_DEFAULTS_TERMS)),
    opDefaults: (section('op_defaults')?.children ?? []).map(nvsetWith(OP_DEFAULTS_TERMS)),
    other: config.children.filter((c) => !known.includes(c.name)),
    // A node state without an id is ignored, as Pacemaker does ("malformed node_state entry without id").
    status: (kids(root, 'status')[0]?.children ?? []).filter((c) => c.name === 'node_state' && !!c.attrs.id).map(nodeState),
    source: root,
  };
  checkReferences(cib);
  return cib;
}
