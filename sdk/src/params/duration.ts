const UNIT_MS: Record<string, number> = {
  ms: 1,
  msec: 1,
  us: 0.001,
  usec: 0.001,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/;

/**
 * Parses a duration the way Pacemaker reads CIB times: a bare number is seconds, or a number with
 * `ms`/`msec`, `us`/`usec`, `s`/`sec`, `m`/`min`, `h`/`hr`, `d`. Returns milliseconds (rounded),
 * or `undefined` when the text is not a duration.
 *
 * @example
 * parseDuration('2min') // 120000
 * parseDuration('20')   // 20000
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const unit = UNIT_MS[m[2] || 's'];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

/**
 * Formats milliseconds the way meta-data writes timeouts: whole seconds as `20s`, otherwise `500ms`.
 *
 * @example
 * formatDuration(20000) // '20s'
 */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
