/**
 * Reads `ocfkit cib gen`'s YAML file into a {@link ClusterSpec}: checked against
 * {@link clusterSchema} first, every message naming the line and the field
 * (`cluster.yaml:12: resources[0].params.ip: …`).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { clusterSchema } from './cluster-schema.js';
import type { Diagnostics, Where } from './diagnostics.js';
import { parseExprs } from './rule-text.js';
import {
  type ClusterSpec,
  emptySpec,
  normalizeScore,
  type Pairs,
  type SpecConstraint,
  type SpecGroup,
  type SpecPrimitive,
  type SpecResource,
  type SpecRule,
  specResourceIds,
} from './spec.js';

type Path = (string | number)[];
type Obj = Record<string, unknown>;

/** `resources[0].params.ip` */
function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top)';
}

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Reads a YAML cluster file. Problems go to `diag`; the result is meaningful only when
 * `diag.errors === 0`.
 *
 * @example
 * const spec = readYaml(readFileSync('cluster.yaml', 'utf8'), 'cluster.yaml', diag);
 */
export function readYaml(text: string, file: string, diag: Diagnostics): ClusterSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  for (const e of doc.errors) diag.error(e.message.split('\n')[0] as string, { file, line: lc.linePos(e.pos[0]).line });
  if (doc.errors.length > 0) return emptySpec();
  const where = (path: Path): Where => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
      if (isNode(node) && node.range) return { file, line: lc.linePos(node.range[0]).line, field: pathText(path) };
      if (p.length === 0) return { file, line: 1, field: pathText(path) };
    }
  };
  const data = (doc.toJS() ?? {}) as Obj;
  if (typeof data !== 'object' || Array.isArray(data)) {
    diag.error('the file must be a mapping (nodes:, properties:, resources:, constraints: …)', { file, line: 1 });
    return emptySpec();
  }
  if (!schemaCheck(data, where, diag)) return emptySpec();
  return toSpec(data, where, diag);
}

function kindCheck(items: unknown, keys: string[], base: string, where: (p: Path) => Where, diag: Diagnostics): boolean {
  if (!Array.isArray(items)) return true;
  let ok = true;
  items.forEach((it, i) => {
    if (typeof it !== 'object' || it === null) return;
    const has = keys.filter((k) => k in (it as Obj));
    if (has.length !== 1) {
      diag.error(
        `needs exactly one of ${keys.map((k) => `"${k}:"`).join(', ')}${has.length > 1 ? ` (has ${has.join(', ')})` : ''}`,
        where([base, i]),
      );
      ok = false;
    }
  });
  return ok;
}

function schemaCheck(data: Obj, where: (p: Path) => Where, diag: Diagnostics): boolean {
  const resOk = kindCheck(data.resources, ['primitive', 'group', 'clone', 'promotable'], 'resources', where, diag);
  const conOk = kindCheck(data.constraints, ['location', 'colocation', 'order'], 'constraints', where, diag);
  if (!resOk || !conOk) return false;
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(clusterSchema);
  if (validator(data)) return true;
  const errors = (validator.errors ?? []) as ErrorObject[];
  // oneOf branches each report; the deepest message is the one about what was written.
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  const byPath = new Map<string, ErrorObject>();
  // A value that matches no alternative of a described anyOf (a score) is named by that description.
  for (const e of errors)
    if (e.keyword === 'anyOf' && typeof e.parentSchema?.description === 'string')
      byPath.set(e.instancePath, { ...e, message: `"${String(e.data)}" is not ${e.parentSchema.description}` });
  for (const e of specific.sort((a, b) => depth(b) - depth(a))) {
    if ([...byPath.keys()].some((k) => k.startsWith(`${e.instancePath}/`))) continue;
    if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e);
  }
  for (const [p, e] of byPath) {
    const path: Path = p
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const extra =
      e.keyword === 'additionalProperties'
        ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}" is not a known field)`
        : e.keyword === 'enum'
          ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
          : '';
    const target = e.keyword === 'additionalProperties' ? [...path, (e.params as { additionalProperty: string }).additionalProperty] : path;
    diag.error(`${e.message ?? 'is invalid'}${extra}`, where(target));
  }
  return false;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const pairsOf = (v: unknown): Pairs => Object.entries((v ?? {}) as Obj).map(([k, x]) => [k, str(x)]);

function toSpec(data: Obj, where: (p: Path) => Where, diag: Diagnostics): ClusterSpec {
  const spec = emptySpec();
  spec.properties = pairsOf(data.properties);
  spec.rscDefaults = pairsOf(data.rsc_defaults);
  spec.opDefaults = pairsOf(data.op_defaults);
  spec.nodes = ((data.nodes ?? []) as Obj[]).map((n) => ({
    uname: str(n.name),
    ...(n.id !== undefined ? { id: str(n.id) } : {}),
    ...(n.type !== undefined ? { type: str(n.type) } : {}),
    attributes: pairsOf(n.attributes),
    utilization: pairsOf(n.utilization),
  }));
  const primitive = (r: Obj, path: Path): SpecPrimitive => {
    const parts = str(r.agent).split(':');
    const [cls, provider, type] =
      parts.length === 3 ? parts : parts.length === 2 ? [parts[0], undefined, parts[1]] : ['ocf', 'heartbeat', parts[0]];
    const id = str(r.primitive);
    spec.origins.set(`primitive:${id}`, where([...path, 'agent']));
    for (const [k] of pairsOf(r.params)) spec.origins.set(`param:${id}:${k}`, where([...path, 'params', k]));
    if (cls === 'ocf' && provider === undefined)
      diag.error(`"${str(r.agent)}": class ocf needs a provider (ocf:PROVIDER:TYPE)`, where([...path, 'agent']));
    return {
      kind: 'primitive',
      id,
      class: cls as string,
      ...(provider ? { provider } : {}),
      type: type as string,
      params: r.params ? [{ pairs: pairsOf(r.params) }] : [],
      meta: r.meta ? [{ pairs: pairsOf(r.meta) }] : [],
      utilization: r.utilization ? [{ pairs: pairsOf(r.utilization) }] : [],
      ops: ((r.ops ?? []) as Obj[]).map((o) => {
        const { name, interval, ...rest } = o;
        return { name: str(name), interval: interval === undefined ? '0s' : str(interval), attrs: pairsOf(rest) };
      }),
    };
  };
  const group = (r: Obj, path: Path): SpecGroup => ({
    kind: 'group',
    id: str(r.group),
    meta: r.meta ? [{ pairs: pairsOf(r.meta) }] : [],
    children: (r.resources as Obj[]).map((c, i) => primitive(c, [...path, 'resources', i])),
  });
  const resource = (r: Obj, path: Path): SpecResource => {
    if ('primitive' in r) return primitive(r, path);
    if ('group' in r) return group(r, path);
    const inner = r.resource as Obj;
    const child = 'group' in inner ? group(inner, [...path, 'resource']) : primitive(inner, [...path, 'resource']);
    const promotable = 'promotable' in r;
    return {
      kind: 'clone',
      id: str(promotable ? r.promotable : r.clone),
      promotable,
      meta: r.meta ? [{ pairs: pairsOf(r.meta) }] : [],
      child,
    };
  };
  spec.resources = ((data.resources ?? []) as Obj[]).map((r, i) => resource(r, ['resources', i]));
  const seen = new Map<string, string>();
  const idPaths = (r: Obj, path: Path): [string, Path][] => {
    const key = ['primitive', 'group', 'clone', 'promotable'].find((k) => k in r) as string;
    const own: [string, Path] = [str(r[key]), [...path, key]];
    if ('resources' in r) return [own, ...(r.resources as Obj[]).flatMap((c, i) => idPaths(c, [...path, 'resources', i]))];
    if ('resource' in r) return [own, ...idPaths(r.resource as Obj, [...path, 'resource'])];
    return [own];
  };
  for (const [id, path] of ((data.resources ?? []) as Obj[]).flatMap((r, i) => idPaths(r, ['resources', i]))) {
    const prev = seen.get(id);
    if (prev) diag.error(`resource "${id}" is already defined at ${prev}`, where(path));
    else seen.set(id, pathText(path));
  }
  const ids = new Set(specResourceIds(spec.resources));
  const ref = (id: string, path: Path) => {
    if (!ids.has(id)) diag.error(`"${id}" names no resource`, where(path));
    return id;
  };
  const score = (v: unknown, path: Path): string => {
    const s = normalizeScore(str(v));
    if (s === undefined) diag.error(`"${str(v)}" is not a score (an integer, INFINITY or -INFINITY)`, where(path));
    return s ?? '0';
  };
  spec.constraints = ((data.constraints ?? []) as Obj[]).map((c, i): SpecConstraint => {
    const path: Path = ['constraints', i];
    const id = c.id === undefined ? {} : { id: str(c.id) };
    if ('location' in c) {
      const rsc = ref(str(c.location), [...path, 'location']);
      if ((c.node === undefined) === (c.rules === undefined))
        diag.error('a location needs either node: and score:, or rules:', where(path));
      if (c.node !== undefined)
        return { kind: 'location', ...id, rsc, node: str(c.node), score: score(c.score ?? 'INFINITY', [...path, 'score']), rules: [] };
      const rules = ((c.rules ?? []) as Obj[]).map((r, j): SpecRule => {
        let parsed: Pick<SpecRule, 'booleanOp' | 'exprs'> = { booleanOp: 'and', exprs: [] };
        try {
          parsed = parseExprs(str(r.expression));
        } catch (err) {
          diag.error((err as Error).message, where([...path, 'rules', j, 'expression']));
        }
        return {
          ...(r.id !== undefined ? { id: str(r.id) } : {}),
          score: score(r.score ?? 'INFINITY', [...path, 'rules', j, 'score']),
          ...(r.role !== undefined ? { role: str(r.role) } : {}),
          ...parsed,
        };
      });
      return { kind: 'location', ...id, rsc, rules };
    }
    if ('colocation' in c)
      return {
        kind: 'colocation',
        ...id,
        rsc: ref(str(c.colocation), [...path, 'colocation']),
        withRsc: ref(str(c.with), [...path, 'with']),
        score: score(c.score, [...path, 'score']),
        ...(c.role !== undefined ? { rscRole: str(c.role) } : {}),
        ...(c['with-role'] !== undefined ? { withRscRole: str(c['with-role']) } : {}),
      };
    return {
      kind: 'order',
      ...id,
      first: ref(str(c.order), [...path, 'order']),
      thenRsc: ref(str(c.then), [...path, 'then']),
      ...(c['first-action'] !== undefined ? { firstAction: str(c['first-action']) } : {}),
      ...(c['then-action'] !== undefined ? { thenAction: str(c['then-action']) } : {}),
      ...(c.kind !== undefined ? { orderKind: c.kind as 'Mandatory' } : {}),
      ...(c.symmetrical !== undefined ? { symmetrical: c.symmetrical as boolean } : {}),
    };
  });
  for (const n of spec.nodes) {
    const why = /\s/.test(n.uname) ? `node name "${n.uname}" has blanks` : undefined;
    if (why) diag.error(why, where(['nodes']));
  }
  return spec;
}
