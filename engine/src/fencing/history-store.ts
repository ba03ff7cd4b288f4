import type { HistoryEntry } from './fencer';
import { loadHistory, saveHistory } from './history-file';

/** How many operations a node keeps (Pacemaker's fencer keeps 500 too). */
export const HISTORY_KEEP = 500;

const keyOf = (e: HistoryEntry) => `${e.origin}\0${e.id}`;

/** Whether `b` says more than `a` about the same operation (finished beats pending, later beats earlier). */
function newer(a: HistoryEntry, b: HistoryEntry): boolean {
  if (a.state === 'pending') return true;
  if (b.state === 'pending') return false;
  return (b.completedAt ?? 0) >= (a.completedAt ?? 0);
}

/**
 * Merges operations into a history (by origin and id, the newest state of each), oldest request
 * first, keeping the last {@link HISTORY_KEEP}. Returns the merged list and the entries that were new
 * or changed.
 *
 * @example
 * mergeHistoryEntries(mine, fromPeer).changed // what to persist and pass on
 */
export function mergeHistoryEntries(
  into: readonly HistoryEntry[],
  entries: readonly HistoryEntry[],
): { merged: HistoryEntry[]; changed: HistoryEntry[] } {
  const byKey = new Map(into.map((e) => [keyOf(e), e]));
  const changed: HistoryEntry[] = [];
  for (const e of entries) {
    const old = byKey.get(keyOf(e));
    if (old && (JSON.stringify(old) === JSON.stringify(e) || !newer(old, e))) continue;
    byKey.set(keyOf(e), e);
    changed.push(e);
  }
  const merged = [...byKey.values()].sort((a, b) => a.requestedAt - b.requestedAt).slice(-HISTORY_KEEP);
  return { merged, changed };
}

/**
 * A node daemon's fencing history, persisted in one file (0600, written atomically) so that it
 * survives a restart of the daemon, as `stonith_admin --history` does on Pacemaker (there the
 * peers hand it back; here the node also keeps its own copy). Operations come from this node's
 * fencer and from peers; every change is merged with what is on disk (`ocfkit fence` runs on the
 * same host write the same file) and saved at once.
 *
 * @example
 * const h = new FenceHistoryStore('/var/lib/ocfkit/fencing-history.json');
 * h.merge([entry]); h.entries() // survives a restart
 */
export class FenceHistoryStore {
  private list: HistoryEntry[];

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.list = this.read();
  }

  entries(): readonly HistoryEntry[] {
    return this.list;
  }

  /** Merges operations; returns the ones that were new or changed (already saved). */
  merge(entries: readonly HistoryEntry[]): HistoryEntry[] {
    const { merged, changed } = mergeHistoryEntries(this.list, entries);
    if (changed.length === 0) return [];
    this.list = mergeHistoryEntries(this.read(), merged).merged;
    try {
      saveHistory(this.file, this.list);
    } catch (err) {
      this.log(`cannot save the fencing history in ${this.file}: ${(err as Error).message}`);
    }
    return changed;
  }

  private read(): HistoryEntry[] {
    try {
      return loadHistory(this.file);
    } catch (err) {
      this.log(`fencing history ${this.file} unreadable, starting empty: ${(err as Error).message}`);
      return [];
    }
  }
}
