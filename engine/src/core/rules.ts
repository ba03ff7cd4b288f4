import type { Expression, OpExpression, RscExpression, Rule } from './cib-model.js';
import { parseDurationMs } from './nvsets.js';

/** Node attributes a rule sees: configured, transient, and the built-ins #uname, #id, #kind. */
export type NodeAttrs = ReadonlyMap<string, string>;

function scanInt(s: string): number | undefined {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m?.[1] !== undefined ? Number.parseInt(m[1], 10) : undefined;
}

function scanFloat(s: string): number | undefined {
  const n = Number.parseFloat(s);
  return Number.isNaN(n) ? undefined : n;
}

function compareStrings(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function compare(l: string | undefined, r: string | undefined, x: Expression): number {
  if (l === undefined || r === undefined) return l === r ? 0 : r === undefined ? 1 : -1;
  let type = x.type;
  if (type === undefined) {
    if (['lt', 'lte', 'gt', 'gte'].includes(x.operation)) type = l.includes('.') || r.includes('.') ? 'number' : 'integer';
    else type = 'string';
  }
  if (type === 'integer' || type === 'number') {
    const a = type === 'integer' ? scanInt(l) : scanFloat(l);
    const b = type === 'integer' ? scanInt(r) : scanFloat(r);
    if (a === undefined || b === undefined) return compareStrings(l, r);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (type === 'version') return compareVersions(l, r);
  return compareStrings(l, r);
}

/**
 * Evaluates one expression against a node's attributes, with Pacemaker's typing: lt/gt/lte/gte
 * compare as numbers unless `type` says otherwise, eq/ne compare strings case-insensitively.
 *
 * @example
 * evaluateExpression({ kind: 'expression', id: 'e', attribute: 'site', operation: 'eq', value: 'A' }, new Map([['site', 'a']])) // true
 */
export function evaluateExpression(x: Expression, attrs: NodeAttrs): boolean {
  const l = attrs.get(x.attribute);
  if (x.operation === 'defined') return l !== undefined;
  if (x.operation === 'not_defined') return l === undefined;
  const cmp = compare(l, x.value, x);
  if (x.operation === 'eq') return cmp === 0;
  if (x.operation === 'ne') return cmp !== 0;
  if (l === undefined || x.value === undefined) return false;
  if (x.operation === 'lt') return cmp < 0;
  if (x.operation === 'lte') return cmp <= 0;
  if (x.operation === 'gt') return cmp > 0;
  return cmp >= 0;
}

/**
 * What the rules of `rsc_defaults` and `op_defaults` are evaluated for: the resource (its class,
 * provider and type; none for a group or clone) and, for `op_defaults`, the operation.
 */
export interface RuleTarget {
  readonly rsc?: { readonly class?: string; readonly provider?: string; readonly type?: string };
  readonly op?: { readonly name: string; readonly intervalMs: number };
}

/**
 * Pacemaker's pe__eval_rsc_expr: the class and type, where the expression gives them, must equal
 * the resource's; the provider must equal it always (no provider matches only a resource without
 * one). False where no resource is being evaluated.
 */
function evaluateRscExpression(x: RscExpression, target: RuleTarget | undefined): boolean {
  const r = target?.rsc;
  if (r === undefined) return false;
  return (x.class === undefined || x.class === r.class) && x.provider === r.provider && (x.type === undefined || x.type === r.type);
}

/** Pacemaker's pe__eval_op_expr: the operation's name, and its interval when one is given. */
function evaluateOpExpression(x: OpExpression, target: RuleTarget | undefined): boolean {
  const op = target?.op;
  if (op === undefined || op.name !== x.name) return false;
  return x.interval === undefined || parseDurationMs(x.interval) === op.intervalMs;
}

/**
 * Evaluates a rule (`boolean-op` and/or, nested rules) against a node's attributes, and its
 * `rsc_expression`/`op_expression` terms against `target` (false without one).
 *
 * @example
 * evaluateRule(diskcheckRule, new Map([['diskcheck_status', 'ERROR']])) // true → the rule's score applies
 */
export function evaluateRule(rule: Rule, attrs: NodeAttrs, target?: RuleTarget): boolean {
  if (rule.terms.length === 0) return true;
  const test = (t: Rule['terms'][number]): boolean => {
    if (t.kind === 'rule') return evaluateRule(t, attrs, target);
    if (t.kind === 'rsc_expression') return evaluateRscExpression(t, target);
    if (t.kind === 'op_expression') return evaluateOpExpression(t, target);
    return evaluateExpression(t, attrs);
  };
  return rule.booleanOp === 'or' ? rule.terms.some(test) : rule.terms.every(test);
}
