import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readRegularFile } from '@ocfkit/sdk';
import type { HistoryEntry } from './fencer';

/**
 * Reads a persisted fencing history (a JSON array); a missing file is an empty history, a
 * malformed one throws naming the file.
 */
export function loadHistory(path: string): HistoryEntry[] {
  let text: string;
  try {
    text = readRegularFile(path).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error(`${path}: fencing history must be a JSON array`);
  return data as HistoryEntry[];
}

/** Writes the history atomically with mode 0600 (it names nodes and devices). */
export function saveHistory(path: string, entries: readonly HistoryEntry[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(entries, null, 1)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * One line per operation, newest first, in the spirit of `stonith_admin --history`.
 *
 * @example
 * formatHistory(entries) // ['reboot of node3 successful: delegate=node1, devices=fence-a, origin=node2, completed=2026-12-06T10:00:00.000Z']
 */
export function formatHistory(entries: readonly HistoryEntry[]): string[] {
  return [...entries].reverse().map((e) => {
    const when =
      e.completedAt !== undefined
        ? `completed=${new Date(e.completedAt).toISOString()}`
        : `requested=${new Date(e.requestedAt).toISOString()}`;
    const state = e.state === 'success' ? 'successful' : e.state === 'failed' ? 'failed' : 'pending';
    const parts = [
      e.delegate ? `delegate=${e.delegate}` : undefined,
      e.devices.length > 0 ? `devices=${e.devices.join(',')}` : undefined,
      `origin=${e.origin}`,
      when,
    ].filter(Boolean);
    return `${e.action} of ${e.target} ${state}: ${parts.join(', ')}${e.reason ? `\n  reason: ${e.reason}` : ''}`;
  });
}

/**
 * The fencing part of `ocfkit status`, as crm_mon prints it: failed operations (the latest per
 * target and action) always, pending ones always, every operation with `all`. Empty when there
 * is nothing to show.
 *
 * @example
 * fencingStatusText(entries, false) // "\nFailed Fencing Actions:\n  * reboot of node2 failed: delegate=node1, ...\n"
 */
export function fencingStatusText(entries: readonly HistoryEntry[], all: boolean): string {
  const latest = new Map<string, HistoryEntry>();
  for (const e of entries) latest.set(`${e.target}\0${e.action}`, e);
  const failed = [...latest.values()].filter((e) => e.state === 'failed');
  const pending = entries.filter((e) => e.state === 'pending');
  const line = (e: HistoryEntry) => {
    const when = e.completedAt !== undefined ? new Date(e.completedAt).toISOString() : undefined;
    const verb = e.state === 'success' ? 'successful' : e.state;
    const last = when ? `, ${e.state === 'failed' ? 'last-failed' : 'completed'}='${when}'` : '';
    return `  * ${e.action} of ${e.target} ${verb}: delegate=${e.delegate ?? 'none'}, origin=${e.origin}${last}`;
  };
  let out = '';
  if (failed.length > 0) out += `\nFailed Fencing Actions:\n${failed.map(line).join('\n')}\n`;
  if (pending.length > 0) out += `\nPending Fencing Actions:\n${pending.map(line).join('\n')}\n`;
  if (all && entries.length > 0) out += `\nFencing History:\n${[...entries].reverse().map(line).join('\n')}\n`;
  return out;
}
