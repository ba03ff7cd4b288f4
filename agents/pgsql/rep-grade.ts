/**
 * How the primary grades the other nodes from `pg_stat_replication` — heartbeat pgsql's table,
 * kept so existing location rules on `<rsc>-status` / `<rsc>-data-status` keep working. Pure.
 */

/** Promotion scores heartbeat uses: -INFINITY (Pacemaker reads ±1000000 as ±INFINITY), 100, 1000. */
export const SCORE = { cannot: -1_000_000, can: 100, promoteMe: 1000 } as const;

/** One row of `select application_name, upper(state), upper(sync_state) from pg_stat_replication`. */
interface ReplicationRow {
  name: string;
  state: string;
  syncState: string;
}

/** What the primary publishes for one other node. */
interface Grade {
  node: string;
  /** `<rsc>-data-status`: `STREAMING|SYNC`, `STREAMING|ASYNC`, …, `DISCONNECT`. */
  dataStatus: string;
  score: number;
  /** `<rsc>-status`; undefined: left as the node set it (a disconnected standby says HS:alone itself). */
  status?: string;
}

interface Grading {
  grades: Grade[];
  /** The synchronous standby rep_mode.conf must name now (sync mode); undefined: no change. */
  syncNode?: string | null;
}

/**
 * Grades every node of node_list but `me`.
 *
 * @example
 * grade({ nodes: ['n1', 'n2'], me: 'n1', mode: 'sync', rows: [{ name: 'n2', state: 'STREAMING', syncState: 'SYNC' }], syncNode: 'n2' })
 * // { grades: [{ node: 'n2', dataStatus: 'STREAMING|SYNC', score: 100, status: 'HS:sync' }] }
 */
export function grade(o: {
  nodes: readonly string[];
  me: string;
  mode: 'async' | 'sync';
  rows: readonly ReplicationRow[];
  /** The synchronous standby rep_mode.conf names now. */
  syncNode: string | undefined;
}): Grading {
  const grades: Grade[] = [];
  let syncNode = o.syncNode;
  let changed = false;
  for (const node of o.nodes) {
    if (node === o.me) continue;
    const row = o.rows.find((r) => r.name === node);
    const dataStatus = row ? `${row.state}|${row.syncState}` : 'DISCONNECT';
    const dropSync = () => {
      if (o.mode === 'sync' && syncNode === node) {
        syncNode = undefined;
        changed = true;
      }
    };
    switch (dataStatus) {
      case 'STREAMING|SYNC':
        grades.push({ node, dataStatus, score: SCORE.can, status: 'HS:sync' });
        break;
      case 'STREAMING|ASYNC': {
        let score: number = SCORE.cannot;
        if (o.mode === 'sync') {
          if (syncNode === undefined) {
            syncNode = node;
            changed = true;
          }
        } else if (o.nodes.length <= 2) score = SCORE.can; // with one standby, async data is the best there is
        grades.push({ node, dataStatus, score, status: 'HS:async' });
        break;
      }
      case 'STREAMING|POTENTIAL':
        grades.push({ node, dataStatus, score: SCORE.cannot, status: 'HS:potential' });
        break;
      case 'DISCONNECT':
        dropSync();
        grades.push({ node, dataStatus, score: SCORE.cannot });
        break;
      default:
        dropSync();
        grades.push({ node, dataStatus, score: SCORE.cannot, status: 'HS:connected' });
    }
  }
  return changed ? { grades, syncNode: syncNode ?? null } : { grades };
}

/** The data-status values that still allow a standby to claim promotion when no primary exists. */
export function mayClaim(mode: 'async' | 'sync', dataStatus: string | undefined): boolean {
  if (dataStatus === undefined || dataStatus === 'LATEST' || dataStatus === 'STREAMING|SYNC') return true;
  return mode === 'async' && dataStatus === 'STREAMING|ASYNC';
}

/** Consecutive identical rounds of every node's WAL position (kept in `<tmpdir>/xlog_note`). */
export interface XlogNote {
  round: Record<string, string>;
  count: number;
}

/**
 * One round of heartbeat's "master right" check: the round counts only when it sees the same
 * positions as the last one; after `needed` equal rounds the node with the newest position may
 * claim promotion.
 *
 * @example
 * xlogRound({ round: { n1: 'A', n2: 'B' }, count: 2 }, { n1: 'A', n2: 'B' }, 'n2', 3) // { note: { ..., count: 3 }, verdict: 'newest' }
 */
export function xlogRound(
  previous: XlogNote | undefined,
  round: Record<string, string>,
  me: string,
  needed: number,
): { note: XlogNote; verdict: 'wait' | 'newest' | 'behind' } {
  const same = previous !== undefined && JSON.stringify(sorted(previous.round)) === JSON.stringify(sorted(round));
  const note = { round, count: same ? previous.count + 1 : 1 };
  if (note.count < needed || round[me] === undefined) return { note, verdict: 'wait' };
  const newest = Object.values(round).sort().pop();
  return { note, verdict: round[me] === newest ? 'newest' : 'behind' };
}

function sorted(r: Record<string, string>): Array<[string, string]> {
  return Object.entries(r).sort(([a], [b]) => a.localeCompare(b));
}
