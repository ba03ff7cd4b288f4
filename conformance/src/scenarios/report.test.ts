import { describe, expect, it } from 'vitest';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS } from './agents-under-test';
import { formatScenarioJunit, formatScenarioText, formatSideBySide } from './report';
import type { ScenarioResult } from './run-scenario';

const result = (rig: string, status: ScenarioResult['status'], timings: Record<string, number>, failure?: string): ScenarioResult => ({
  scenario: 'node-kill',
  summary: 'docker kill of the active node',
  rig,
  agents: rig === 'pacemaker' ? HEARTBEAT_AGENTS : OCFKIT_AGENTS,
  status,
  findings: [{ ok: true, message: 'grp_pgsql runs on node2' }, ...(failure ? [{ ok: false as const, message: failure }] : [])],
  timings,
  notes: [],
  durationMs: 61_000,
});

describe('scenario reports', () => {
  it('text: verdict, timings, the failure indented, the closing line', () => {
    expect(
      formatScenarioText([result('pacemaker', 'failed', { failover: 6.3 }, 'rows lost: 2 written, 1 found\ncluster: via node2')]),
    ).toMatchInlineSnapshot(`
      "rig pacemaker: ocf:heartbeat:IPaddr2 + ocf:heartbeat:pgsql + ocf:ocfkit:diskcheck
      FAIL node-kill        docker kill of the active node (61 s)
             timings: failover 6.3 s
             rows lost: 2 written, 1 found
             cluster: via node2
      0 passed, 1 failed, 0 skipped
      "
    `);
  });

  it('side by side: outcome and timings per rig, and how they differ', () => {
    expect(
      formatSideBySide([result('pacemaker', 'passed', { failover: 6.3 })], [result('docker', 'passed', { failover: 1.8 })]),
    ).toMatchInlineSnapshot(`
      "scenario  | rig pacemaker           | rig docker              | difference
      ----------|-------------------------|-------------------------|------------------------------
      node-kill | passed (failover 6.3 s) | passed (failover 1.8 s) | failover: docker 4.5 s faster
      "
    `);
  });

  it('side by side: a failure on one rig says what failed there and which timings only the other reached', () => {
    const table = formatSideBySide(
      [result('pacemaker', 'passed', { failover: 6.3, healed: 4 })],
      [result('docker', 'failed', { failover: 9.1 }, 'every node a member: not within 60 s of the last action\ncluster: via node2')],
    );
    expect(table).toContain('pacemaker passed, docker failed; docker: every node a member: not within 60 s of the last action;');
    expect(table).toContain('failover: docker 2.8 s slower; healed: reached on pacemaker only');
  });

  it('JUnit: a failure carries its first line as the message', () => {
    const xml = formatScenarioJunit([result('pacemaker', 'failed', {}, 'rows lost: 2 written, 1 found\nmore')]);
    expect(xml).toContain('<failure message="rows lost: 2 written, 1 found">rows lost: 2 written, 1 found\nmore</failure>');
    expect(xml).toContain('tests="1" failures="1"');
  });
});
