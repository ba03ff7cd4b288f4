/** Pacemaker's INFINITY: scores saturate at ±1,000,000. */
export const INFINITY = 1_000_000;

/**
 * Parses a score as Pacemaker writes it (`INFINITY`, `+INFINITY`, `-INFINITY`, integers);
 * anything else is `undefined`. Values beyond ±INFINITY are clamped.
 *
 * @example
 * parseScore('-INFINITY') // -1000000
 */
export function parseScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toUpperCase();
  if (t === 'INFINITY' || t === '+INFINITY') return INFINITY;
  if (t === '-INFINITY') return -INFINITY;
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  return Math.max(-INFINITY, Math.min(INFINITY, Number.parseInt(t, 10)));
}

/**
 * Adds two scores the Pacemaker way: -INFINITY wins over everything, then +INFINITY, otherwise
 * the sum clamped to ±INFINITY.
 *
 * @example
 * addScores(INFINITY, -INFINITY) // -1000000
 */
export function addScores(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return Math.max(-INFINITY, Math.min(INFINITY, a + b));
}

/**
 * Formats a score the way crm_simulate prints it.
 *
 * @example
 * formatScore(1000000) // 'INFINITY'
 */
export function formatScore(score: number): string {
  if (score >= INFINITY) return 'INFINITY';
  if (score <= -INFINITY) return '-INFINITY';
  return String(score);
}
