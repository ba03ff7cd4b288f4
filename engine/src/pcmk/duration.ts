/**
 * Durations as Pacemaker reads them: `crm_get_msec` (a number with an optional unit: `ms`/`msec`,
 * `us`/`usec`, `s`/`sec`, `m`/`min`, `h`/`hr`; no unit means seconds) and, for operation
 * intervals, ISO 8601 durations (`PT10S`, `P1DT2H`), as `crm_parse_interval_spec` accepts them.
 */

const UNIT_MS: Record<string, number> = {
  '': 1000,
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
};

/**
 * An ISO 8601 duration (`P[nY][nM][nW][nD][T[nH][nM][nS]]`) in milliseconds; a year counts 365
 * days and a month 30, as Pacemaker's duration arithmetic does. `undefined` when not one.
 *
 * @example
 * parseIsoDurationMs('PT10S') // 10000
 */
export function parseIsoDurationMs(text: string): number | undefined {
  // Pacemaker's parser also takes hours and seconds before the `T` (`P30S`): only `M` needs it.
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text.trim());
  if (!m || /^P(T)?$/i.test(text.trim())) return undefined;
  const n = (i: number) => Number.parseInt(m[i] ?? '0', 10);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return (((days * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
}

/**
 * Parses a Pacemaker duration (`20s`, `2min`, `500ms`, `1h`, bare seconds, or ISO 8601 `PT10S`)
 * into milliseconds; `undefined` for anything else (negative numbers and unknown units included).
 *
 * @example
 * parseDurationMs('2min') // 120000
 * parseDurationMs('PT10S') // 10000
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^P/i.test(trimmed)) return parseIsoDurationMs(trimmed);
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(trimmed);
  if (!m?.[1]) return undefined;
  const factor = UNIT_MS[(m[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  return Math.floor(Number.parseFloat(m[1]) * factor);
}

/**
 * An operation's interval in ms: 0 when absent, `undefined` when it cannot be read (the caller
 * names the bad value).
 *
 * @example
 * parseIntervalMs('PT10S') // 10000
 * parseIntervalMs(undefined) // 0
 */
export function parseIntervalMs(text: string | undefined): number | undefined {
  return text === undefined || text.trim() === '' ? 0 : parseDurationMs(text);
}
