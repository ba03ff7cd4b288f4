import type { SpecExpr, SpecOperation, SpecRule, SpecValueType } from './spec.js';

const BINARY: SpecOperation[] = ['eq', 'ne', 'lt', 'gt', 'lte', 'gte'];
const TYPES: SpecValueType[] = ['string', 'integer', 'number', 'version'];

/**
 * Reads one expression in crm shell syntax: `defined ATTR`, `not_defined ATTR`, or
 * `ATTR [TYPE:]OP VALUE` (`#uname eq srv01`, `pingd number:lt 100`). Throws an Error naming
 * what is wrong.
 *
 * @example
 * parseExpr(['diskcheck_status', 'eq', 'ERROR']) // { attribute: 'diskcheck_status', operation: 'eq', value: 'ERROR' }
 */
function parseExpr(words: string[]): SpecExpr {
  const [a, b, c, ...rest] = words;
  if (a === 'defined' || a === 'not_defined') {
    if (b === undefined || c !== undefined) throw new Error(`"${words.join(' ')}": ${a} takes exactly one attribute name`);
    return { attribute: b, operation: a };
  }
  if (a === undefined || b === undefined || c === undefined || rest.length > 0)
    throw new Error(`"${words.join(' ')}" is not an expression (expected "ATTR OP VALUE", "defined ATTR" or "not_defined ATTR")`);
  const [t, op] = b.includes(':') ? (b.split(':', 2) as [string, string]) : [undefined, b];
  if (!BINARY.includes(op as SpecOperation))
    throw new Error(`"${op}" is not an operator (expected one of ${BINARY.join(', ')}, defined, not_defined)`);
  if (t !== undefined && !TYPES.includes(t as SpecValueType))
    throw new Error(`"${t}" is not a value type (expected one of ${TYPES.join(', ')})`);
  return { attribute: a, operation: op as SpecOperation, value: c, ...(t ? { type: t as SpecValueType } : {}) };
}

/**
 * Reads expressions joined by `and` or `or` (one operator per rule, as crm shell writes them).
 *
 * @example
 * parseExprs('not_defined pingd or pingd lt 100') // { booleanOp: 'or', exprs: [...2] }
 */
export function parseExprs(text: string): Pick<SpecRule, 'booleanOp' | 'exprs'> {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) throw new Error('the rule has no expression');
  const exprs: SpecExpr[] = [];
  let cur: string[] = [];
  // A sentinel 'and' closes the last expression.
  for (const w of [...words, 'and']) {
    if (w === 'and' || w === 'or') {
      if (cur.length === 0) throw new Error(`"${text}": "${w}" without an expression before it`);
      exprs.push(parseExpr(cur));
      cur = [];
      continue;
    }
    cur.push(w);
  }
  const ops = words.filter((w) => w === 'and' || w === 'or');
  if (new Set(ops).size > 1) throw new Error(`"${text}" mixes "and" and "or"; write one rule per operator`);
  return { booleanOp: (ops[0] as 'and' | 'or' | undefined) ?? 'and', exprs };
}

/** Writes an expression in crm shell syntax (the inverse of {@link parseExpr}). */
export function exprText(e: SpecExpr): string {
  if (e.operation === 'defined' || e.operation === 'not_defined') return `${e.operation} ${e.attribute}`;
  return `${e.attribute} ${e.type ? `${e.type}:` : ''}${e.operation} ${e.value ?? ''}`;
}

/** Writes a rule's expressions in crm shell syntax. */
export function exprsText(r: Pick<SpecRule, 'booleanOp' | 'exprs'>): string {
  return r.exprs.map(exprText).join(` ${r.booleanOp} `);
}
