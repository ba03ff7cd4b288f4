import { addScores, parseScore } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

function baseId(id: string): string {
  return id.replace(/:\d+$/, '');
}

/**
 * The effective fail count of a resource on a node: the sum of its `fail-count-<rsc>#<op>_<interval>`
 * attributes, or 0 once `failure-timeout` has passed since the newest `last-failure-<rsc>...` (against `now`).
 *
 * @example
 * failCount(ws, rsc, node) // 3
 */
export function failCount(ws: WorkingSet, rsc: WRsc, node: WNode): number {
  const id = baseId(rsc.id);
  const fc = new RegExp(`^fail-count-${escapeRe(id)}(#.+_[0-9]+)?$`);
  const lf = new RegExp(`^last-failure-${escapeRe(id)}(#.+_[0-9]+)?$`);
  let count = 0;
  let last = 0;
  for (const [k, v] of node.attrs) {
    if (fc.test(k)) count = addScores(count, parseScore(v) ?? 0);
    else if (lf.test(k)) {
      const n = Number.parseInt(v, 10);
      if (!Number.isNaN(n)) last = Math.max(last, n);
    }
  }
  if (count > 0 && last > 0 && rsc.failureTimeoutS > 0 && ws.now > last + rsc.failureTimeoutS) return 0;
  return count;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The resource to ban from `node` because its fail count reached `migration-threshold`, if any
 * (an anonymous clone instance bans its whole clone).
 *
 * @example
 * thresholdReached(ws, rsc, node)?.id // 'rsc'
 */
export function thresholdReached(ws: WorkingSet, rsc: WRsc, node: WNode): WRsc | undefined {
  if (rsc.migrationThreshold === 0) return undefined;
  const count = failCount(ws, rsc, node);
  if (count <= 0) return undefined;
  if (rsc.migrationThreshold - count > 0) return undefined;
  let ban = rsc;
  if (rsc.parent?.variant === 'clone' && rsc.meta.get('globally-unique') !== 'true') ban = rsc.parent;
  else if (rsc.parent?.parent?.variant === 'clone' && rsc.meta.get('globally-unique') !== 'true') ban = rsc.parent.parent;
  return ban;
}
