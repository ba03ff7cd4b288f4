import type { NvSet } from './cib-model.js';
import { parseScore } from './score.js';

/**
 * Attribute sets in the order Pacemaker 2.1.5 applies them (make_pairs): `cib-bootstrap-options`
 * first, then higher `score` first, and among equal scores the LATER set in the document first
 * (the list is built by prepending, then stably sorted). Rule-conditioned sets are skipped (date
 * terms are decided before, at the scheduler's `now`: date-rules.ts; what is left tests node
 * attributes, which a meta or option set has none of, as in Pacemaker).
 */
function applyOrder(sets: readonly NvSet[]): NvSet[] {
  const key = (s: NvSet) => (s.id === 'cib-bootstrap-options' ? Number.POSITIVE_INFINITY : (parseScore(s.score) ?? 0));
  return sets
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.rule === undefined)
    .sort((a, b) => key(b.s) - key(a.s) || b.i - a.i)
    .map(({ s }) => s);
}

/**
 * Flattens attribute sets the way Pacemaker does when it does not overwrite (meta and instance
 * attributes, options, defaults, node attributes): in {@link applyOrder}'s order, the first value
 * seen for a name wins — so of two sets with the same score, the one written later.
 *
 * @example
 * flattenSets([{ id: 's', pairs: [{ id: 'p', name: 'priority', value: '5' }] }]).get('priority') // '5'
 */
export function flattenSets(sets: readonly NvSet[], into = new Map<string, string>()): Map<string, string> {
  return flatten(sets, into, false);
}

/** Both ways of flattening: `overwrite` keeps the last value seen for a name, otherwise the first. */
function flatten(sets: readonly NvSet[], into: Map<string, string>, overwrite: boolean): Map<string, string> {
  for (const s of applyOrder(sets))
    for (const p of s.pairs) {
      // "#default" means "not set": it even removes a value an earlier set gave (Pacemaker's populate_hash).
      if (p.value.toLowerCase() === '#default') into.delete(p.name);
      else if (overwrite || !into.has(p.name)) into.set(p.name, p.value);
    }
  return into;
}

/**
 * Flattens attribute sets the way Pacemaker does when it overwrites (a node's transient
 * attributes): in {@link applyOrder}'s order, the last value seen for a name wins — so of two sets
 * with the same score, the one written first.
 *
 * @example
 * flattenSetsOverwriting([{ id: 's', pairs: [{ id: 'p', name: 'ping', value: '1' }] }]).get('ping') // '1'
 */
export function flattenSetsOverwriting(sets: readonly NvSet[]): Map<string, string> {
  return flatten(sets, new Map<string, string>(), true);
}

/**
 * Pacemaker's idea of a true value (`true`, `on`, `yes`, `y`, `1`, case-insensitive).
 *
 * @example
 * isTrue('On') // true
 */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(value.trim().toLowerCase());
}

/**
 * A boolean as Pacemaker's `crm_str_to_boolean` reads it (case-insensitive, not trimmed):
 * undefined when the value is neither true nor false, so the caller uses its default.
 *
 * @example
 * parseBoolean('No') // false
 * parseBoolean('invalid') // undefined
 */
export function parseBoolean(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  if (v === undefined) return undefined;
  if (['true', 'on', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'off', 'no', 'n', '0'].includes(v)) return false;
  return undefined;
}

/** Durations are Pacemaker's vocabulary (`../pcmk/duration.ts`), ISO 8601 `PT10S` included. */
export { parseDurationMs } from '../pcmk/duration.js';
