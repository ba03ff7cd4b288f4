/**
 * The typed CIB: the part of Pacemaker's cib.xml the engine understands. Import/export lives in
 * `../cib/`; this module is plain data so the scheduler stays pure.
 */

/** A name/value pair inside an attribute set. */
export interface NvPair {
  id: string;
  name: string;
  value: string;
}

/** `cluster_property_set`, `instance_attributes`, `meta_attributes`, node `instance_attributes`... */
export interface NvSet {
  id: string;
  score?: string;
  rule?: Rule;
  pairs: NvPair[];
}

export type ExprOp = 'defined' | 'not_defined' | 'eq' | 'ne' | 'lt' | 'gt' | 'lte' | 'gte';
export type ExprType = 'string' | 'integer' | 'number' | 'version';

/** A rule `expression` on a node attribute (`#uname`, `#id` and `#kind` are built in). */
export interface Expression {
  kind: 'expression';
  id: string;
  attribute: string;
  operation: ExprOp;
  value?: string;
  type?: ExprType;
}

/** A `rule`: expressions (or nested rules) joined by `boolean-op`. */
export interface Rule {
  kind: 'rule';
  id: string;
  score?: string;
  scoreAttribute?: string;
  booleanOp?: 'and' | 'or';
  role?: string;
  terms: (Expression | Rule)[];
}

/** A resource operation (`op`) as configured. */
export interface Op {
  id: string;
  name: string;
  interval: string;
  attrs: Record<string, string>;
  meta: NvSet[];
  /** The op's `instance_attributes` (e.g. `OCF_CHECK_LEVEL`), passed to the agent with that operation. */
  params?: NvSet[];
}

export interface Primitive {
  kind: 'primitive';
  id: string;
  class: string;
  provider?: string;
  type: string;
  params: NvSet[];
  meta: NvSet[];
  ops: Op[];
  /** `utilization` sets (what the resource consumes of a node's capacity); kept for round trips. */
  utilization?: NvSet[];
}

export interface Group {
  kind: 'group';
  id: string;
  meta: NvSet[];
  children: Primitive[];
}

/** A clone; `promotable=true` in its meta attributes makes it a promotable clone. */
export interface Clone {
  kind: 'clone';
  id: string;
  meta: NvSet[];
  child: Primitive | Group;
}

export type Resource = Primitive | Group | Clone;

export interface LocationConstraint {
  kind: 'location';
  id: string;
  rsc: string;
  node?: string;
  score?: string;
  role?: string;
  resourceDiscovery?: string;
  rules: Rule[];
}

export interface ColocationConstraint {
  kind: 'colocation';
  id: string;
  rsc: string;
  withRsc: string;
  score: string;
  rscRole?: string;
  withRscRole?: string;
  nodeAttribute?: string;
  influence?: string;
}

export interface OrderConstraint {
  kind: 'order';
  id: string;
  first: string;
  thenRsc: string;
  firstAction?: string;
  thenAction?: string;
  orderKind?: 'Mandatory' | 'Optional' | 'Serialize';
  score?: string;
  symmetrical?: string;
  /** `require-all=false`: the deprecated form of `clone-min=1` on the `first` clone. */
  requireAll?: string;
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint;

/** A configured cluster node. */
export interface CibNode {
  id: string;
  uname: string;
  type?: string;
  attributes: NvSet[];
  utilization: NvSet[];
}

/** One entry of the executor's operation history (`lrm_rsc_op`), all attributes kept. */
export interface LrmOp {
  id: string;
  operation: string;
  callId: number;
  rc: number;
  opStatus: number;
  intervalMs: number;
  attrs: Record<string, string>;
}

export interface LrmResource {
  id: string;
  class: string;
  provider?: string;
  type: string;
  ops: LrmOp[];
}

/** `node_state`: membership, transient attributes, and the operation history of one node. */
export interface NodeState {
  id: string;
  uname: string;
  attrs: Record<string, string>;
  transient: NvSet[];
  lrm: LrmResource[];
}

/** Unrecognised configuration sections (alerts, tags, acls...) are kept verbatim for round trips. */
export interface OpaqueXml {
  name: string;
  attrs: Record<string, string>;
  children: OpaqueXml[];
}

export interface Cib {
  /** Attributes of the `<cib>` element (epoch, num_updates, admin_epoch, validate-with...). */
  attrs: Record<string, string>;
  crmConfig: NvSet[];
  nodes: CibNode[];
  resources: Resource[];
  constraints: Constraint[];
  rscDefaults: NvSet[];
  opDefaults: NvSet[];
  other: OpaqueXml[];
  status: NodeState[];
}
