const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, sec: 1000, ms: 1, msec: 1, us: 0.001, usec: 0.001 };

/**
 * A Heartbeat time value in milliseconds, as ha.cf accepts them: a number of seconds (`2`, `1.5`)
 * or a number with a unit `ms`/`msec`, `s`/`sec`, `us`/`usec` (`500ms`). Undefined when `text`
 * is not one.
 *
 * @example
 * heartbeatMs('500ms') // 500
 * heartbeatMs('2')     // 2000
 */
export function heartbeatMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = UNIT_MS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}
