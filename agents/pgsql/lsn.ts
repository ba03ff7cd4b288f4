/**
 * WAL positions (LSNs, `16/B374D848`) as fixed-width hex strings, so the newest is the greatest
 * string — what heartbeat pgsql publishes in `<rsc>-xlog-loc`.
 *
 * @example
 * lsnKey('16/B374D848') // '00000016B374D848'
 */
export function lsnKey(lsn: string): string | undefined {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m) return undefined;
  return `${(m[1] as string).toUpperCase().padStart(8, '0')}${(m[2] as string).toUpperCase().padStart(8, '0')}`;
}

/**
 * The newer of a standby's received and replayed positions; undefined when neither is known.
 *
 * @example
 * newestLsn('0/3000060', '0/3000148') // '0000000003000148'
 */
export function newestLsn(...lsns: Array<string | undefined>): string | undefined {
  const keys = lsns.map((l) => (l ? lsnKey(l) : undefined)).filter((k): k is string => k !== undefined);
  return keys.sort().pop();
}
