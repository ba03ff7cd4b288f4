/**
 * The typed CIB: the part of Pacemaker's cib.xml the engine understands. Import/export lives in
 * `../cib/`; this module is plain data so the scheduler stays pure.
 *
 * Read-only: a model is shared (the store caches one per version, `schedule()` reads it, pe-inputs
 * are written from it), so nothing may change it in place. Code that derives a new CIB copies what
 * it changes ({@link Writable} types such a copy).
 */

/** A name/value pair inside an attribute set. */
export interface NvPair {
  /** '' for an `id-ref` pair that has no id of its own. */
  readonly id: string;
  readonly name: string;
  readonly value: string;
  /**
   * `<nvpair id-ref=...>`: the name and value are the referenced pair's unless the element gives
   * its own (Pacemaker's populate_hash); `name` and `value` here are those written on the element.
   */
  readonly ref?: { readonly id: string; readonly name?: string; readonly value?: string };
}

/** `cluster_property_set`, `instance_attributes`, `meta_attributes`, node `instance_attributes`... */
export interface NvSet {
  readonly id: string;
  readonly score?: string;
  readonly rule?: Rule;
  readonly pairs: readonly NvPair[];
}

export type ExprOp = 'defined' | 'not_defined' | 'eq' | 'ne' | 'lt' | 'gt' | 'lte' | 'gte';
export type ExprType = 'string' | 'integer' | 'number' | 'version';

/** A rule `expression` on a node attribute (`#uname`, `#id` and `#kind` are built in). */
export interface Expression {
  readonly kind: 'expression';
  readonly id: string;
  readonly attribute: string;
  readonly operation: ExprOp;
  readonly value?: string;
  readonly type?: ExprType;
  /** `value-source`: `value` names a parameter or meta attribute of the located resource. */
  readonly valueSource?: 'param' | 'meta';
}

/**
 * An `rsc_expression` (rules of `rsc_defaults` and `op_defaults` only): true for a resource of
 * this class, provider and type (each one given must match).
 */
export interface RscExpression {
  readonly kind: 'rsc_expression';
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
}

/** An `op_expression` (rules of `op_defaults` only): true for an operation of this name (and interval). */
export interface OpExpression {
  readonly kind: 'op_expression';
  readonly id: string;
  readonly name: string;
  readonly interval?: string;
}

/** `date_spec` fields (each a number or range `a-b`, `a-`, `-b`) and `duration` fields, as written (with the element's `id`). */
export type DateFields = Readonly<Record<string, string>>;

/**
 * A `date_expression`: true while the scheduler's `now` is `in_range` of start..end (or start plus
 * a `duration`), after `start` (`gt`), before `end` (`lt`), or matches a `date_spec`.
 */
export interface DateExpression {
  readonly kind: 'date_expression';
  readonly id: string;
  readonly operation: 'in_range' | 'gt' | 'lt' | 'date_spec';
  readonly start?: string;
  readonly end?: string;
  readonly duration?: DateFields;
  readonly spec?: DateFields;
}

/** A `rule`: expressions (or nested rules) joined by `boolean-op`. */
export interface Rule {
  readonly kind: 'rule';
  readonly id: string;
  readonly score?: string;
  readonly scoreAttribute?: string;
  readonly booleanOp?: 'and' | 'or';
  readonly role?: string;
  readonly terms: readonly (Expression | Rule | RscExpression | OpExpression | DateExpression)[];
}

/** A resource operation (`op`) as configured. */
export interface Op {
  readonly id: string;
  readonly name: string;
  readonly interval: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly meta: readonly NvSet[];
  /** The op's `instance_attributes` (e.g. `OCF_CHECK_LEVEL`), passed to the agent with that operation. */
  readonly params?: readonly NvSet[];
}

export interface Primitive {
  readonly kind: 'primitive';
  readonly id: string;
  readonly class: string;
  readonly provider?: string;
  readonly type: string;
  readonly params: readonly NvSet[];
  readonly meta: readonly NvSet[];
  readonly ops: readonly Op[];
  /** `<operations id-ref=...>`: `ops` are those of the `<operations>` element it names. */
  readonly opsRef?: string;
  /** `utilization` sets (what the resource consumes of a node's capacity). */
  readonly utilization?: readonly NvSet[];
  /**
   * The `<template>` this primitive is built from (`template=`). Its class, provider and type are
   * the template's; `params`, `meta`, `ops` and `utilization` are the primitive's own, and the
   * scheduler adds the template's to them (templates.ts).
   */
  readonly template?: string;
}

export interface Group {
  readonly kind: 'group';
  readonly id: string;
  readonly meta: readonly NvSet[];
  /** Instance attributes, passed to every member as parameters (a member's own win), as Pacemaker does. */
  readonly params?: readonly NvSet[];
  readonly children: readonly Primitive[];
}

/** A clone; `promotable=true` in its meta attributes makes it a promotable clone. */
export interface Clone {
  readonly kind: 'clone';
  readonly id: string;
  readonly meta: readonly NvSet[];
  /** Instance attributes, passed to every primitive inside as parameters (their own win), as Pacemaker does. */
  readonly params?: readonly NvSet[];
  readonly child: Primitive | Group;
}

export type Resource = Primitive | Group | Clone;

export interface LocationConstraint {
  readonly kind: 'location';
  readonly id: string;
  /** The resource; '' for an `rsc-pattern` location until the scheduler expands it (rsc-pattern.ts). */
  readonly rsc: string;
  /**
   * `rsc-pattern`: a regular expression over top-level resource ids (`!` before it: those it does
   * not match); the rules' `%0`-`%9` in an attribute name are its submatches.
   */
  readonly rscPattern?: string;
  readonly node?: string;
  readonly score?: string;
  readonly role?: string;
  readonly resourceDiscovery?: string;
  readonly rules: readonly Rule[];
}

export interface ColocationConstraint {
  readonly kind: 'colocation';
  readonly id: string;
  readonly rsc: string;
  readonly withRsc: string;
  /** Absent: 0, and Pacemaker ignores a colocation of score 0. */
  readonly score?: string;
  readonly rscRole?: string;
  readonly withRscRole?: string;
  readonly nodeAttribute?: string;
  readonly influence?: string;
  /**
   * Scheduler-only (bundles.ts): `withRsc` is a bundle of several replicas; `parts` are its
   * containers, IPs and connections (assigned before the dependent; the child's clone is assigned
   * at its turn, once the connections made its guest nodes), and the dependent runs where one of
   * `containers` does.
   */
  readonly bundle?: { readonly containers: readonly string[]; readonly parts: readonly string[] };
}

export interface OrderConstraint {
  readonly kind: 'order';
  readonly id: string;
  readonly first: string;
  readonly thenRsc: string;
  readonly firstAction?: string;
  readonly thenAction?: string;
  readonly orderKind?: 'Mandatory' | 'Optional' | 'Serialize';
  /** A `kind` that is none of those, as written: Pacemaker resets it to Mandatory (and says so). */
  readonly invalidKind?: string;
  readonly score?: string;
  readonly symmetrical?: string;
  /** `require-all=false`: the deprecated form of `clone-min=1` on the `first` clone. */
  readonly requireAll?: string;
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint;

/** A configured cluster node. */
export interface CibNode {
  readonly id: string;
  readonly uname: string;
  readonly type?: string;
  readonly attributes: readonly NvSet[];
  readonly utilization: readonly NvSet[];
}

/** One entry of the executor's operation history (`lrm_rsc_op`), all attributes kept. */
export interface LrmOp {
  readonly id: string;
  readonly operation: string;
  readonly callId: number;
  readonly rc: number;
  readonly opStatus: number;
  readonly intervalMs: number;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface LrmResource {
  readonly id: string;
  readonly class: string;
  readonly provider?: string;
  readonly type: string;
  /** `shutdown-lock`: when the resource was stopped by its node's clean shutdown and locked to it (shutdown-locks.ts). */
  readonly shutdownLock?: string;
  readonly ops: readonly LrmOp[];
}

/** `node_state`: membership, transient attributes, and the operation history of one node. */
export interface NodeState {
  readonly id: string;
  readonly uname: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly transient: readonly NvSet[];
  readonly lrm: readonly LrmResource[];
}

/** Unrecognised configuration sections (alerts, tags, acls...) are kept verbatim for round trips. */
export interface OpaqueXml {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly OpaqueXml[];
}

/** The CIB version triple, as on `<cib>`; versions compare admin_epoch, then epoch, then num_updates. */
export interface CibVersion {
  readonly adminEpoch: number;
  readonly epoch: number;
  readonly numUpdates: number;
}

export interface Cib {
  /** Attributes of the `<cib>` element (epoch, num_updates, admin_epoch, validate-with...). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly crmConfig: readonly NvSet[];
  readonly nodes: readonly CibNode[];
  readonly resources: readonly Resource[];
  /** Resource templates (`<template>`: a primitive's definition that primitives name with `template=`). */
  readonly templates?: readonly Primitive[];
  readonly constraints: readonly Constraint[];
  readonly rscDefaults: readonly NvSet[];
  readonly opDefaults: readonly NvSet[];
  readonly other: readonly OpaqueXml[];
  readonly status: readonly NodeState[];
  /**
   * The `<cib>` element this model was read from. Export lays the model over it, so what the model
   * does not represent (utilization, resource sets, bundles, tickets, unknown attributes and
   * elements) is written back where it was, unchanged. Absent on a CIB built in code.
   */
  readonly source?: OpaqueXml;
}

/** The writable form of a model type, for a copy being built (never for a model that is shared). */
export type Writable<T> = T extends string | number | boolean | undefined
  ? T
  : T extends readonly (infer U)[]
    ? Writable<U>[]
    : { -readonly [K in keyof T]: Writable<T[K]> };
