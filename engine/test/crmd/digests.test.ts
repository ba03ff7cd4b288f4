/**
 * The restart and secure digests the controller records, checked against real Pacemaker: history
 * entries built as the controller builds them for Pacemaker's own Dummy agent (its meta-data read
 * from the agent) are given to crm_simulate 2.1.5 with the configuration changed in one way each.
 * Pacemaker reloads when only reloadable parameters changed (so our op-restart-digest equals
 * its own), leaves the resource alone when only a private one changed (so our op-secure-digest
 * equals its own), and restarts when a parameter that needs a restart changed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type { Cib, LrmOp } from '../../src/core/cib-model.js';
import { schedule } from '../../src/core/schedule.js';
import { agentDigestInfo } from '../../src/crmd/agent-info.js';
import { historyEntry } from '../../src/pcmk/history-entry.js';

const DUMMY = '/usr/lib/ocf/resource.d/pacemaker/Dummy';
const missing = requireTool(['crm_simulate', DUMMY]);
const work = mkdtempSync(join(tmpdir(), 'ocfkit-digests-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = (p: {
  state: string;
  passwd: string;
  fake: string;
}) => `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="ignore"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="d" class="ocf" provider="pacemaker" type="Dummy">
        <instance_attributes id="d-ia"><nvpair id="d-state" name="state" value="${p.state}"/><nvpair id="d-passwd" name="passwd" value="${p.passwd}"/><nvpair id="d-fake" name="fake" value="${p.fake}"/></instance_attributes>
        <operations><op id="d-mon" name="monitor" interval="10s" timeout="20s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;

const NOW = 1_800_000_000;
const original = { state: '/run/ocfkit-digests-d', passwd: 'secret-1', fake: 'a' };

/** The CIB after d started and its monitor ran, recorded as the controller records it. */
function started(): Cib {
  const cib = importCib(config(original));
  const meta = execFileSync(DUMMY, ['meta-data'], { encoding: 'utf8', env: { OCF_ROOT: '/usr/lib/ocf' } });
  const agentInfo = agentDigestInfo(meta);
  if (!agentInfo) throw new Error('cannot read the Dummy meta-data');
  const ops: LrmOp[] = [];
  let call = 10;
  for (const a of schedule({ cib, now: NOW }).graph.actions) {
    if (a.rsc !== 'd' || !a.detail || (a.task === 'monitor' && a.intervalMs === 0)) continue;
    const { main } = historyEntry({
      rsc: 'd',
      task: a.task,
      intervalMs: a.intervalMs,
      node: 'node1',
      transitionKey: `${call}:1:0:0f3a2c5e-0000-4000-8000-000000000001`,
      targetRc: 0,
      attributes: a.detail.attributes,
      callId: call++,
      rc: 0,
      opStatus: 0,
      startedAtMs: NOW * 1000,
      execMs: 10,
      queueMs: 0,
      agentInfo,
    });
    ops.push(main);
  }
  const attrs = { id: '1', uname: 'node1', in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' };
  return {
    ...cib,
    status: [
      { id: '1', uname: 'node1', attrs, transient: [], lrm: [{ id: 'd', class: 'ocf', provider: 'pacemaker', type: 'Dummy', ops }] },
    ],
  };
}

/** crm_simulate's summary and actions for the recorded history under a changed configuration. */
function simulate(history: Cib, change: Partial<typeof original>): string[] {
  const changed = importCib(config({ ...original, ...change }));
  const file = join(work, `cib-${Object.keys(change).join('-') || 'same'}.xml`);
  writeFileSync(file, exportCib({ ...changed, status: history.status }));
  const r = spawnSync('crm_simulate', ['-S', '-x', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`crm_simulate failed: ${r.stderr}`);
  const lines = r.stdout.split('\n').map((l) => l.trim());
  const from = lines.indexOf('Transition Summary:');
  const to = lines.indexOf('Revised Cluster Status:');
  return lines.slice(from + 1, to).filter((l) => l.startsWith('*'));
}

describe.skipIf(missing)('restart and secure digests, as Pacemaker reads them', () => {
  it("records Pacemaker's lists for its Dummy: state needs a restart, passwd is private", () => {
    const [start, monitor] = started().status[0]?.lrm[0]?.ops ?? [];
    expect(start?.attrs['op-force-restart']).toBe('  state  ');
    expect(start?.attrs['op-secure-params']).toBe('  passwd  ');
    expect(monitor?.attrs['op-force-restart']).toBeUndefined();
    expect(monitor?.attrs['op-secure-params']).toBe('  passwd  ');
  });

  it.each([
    ['nothing changed: nothing to do', {}, []],
    [
      'a reloadable parameter changed: reload, not restart',
      { fake: 'b' },
      // (the monitor's own digest covers fake: it is rescheduled)
      ['* Reload d ( node1 )', '* Resource action: d reload-agent on node1', '* Resource action: d monitor=10000 on node1'],
    ],
    ['only the private parameter changed: nothing to do', { passwd: 'secret-2' }, []],
    [
      'a parameter that needs a restart changed: restart',
      { state: '/run/ocfkit-digests-other' },
      [
        '* Restart d ( node1 )',
        '* Resource action: d stop on node1',
        '* Resource action: d start on node1',
        '* Resource action: d monitor=10000 on node1',
      ],
    ],
  ] as const)('%s', (_, change, want) => {
    expect(simulate(started(), change).map((l) => l.replace(/\s+/g, ' '))).toEqual(want);
  });
});
