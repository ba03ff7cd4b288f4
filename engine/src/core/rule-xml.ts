/**
 * Location rules read from constraint XML the importer keeps as written (`cib.source`): those of
 * resource-set locations (resource-sets.ts) and of locations naming a bundle
 * (bundle-constraints.ts), which the model's own constraints do not hold.
 */
import type { Expression, ExprOp, ExprType, OpaqueXml, Rule } from './cib-model.js';

function expression(e: OpaqueXml): Expression {
  // `literal` (the default) compares with `value` itself; `param`/`meta` name the located
  // resource's parameter or meta attribute (Pacemaker reads the source case-insensitively).
  const source = e.attrs['value-source']?.toLowerCase();
  return {
    kind: 'expression',
    id: e.attrs.id ?? '',
    attribute: e.attrs.attribute ?? '',
    operation: (e.attrs.operation ?? 'defined') as ExprOp,
    ...(e.attrs.value !== undefined ? { value: e.attrs.value } : {}),
    ...(e.attrs.type !== undefined ? { type: e.attrs.type as ExprType } : {}),
    ...(source === 'param' || source === 'meta' ? { valueSource: source } : {}),
  };
}

/**
 * A `<rule>` element as the model's rule: its nested rules and node attribute expressions (a
 * `date_expression` is not read here: see {@link hasUnreadTerms}).
 *
 * @example
 * ruleFromXml({ name: 'rule', attrs: { id: 'r', score: '10' }, children: [] }) // { kind: 'rule', id: 'r', score: '10', terms: [] }
 */
export function ruleFromXml(e: OpaqueXml): Rule {
  return {
    kind: 'rule',
    id: e.attrs.id ?? '',
    ...(e.attrs.score !== undefined ? { score: e.attrs.score } : {}),
    ...(e.attrs['score-attribute'] !== undefined ? { scoreAttribute: e.attrs['score-attribute'] } : {}),
    ...(e.attrs['boolean-op'] !== undefined ? { booleanOp: e.attrs['boolean-op'] as 'and' | 'or' } : {}),
    ...(e.attrs.role !== undefined ? { role: e.attrs.role } : {}),
    terms: e.children
      .filter((c) => c.name === 'rule' || c.name === 'expression')
      .map((c) => (c.name === 'rule' ? ruleFromXml(c) : expression(c))),
  };
}

/** Whether a rule element holds a term {@link ruleFromXml} does not read (a `date_expression`...), at any depth. */
export function hasUnreadTerms(e: OpaqueXml): boolean {
  return e.children.some((c) => (c.name === 'rule' ? hasUnreadTerms(c) : c.name !== 'expression'));
}
