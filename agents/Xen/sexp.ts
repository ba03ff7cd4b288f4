/** An s-expression as xend prints it: atoms are strings, lists are arrays. */
type Sexp = string | Sexp[];

/**
 * Parses xend's s-expressions (`xm list --long`, xen/xend/sxp.py): parenthesised lists of
 * whitespace-separated atoms; atoms may be single- or double-quoted with backslash escapes.
 * Several top-level expressions are returned in order (one per domain).
 *
 * @example
 * parseSexp('(domain (domid 3) (name vm1))') // [['domain', ['domid', '3'], ['name', 'vm1']]]
 */
export function parseSexp(text: string): Sexp[] {
  const out: Sexp[] = [];
  const stack: Sexp[][] = [];
  let i = 0;
  const push = (v: Sexp) => {
    const top = stack[stack.length - 1];
    if (top) top.push(v);
    else out.push(v);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '(') {
      stack.push([]);
      i++;
    } else if (c === ')') {
      const done = stack.pop();
      if (!done) throw new SyntaxError(`unbalanced ")" at offset ${i}`);
      push(done);
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let atom = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        atom += text[j];
        j++;
      }
      if (j >= text.length) throw new SyntaxError(`unterminated string at offset ${i}`);
      push(atom);
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()]/.test(text[j] as string)) j++;
      push(text.slice(i, j));
      i = j;
    }
  }
  if (stack.length > 0) throw new SyntaxError('unbalanced "(": the expression is not closed');
  return out;
}

/**
 * The value of the first `(key value)` child of a list, like sxp.child_value in xend.
 *
 * @example
 * childValue(['domain', ['name', 'vm1']], 'name') // 'vm1'
 */
export function childValue(list: Sexp, key: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const child of list) {
    if (Array.isArray(child) && child[0] === key) {
      const v = child[1];
      return typeof v === 'string' ? v : v === undefined ? '' : undefined;
    }
  }
  return undefined;
}
