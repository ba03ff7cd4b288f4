import { describe, expect, it } from 'vitest';
import type { Expression, Rule } from './cib-model.js';
import { evaluateExpression, evaluateRule } from './rules.js';

const x = (attribute: string, operation: Expression['operation'], value?: string, type?: Expression['type']): Expression => ({
  kind: 'expression',
  id: 'e',
  attribute,
  operation,
  value,
  type,
});
const attrs = (o: Record<string, string>) => new Map(Object.entries(o));

describe('rule expressions', () => {
  it('defined / not_defined', () => {
    expect(evaluateExpression(x('a', 'defined'), attrs({ a: '' }))).toBe(true);
    expect(evaluateExpression(x('a', 'not_defined'), attrs({}))).toBe(true);
  });
  it('eq/ne compare strings case-insensitively by default', () => {
    expect(evaluateExpression(x('s', 'eq', 'error'), attrs({ s: 'ERROR' }))).toBe(true);
    expect(evaluateExpression(x('s', 'ne', 'a'), attrs({}))).toBe(true);
    expect(evaluateExpression(x('s', 'eq', 'a'), attrs({}))).toBe(false);
  });
  it('lt/gt compare numbers unless told otherwise; an absent attribute never matches', () => {
    expect(evaluateExpression(x('p', 'lt', '10'), attrs({ p: '9' }))).toBe(true);
    expect(evaluateExpression(x('p', 'gt', '10'), attrs({ p: '9' }))).toBe(false);
    expect(evaluateExpression(x('p', 'gt', '10', 'string'), attrs({ p: '9' }))).toBe(true);
    expect(evaluateExpression(x('p', 'gte', '1.5'), attrs({ p: '1.50' }))).toBe(true);
    expect(evaluateExpression(x('v', 'gt', '2.9', 'version'), attrs({ v: '2.10' }))).toBe(true);
    expect(evaluateExpression(x('p', 'lt', '10'), attrs({}))).toBe(false);
  });
  it('the diskcheck rule: not_defined OR eq ERROR', () => {
    const rule: Rule = {
      kind: 'rule',
      id: 'r',
      score: '-INFINITY',
      booleanOp: 'or',
      terms: [x('diskcheck_status', 'not_defined'), x('diskcheck_status', 'eq', 'ERROR')],
    };
    expect(evaluateRule(rule, attrs({}))).toBe(true);
    expect(evaluateRule(rule, attrs({ diskcheck_status: 'ERROR' }))).toBe(true);
    expect(evaluateRule(rule, attrs({ diskcheck_status: 'normal' }))).toBe(false);
  });
  it('and-rules and nested rules', () => {
    const inner: Rule = { kind: 'rule', id: 'i', booleanOp: 'or', terms: [x('site', 'eq', 'a'), x('site', 'eq', 'b')] };
    const rule: Rule = { kind: 'rule', id: 'r', booleanOp: 'and', terms: [x('ping', 'gte', '2'), inner] };
    expect(evaluateRule(rule, attrs({ ping: '3', site: 'b' }))).toBe(true);
    expect(evaluateRule(rule, attrs({ ping: '1', site: 'b' }))).toBe(false);
    expect(evaluateRule(rule, attrs({ ping: '3', site: 'c' }))).toBe(false);
  });
});
