/**
 * The latest timeline a data directory's WAL knows: the highest `pg_wal/<TLI>.history` file
 * (PostgreSQL writes one at each promotion; a standby fetches it when it follows a new timeline,
 * pg_rewind copies it). Unlike pg_control's checkpoint timeline it does not lag a promotion.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * 1 when no history file exists (the timeline of initdb); undefined when pg_wal cannot be read.
 *
 * @example
 * walTimeline('/var/lib/postgresql/15/main') // 3 when pg_wal holds 00000002.history and 00000003.history
 */
export function walTimeline(pgdata: string): number | undefined {
  let names: string[];
  try {
    names = readdirSync(join(pgdata, 'pg_wal'));
  } catch {
    return undefined;
  }
  let tli = 1;
  for (const n of names) {
    const m = /^([0-9A-F]{8})\.history$/.exec(n);
    if (m) tli = Math.max(tli, Number.parseInt(m[1] as string, 16));
  }
  return tli;
}
