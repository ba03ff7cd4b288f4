import type { WorkingSet, WRsc } from './working-set.js';

/**
 * Whether a primitive's start cannot run because a probe it needs cannot: Pacemaker orders the
 * start after the probe on every node where the resource's state is unknown, and a probe on a
 * pending node (up, not yet joined) is unrunnable. For a resource active nowhere that order makes
 * the start unrunnable too ("Start X (node) blocked"); an active one stays where it is. Clone
 * instances are left to the clone (Pacemaker orders the probe before the clone's start) and are
 * not decided here.
 *
 * @example
 * if (probeBlocksStart(ws, rsc)) rsc.frozen = true;
 */
export function probeBlocksStart(ws: WorkingSet, p: WRsc): boolean {
  if (p.variant !== 'primitive' || p.orphan || p.runningOn.length > 0) return false;
  for (let a = p.parent; a; a = a.parent) if (a.variant === 'clone') return false;
  return ws.nodes.some((n) => n.pending === true && !p.knownOn.has(n.uname));
}
