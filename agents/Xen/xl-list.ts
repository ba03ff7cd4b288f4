import { type DomainFlags, parseStateLetters } from './state-letters';

/** One row of the `xl list` / `xm list` table. */
export interface DomainRow {
  name: string;
  /** Empty for xend-managed domains that are halted (xm prints no id). */
  id: number | undefined;
  memMB: number;
  vcpus: number;
  state: string;
  flags: DomainFlags;
  cpuSeconds: number;
}

// Name ID Mem VCPUs State Time(s): the name is the only column that may hold odd characters,
// so the row is split from the right. xm prints an empty ID for halted managed domains.
const ROW = /^(.*?)\s+(\d+)?\s+(\d+)\s+(\d+)\s+(\S{6})\s+(\d+(?:\.\d+)?)(?:\s.*)?$/;

/**
 * Parses the table printed by `xl list [dom]` (tools/xl/xl_info.c) or `xm list [dom]`
 * (xm/main.py xm_brief_list): a header starting with "Name", then one row per domain.
 * Rows that do not parse are skipped.
 *
 * @example
 * parseListTable('Name  ID   Mem VCPUs\tState\tTime(s)\nvm1  3   512     1     -b----       1.2\n')[0]?.name // 'vm1'
 */
export function parseListTable(text: string): DomainRow[] {
  const rows: DomainRow[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^Name\s/.test(line)) continue;
    const m = ROW.exec(line.trimEnd());
    if (!m) continue;
    const flags = parseStateLetters(m[5] ?? '');
    if (!flags) continue;
    rows.push({
      name: (m[1] ?? '').trim(),
      id: m[2] === undefined ? undefined : Number(m[2]),
      memMB: Number(m[3]),
      vcpus: Number(m[4]),
      state: m[5] ?? '',
      flags,
      cpuSeconds: Number(m[6]),
    });
  }
  return rows;
}
