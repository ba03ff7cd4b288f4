/**
 * The cluster configuration `ocfkit cib gen` reads from a sheet or a YAML file, before ids are
 * given to attribute sets, operations and rules: what the user wrote, in order. It becomes a
 * cib.xml (`spec-to-cib`), crm shell text (`to-crm`) or pcs commands (`to-pcs`); a cib.xml can
 * be read back into it (`cib-to-spec`).
 */
import type { Where } from './diagnostics.js';

/** Name/value pairs in the order written. */
export type Pairs = [string, string][];

export type SpecOperation = 'defined' | 'not_defined' | 'eq' | 'ne' | 'lt' | 'gt' | 'lte' | 'gte';
export type SpecValueType = 'string' | 'integer' | 'number' | 'version';

export interface SpecExpr {
  attribute: string;
  operation: SpecOperation;
  value?: string;
  type?: SpecValueType;
}

/** A rule: expressions joined by one boolean operator. */
export interface SpecRule {
  score?: string;
  role?: string;
  booleanOp: 'and' | 'or';
  exprs: SpecExpr[];
  /** A crm shell `$id="..."` given in the sheet's id_spec column. */
  id?: string;
}

/** An attribute set (params, meta, utilization): unconditional, or applied when its rule matches. */
export interface SpecSet {
  score?: string;
  rule?: SpecRule;
  pairs: Pairs;
}

interface SpecOp {
  name: string;
  interval: string;
  /** timeout, on-fail, start-delay, role, … as written. */
  attrs: Pairs;
}

export interface SpecPrimitive {
  kind: 'primitive';
  id: string;
  class: string;
  provider?: string;
  type: string;
  params: SpecSet[];
  meta: SpecSet[];
  utilization: SpecSet[];
  ops: SpecOp[];
}

export interface SpecGroup {
  kind: 'group';
  id: string;
  meta: SpecSet[];
  children: SpecPrimitive[];
}

export interface SpecClone {
  kind: 'clone';
  id: string;
  promotable: boolean;
  meta: SpecSet[];
  child: SpecPrimitive | SpecGroup;
}

export type SpecResource = SpecPrimitive | SpecGroup | SpecClone;

export interface SpecLocation {
  kind: 'location';
  id?: string;
  rsc: string;
  /** `node` + `score`: the simple form; otherwise `rules`. */
  node?: string;
  score?: string;
  rules: SpecRule[];
}

export interface SpecColocation {
  kind: 'colocation';
  id?: string;
  rsc: string;
  withRsc: string;
  score: string;
  rscRole?: string;
  withRscRole?: string;
}

export interface SpecOrder {
  kind: 'order';
  id?: string;
  first: string;
  thenRsc: string;
  firstAction?: string;
  thenAction?: string;
  orderKind?: 'Mandatory' | 'Optional' | 'Serialize';
  symmetrical?: boolean;
}

export type SpecConstraint = SpecLocation | SpecColocation | SpecOrder;

interface SpecNode {
  uname: string;
  id?: string;
  type?: string;
  attributes: Pairs;
  utilization: Pairs;
}

export interface ClusterSpec {
  nodes: SpecNode[];
  properties: Pairs;
  rscDefaults: Pairs;
  opDefaults: Pairs;
  resources: SpecResource[];
  constraints: SpecConstraint[];
  /**
   * Where things were written, for messages found after reading (agent checks): keys
   * `primitive:ID`, `param:ID:NAME`.
   */
  origins: Map<string, Where>;
}

/** An empty configuration. */
export function emptySpec(): ClusterSpec {
  return { nodes: [], properties: [], rscDefaults: [], opDefaults: [], resources: [], constraints: [], origins: new Map() };
}

/** Every primitive of the configuration, group members and clone children included. */
export function specPrimitives(resources: SpecResource[]): SpecPrimitive[] {
  return resources.flatMap((r) => (r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : specPrimitives([r.child])));
}

/** Every resource id (groups, clones and their members). */
export function specResourceIds(resources: SpecResource[]): string[] {
  return resources.flatMap((r) =>
    r.kind === 'primitive' ? [r.id] : r.kind === 'group' ? [r.id, ...r.children.map((c) => c.id)] : [r.id, ...specResourceIds([r.child])],
  );
}

/** What Pacemaker accepts as an XML ID: ASCII letters, digits, `_`, `-`, `.`; not starting with a digit, `-` or `.`. */
const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Why `id` cannot be a CIB id, or undefined when it can. */
export function badId(id: string): string | undefined {
  if (ID_PATTERN.test(id)) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is exactly what is checked
  if (/[^\x00-\x7f]/.test(id)) return `"${id}" has non-ASCII characters (full-width?); ids take ASCII letters, digits, '_', '-' and '.'`;
  return `"${id}" is not a valid id: ids take ASCII letters, digits, '_', '-' and '.', and start with a letter or '_'`;
}

/**
 * A Pacemaker score: an integer, or [+-]INFINITY (also `inf`, any case, as pm_crmgen reads it).
 * Returns the normalized text, or undefined when it is not a score.
 *
 * @example
 * normalizeScore('-inf') // '-INFINITY'
 */
export function normalizeScore(text: string): string | undefined {
  const t = text.trim();
  const m = /^([+-]?)(inf|infinity)$/i.exec(t);
  if (m) return `${m[1] === '-' ? '-' : ''}INFINITY`;
  if (/^[+-]?\d+$/.test(t)) return String(Number.parseInt(t, 10));
  return undefined;
}
