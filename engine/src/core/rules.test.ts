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

describe('rsc_expression and op_expression (rsc_defaults, op_defaults)', () => {
  const rule = (...terms: Rule['terms']): Rule => ({ kind: 'rule', id: 'r', terms });
  const dummy = { class: 'ocf', provider: 'heartbeat', type: 'Dummy' };
  it('an rsc_expression matches class and type where given, and the provider always (none only matches none)', () => {
    expect(evaluateRule(rule({ kind: 'rsc_expression', id: 'x', type: 'Dummy' }), attrs({}), { rsc: dummy })).toBe(false);
    expect(evaluateRule(rule({ kind: 'rsc_expression', id: 'x', provider: 'heartbeat' }), attrs({}), { rsc: dummy })).toBe(true);
    expect(evaluateRule(rule({ kind: 'rsc_expression', id: 'x', class: 'ocf', provider: 'pacemaker' }), attrs({}), { rsc: dummy })).toBe(
      false,
    );
    expect(
      evaluateRule(rule({ kind: 'rsc_expression', id: 'x', class: 'stonith' }), attrs({}), {
        rsc: { class: 'stonith', type: 'fence_xvm' },
      }),
    ).toBe(true);
    // A group has no class, provider or type; without a resource nothing matches.
    expect(evaluateRule(rule({ kind: 'rsc_expression', id: 'x', class: 'ocf' }), attrs({}), { rsc: {} })).toBe(false);
    expect(evaluateRule(rule({ kind: 'rsc_expression', id: 'x' }), attrs({}))).toBe(false);
  });
  it('an op_expression matches the name, and the interval where given (any duration syntax)', () => {
    const monitor10 = { rsc: dummy, op: { name: 'monitor', intervalMs: 10_000 } };
    expect(evaluateRule(rule({ kind: 'op_expression', id: 'x', name: 'monitor' }), attrs({}), monitor10)).toBe(true);
    expect(evaluateRule(rule({ kind: 'op_expression', id: 'x', name: 'monitor', interval: 'PT10S' }), attrs({}), monitor10)).toBe(true);
    expect(evaluateRule(rule({ kind: 'op_expression', id: 'x', name: 'monitor', interval: '20s' }), attrs({}), monitor10)).toBe(false);
    expect(evaluateRule(rule({ kind: 'op_expression', id: 'x', name: 'start' }), attrs({}), monitor10)).toBe(false);
  });
});
