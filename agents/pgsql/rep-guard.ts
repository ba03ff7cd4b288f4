/**
 * The safety rules a promotion must pass (pure): Pacemaker promotes the instance with the highest
 * promotion score, but scores can be stale or set by hand, and a promotion of a node whose data is
 * behind loses committed transactions for good (the others then follow its shorter history). So
 * promote itself refuses when this node's own evidence says it is behind:
 * - the primary last graded it as not in sync (`<rsc>-data-status` DISCONNECT, `STREAMING|ASYNC`
 *   in sync mode, catching up) — the same values that forbid claiming promotion (mayClaim);
 * - another node's WAL knows a later timeline (a newer primary ran that this node never followed);
 * - another node published a newer WAL position (`<rsc>-xlog-loc`) on the same or a later timeline.
 * Each reason says what to do; `<rsc>-data-status=LATEST` set by an operator accepts the loss.
 */
import { mayClaim } from './rep-grade';

/** What this node and the others published about their data. */
export interface PromoteEvidence {
  me: string;
  mode: 'async' | 'sync';
  /** The resource id (attribute names are `<rsc>-…`). */
  rsc: string;
  /** This node's `<rsc>-data-status`; undefined when no primary ever graded it. */
  dataStatus: string | undefined;
  /** The latest timeline this node's WAL knows (undefined: unknown). */
  timeline: number | undefined;
  /** This node's WAL position as an lsnKey (undefined: unknown). */
  loc: string | undefined;
  /** The other nodes' `<rsc>-timeline` and `<rsc>-xlog-loc`, where published. */
  others: ReadonlyArray<{ node: string; timeline?: number | undefined; loc?: string | undefined }>;
}

/** An lsnKey ('000000000500A0B8') as PostgreSQL writes it ('0/500A0B8'). */
export function lsnText(key: string): string {
  const hi = key.slice(0, 8).replace(/^0+(?=.)/, '');
  const lo = key.slice(8).replace(/^0+(?=.)/, '');
  return `${hi}/${lo}`;
}

/** Bytes between two lsnKeys (a ≥ b), as a short human figure. */
export function lagText(a: string, b: string): string {
  const n = BigInt(`0x${a}`) - BigInt(`0x${b}`);
  if (n < 1024n) return `${n} B`;
  if (n < 1024n * 1024n) return `${n / 1024n} kB`;
  return `${n / (1024n * 1024n)} MB`;
}

/**
 * Why this node must not be promoted now; undefined when nothing says it is behind.
 *
 * @example
 * promoteRefusal({ me: 'n3', mode: 'sync', rsc: 'pgsql', dataStatus: 'STREAMING|ASYNC', timeline: 1, loc: undefined, others: [] })
 * // 'my data may lack commits (pgsql-data-status=STREAMING|ASYNC): promote an in-sync node, or set it LATEST to accept the loss'
 */
export function promoteRefusal(e: PromoteEvidence): string | undefined {
  const attr = `${e.rsc}-data-status`;
  if (!mayClaim(e.mode, e.dataStatus)) {
    return `my data may lack commits (${attr}=${e.dataStatus}): promote an in-sync node, or set it LATEST to accept the loss`;
  }
  if (e.timeline !== undefined) {
    const ahead = e.others.filter((o) => o.timeline !== undefined && o.timeline > e.timeline!).sort((a, b) => b.timeline! - a.timeline!)[0];
    if (ahead)
      return `timeline ${e.timeline} here but ${ahead.node} is on timeline ${ahead.timeline}: a newer primary ran; promote ${ahead.node} or pg_rewind me`;
  }
  if (e.loc !== undefined) {
    const mine = e.loc;
    const newer = e.others
      .filter(
        (o) => o.loc !== undefined && o.loc > mine && !(e.timeline !== undefined && o.timeline !== undefined && o.timeline < e.timeline),
      )
      .sort((a, b) => (a.loc! < b.loc! ? 1 : -1))[0];
    if (newer)
      return `${newer.node} has newer WAL (${lsnText(newer.loc!)}) than mine (${lsnText(mine)}, ${lagText(newer.loc!, mine)} behind): promote ${newer.node}`;
  }
  return undefined;
}
