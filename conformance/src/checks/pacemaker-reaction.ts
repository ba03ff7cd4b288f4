/**
 * What Pacemaker 2.1 does when `action` returns `rc` instead of one of `expected` (contract §1.4,
 * §2.1, §2.3), so a failed check can say why the code matters.
 *
 * @example
 * pacemakerReaction('monitor', true, 6) // 'fatal: Pacemaker bans the resource from every node'
 * pacemakerReaction('validate-all', false, 1, [6]) // 'a configuration error reported as 1 ...'
 */
export function pacemakerReaction(action: string, probe: boolean, rc: number, expected: readonly number[] = [0]): string {
  if (probe) {
    if (rc === 6) return 'fatal: Pacemaker bans the resource from every node';
    if (rc === 5 || rc === 2) return 'masked: Pacemaker records it as not running here and bans it from this node';
    if (rc === 0 || rc === 8)
      return 'Pacemaker believes it is active here; if it is active elsewhere too it runs multiple-active recovery (stop everywhere, start once)';
  }
  if (action === 'validate-all') {
    if (rc === 0) return 'a broken configuration passes crm_resource --validate and pcs, and fails later, at start, on every node';
    if (expected.includes(0)) return 'crm_resource --validate and pcs reject these parameters';
    return `a configuration error reported as ${rc}: the same check at start is ${
      rc === 1 || rc === 7
        ? 'a soft failure, so Pacemaker retries the start instead of giving up'
        : 'not the fatal 6 that bans it everywhere'
    }`;
  }
  if (rc === 0 && action !== 'monitor')
    return 'Pacemaker takes the action as done (an unsupported action that "succeeds" hides that nothing happened)';
  if (action === 'stop') return 'a failed stop makes Pacemaker fence the node (or, without fencing, block the resource)';
  if (action === 'start' && rc !== 7) return 'start-failure-is-fatal: the fail count becomes INFINITY and the resource moves away';
  if (action === 'notify') return 'Pacemaker logs failed notifications and ignores them, but ocf-tester requires 0';
  if (rc === 6) return 'fatal: Pacemaker bans the resource from every node';
  if (rc === 2 || rc === 4 || rc === 5 || rc === 3)
    return 'hard failure: Pacemaker bans the resource from this node and recovers it elsewhere';
  if (rc === 7 && action === 'monitor') return 'Pacemaker records the resource as stopped and starts it again (or elsewhere)';
  if (rc === 0 && action === 'monitor') return 'Pacemaker believes it is running and will not start it (or finds it active twice)';
  return 'soft failure: Pacemaker stops and restarts the resource (fail count +1)';
}
