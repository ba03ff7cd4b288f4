import type { NvSet } from './cib-model.js';
import { parseScore } from './score.js';

/**
 * Flattens attribute sets the way Pacemaker does when it does not overwrite: sets with higher
 * `score` first, and the first value seen for a name wins. Rule-conditioned sets are skipped
 * (the engine does not evaluate date rules in meta or option sets).
 *
 * @example
 * flattenSets([{ id: 's', pairs: [{ id: 'p', name: 'priority', value: '5' }] }]).get('priority') // '5'
 */
export function flattenSets(sets: readonly NvSet[], into = new Map<string, string>()): Map<string, string> {
  const sorted = [...sets].filter((s) => s.rule === undefined).sort((a, b) => (parseScore(b.score) ?? 0) - (parseScore(a.score) ?? 0));
  for (const s of sorted) for (const p of s.pairs) if (!into.has(p.name)) into.set(p.name, p.value);
  return into;
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
 * Parses an OCF/Pacemaker duration (`20s`, `2min`, `500ms`, `1h`, bare seconds) into milliseconds;
 * `undefined` for anything else.
 *
 * @example
 * parseDurationMs('2min') // 120000
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number.parseInt(m[1], 10);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor: Record<string, number> = { ms: 1, msec: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000 };
  return n * (factor[unit] ?? 1000);
}
