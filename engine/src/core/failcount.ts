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
  return nodeFailCount(node, rsc, ws.now, true);
}

/**
 * A resource's fail count on a node at `now`; `effective` drops it once failure-timeout has
 * passed since the newest failure, otherwise the raw sum is returned.
 *
 * @example
 * nodeFailCount(node, rsc, 1_800_000_000, false) // 2
 */
export function nodeFailCount(node: WNode, rsc: WRsc, now: number, effective: boolean): number {
  // A globally-unique instance has its own fail counts (`fail-count-rsc:N#...`); an anonymous one
  // counts `fail-count-rsc#...` and any numbered `fail-count-rsc:N#...` (older Pacemaker wrote those).
  const inClone = rsc.parent?.variant === 'clone' || rsc.parent?.parent?.variant === 'clone';
  const entry =
    !inClone || rsc.unique ? failuresOn(node).get(inClone ? rsc.id : baseId(rsc.id)) : anonymousFailuresOn(node).get(baseId(rsc.id));
  if (!entry) return 0;
  const { count, last } = entry;
  if (effective && count > 0 && last > 0 && rsc.failureTimeoutS > 0 && now > last + rsc.failureTimeoutS) return 0;
  return count;
}

const perNode = new WeakMap<WNode, Map<string, { count: number; last: number }>>();

/** Fail counts and newest failure time per resource on a node, parsed once from its attributes. */
function failuresOn(node: WNode): Map<string, { count: number; last: number }> {
  let m = perNode.get(node);
  if (m) return m;
  m = new Map();
  for (const [k, v] of node.attrs) {
    const kind = k.startsWith('fail-count-') ? 'count' : k.startsWith('last-failure-') ? 'last' : undefined;
    if (!kind) continue;
    const rest = k.slice(kind === 'count' ? 11 : 13);
    const hash = rest.indexOf('#');
    if (hash >= 0 && !/^#.+_[0-9]+$/.test(rest.slice(hash))) continue;
    const rsc = hash < 0 ? rest : rest.slice(0, hash);
    const e = m.get(rsc) ?? { count: 0, last: 0 };
    if (kind === 'count') e.count = addScores(e.count, parseScore(v) ?? 0);
    else {
      const n = Number.parseInt(v, 10);
      if (!Number.isNaN(n)) e.last = Math.max(e.last, n);
    }
    m.set(rsc, e);
  }
  perNode.set(node, m);
  return m;
}

const perNodeAnonymous = new WeakMap<WNode, Map<string, { count: number; last: number }>>();

/** The same, with numbered names (`rsc:N`) added to their base name's (Pacemaker matches `rsc(:[0-9]+)?`). */
function anonymousFailuresOn(node: WNode): Map<string, { count: number; last: number }> {
  let m = perNodeAnonymous.get(node);
  if (m) return m;
  m = new Map();
  for (const [rsc, e] of failuresOn(node)) {
    const base = baseId(rsc);
    const sum = m.get(base) ?? { count: 0, last: 0 };
    m.set(base, { count: addScores(sum.count, e.count), last: Math.max(sum.last, e.last) });
  }
  perNodeAnonymous.set(node, m);
  return m;
}

/**
 * The resource to ban from `node` because its fail count reached `migration-threshold`, if any
 * (an anonymous clone instance bans its whole clone, a globally-unique instance only itself).
 *
 * @example
 * thresholdReached(ws, rsc, node)?.id // 'rsc'
 */
export function thresholdReached(ws: WorkingSet, rsc: WRsc, node: WNode): WRsc | undefined {
  if (rsc.migrationThreshold === 0 || rsc.failureIgnored) return undefined;
  // A container's failures include those of the resources inside it (containers.ts).
  let count = failCount(ws, rsc, node);
  for (const filler of rsc.fillers ?? []) count = addScores(count, failCount(ws, filler, node));
  if (count <= 0) return undefined;
  if (rsc.migrationThreshold - count > 0) return undefined;
  let ban = rsc;
  if (rsc.parent?.variant === 'clone' && !rsc.unique) ban = rsc.parent;
  else if (rsc.parent?.parent?.variant === 'clone' && !rsc.unique) ban = rsc.parent.parent;
  return ban;
}
