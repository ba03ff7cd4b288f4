import { childValue, parseSexp } from './sexp';
import { type DomainFlags, parseStateLetters } from './state-letters';

/** What `xm list --long <dom>` says about one domain. */
interface XmDomain {
  name: string;
  id: number | undefined;
  /** The `(state -b----)` letters, when xend printed them. */
  state: string | undefined;
  /** xend's `(status N)` (Xen ≥ 3.0.4): 0 halted, 1 paused, 2 running, 3 suspended, 4 shutdown, 5 crashed. */
  status: number | undefined;
  flags: DomainFlags;
  memMB: number | undefined;
  vcpus: number | undefined;
}

const STATUS_FLAGS: Record<number, string> = { 0: '------', 1: '--p---', 2: '-b----', 3: '---s--', 4: '---s--', 5: '----c-' };

/**
 * Reads the domains in `xm list --long` output: one `(domain (domid N) (name X) ... (state
 * -b----) (status 2) ...)` s-expression each. The state letters decide; without them the
 * `(status N)` code is translated to letters (1 paused and 2 running count as running).
 *
 * @example
 * parseXmLong('(domain (domid 3) (name vm1) (state -b----) (status 2))')[0]?.flags.blocked // true
 */
export function parseXmLong(text: string): XmDomain[] {
  const out: XmDomain[] = [];
  for (const expr of parseSexp(text)) {
    if (!Array.isArray(expr) || expr[0] !== 'domain') continue;
    const name = childValue(expr, 'name');
    if (name === undefined) continue;
    const stateText = childValue(expr, 'state');
    const statusText = childValue(expr, 'status');
    const status = statusText !== undefined && /^\d+$/.test(statusText) ? Number(statusText) : undefined;
    const letters =
      stateText !== undefined && parseStateLetters(stateText) ? stateText : status !== undefined ? STATUS_FLAGS[status] : undefined;
    const flags = parseStateLetters(letters ?? '------') as DomainFlags;
    const id = childValue(expr, 'domid');
    const mem = childValue(expr, 'memory');
    const vcpus = childValue(expr, 'online_vcpus') ?? childValue(expr, 'vcpus');
    out.push({
      name,
      id: id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined,
      state: stateText,
      status,
      flags,
      memMB: mem !== undefined && /^\d+$/.test(mem) ? Number(mem) : undefined,
      vcpus: vcpus !== undefined && /^\d+$/.test(vcpus) ? Number(vcpus) : undefined,
    });
  }
  return out;
}
