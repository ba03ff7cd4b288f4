import type { Scenario } from './scenario';

/**
 * The cluster scenarios. Each starts from the seed configuration running (grp_pgsql on one node,
 * diskcheck_status=normal everywhere, a row written) and, throughout, samples the VIP by ARP from
 * the client (never two answers to one request), the cluster status (no primitive active twice)
 * and every node's postmasters (never two nodes running one on the shared data directory at once).
 */
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'seed',
    summary: 'the seed configuration starts: grp_pgsql on one node, the diskcheck clone on every node, the VIP answers',
    exercises: ['ip', 'pgsql', 'diskcheck'],
    steps: [{ expect: 'rows-intact' }, { expect: 'settled', seconds: 3 }],
  },
  {
    name: 'node-kill',
    summary: 'docker kill of the active node: grp_pgsql fails over, rows written before are there',
    exercises: ['ip', 'pgsql'],
    steps: [
      { do: 'write-row' },
      { do: 'kill-node', node: 'active' },
      { expect: 'group-running', where: 'elsewhere', within: 60, timing: 'failover' },
      { expect: 'rows-intact' },
      { expect: 'settled', seconds: 3 },
    ],
  },
  {
    name: 'monitor-failure',
    summary: 'kill -9 of the postmaster: restarted in place; again: migration-threshold (2) moves the group',
    exercises: ['pgsql', 'ip'],
    steps: [
      { do: 'write-row' },
      { do: 'kill-postmaster', node: 'active' },
      { expect: 'group-running', where: 'same', within: 45, timing: 'restart in place' },
      { expect: 'rows-intact' },
      { do: 'write-row' },
      { do: 'kill-postmaster', node: 'active' },
      { expect: 'group-running', where: 'elsewhere', within: 60, timing: 'move after threshold' },
      { expect: 'stopped-on', node: 'victim', within: 20 },
      { expect: 'rows-intact' },
      { expect: 'settled', seconds: 3 },
    ],
  },
  {
    name: 'disk-failure',
    summary: 'the shared disk turns read-only on the active node: diskcheck_status=ERROR there, the group moves',
    exercises: ['diskcheck', 'ip', 'pgsql'],
    steps: [
      { do: 'write-row' },
      { do: 'disk-readonly', node: 'active' },
      { expect: 'attribute', node: 'victim', name: 'diskcheck_status', value: 'ERROR', within: 30, timing: 'disk ERROR' },
      { expect: 'group-running', where: 'elsewhere', within: 60, timing: 'moved off the disk' },
      { expect: 'stopped-on', node: 'victim', within: 30 },
      { expect: 'rows-intact' },
      { expect: 'settled', seconds: 3 },
    ],
  },
  {
    name: 'partition',
    summary: 'the active node is cut off: the minority stops grp_pgsql (no quorum), the majority runs it and keeps it after the heal',
    exercises: ['ip', 'pgsql'],
    overlapAllowed: 'without fencing, the minority and the majority run PostgreSQL side by side until the minority has stopped',
    steps: [
      { do: 'write-row' },
      { do: 'isolate', node: 'active' },
      { expect: 'group-running', where: 'elsewhere', within: 60, timing: 'majority took over' },
      { expect: 'stopped-on', node: 'victim', within: 60, timing: 'minority stopped' },
      { expect: 'rows-intact' },
      { do: 'reconnect', node: 'victim' },
      { expect: 'all-online', within: 60, timing: 'healed' },
      { expect: 'settled', seconds: 5 },
      // stickiness: the heal does not move the group off the majority's node
      { expect: 'group-running', where: 'same', within: 10 },
      { expect: 'rows-intact' },
    ],
  },
  {
    name: 'rejoin',
    summary: 'a killed node boots and rejoins: nothing is active twice, the group stays where it is',
    exercises: ['ip', 'pgsql', 'diskcheck'],
    steps: [
      { do: 'write-row' },
      { do: 'kill-node', node: 'active' },
      { expect: 'group-running', where: 'elsewhere', within: 60, timing: 'failover' },
      { do: 'start-node', node: 'victim' },
      { expect: 'all-online', within: 60, timing: 'rejoined' },
      { expect: 'settled', seconds: 8 },
      { expect: 'group-running', where: 'same', within: 10 },
      { expect: 'rows-intact' },
    ],
  },
];

/** Scenarios by name (`all` for every one), failing with the known names. */
export function scenariosByName(names: readonly string[]): Scenario[] {
  if (names.includes('all')) return [...SCENARIOS];
  return names.map((n) => {
    const s = SCENARIOS.find((x) => x.name === n);
    if (!s) throw new Error(`unknown scenario ${JSON.stringify(n)} (known: ${SCENARIOS.map((x) => x.name).join(', ')}, all)`);
    return s;
  });
}
