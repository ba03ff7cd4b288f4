/**
 * Date rules (`date_expression`, issue 22): dates read as Pacemaker reads them (checked with
 * Pacemaker's own `iso8601`), rules decided at the scheduler's `now` (checked with crm_simulate
 * at several times), and the moment the outcome changes given to the controller as `recheck-by`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { parseXml } from '../../src/cib/xml-tree.js';
import { parseCrmTime, resolveDateRules } from '../../src/core/date-rules.js';
import { graphToXml } from '../../src/core/graph-xml.js';
import { schedule } from '../../src/core/schedule.js';
import { compareCib } from './differential.js';
import { crmSimulateGraph, reduceGraph } from './graph-compare.js';

const NOW = 1_800_000_000; // 2027-01-15 08:00:00 UTC, a Friday
const xml = readFileSync(new URL('date-rules/input.xml', import.meta.url), 'utf8');

describe('date rules', () => {
  it('decides each rule at now and leaves a CIB without date rules untouched', () => {
    const cib = importCib(xml);
    const { cib: resolved, recheckAt } = resolveDateRules(cib, NOW);
    // The freeze ended on 2027-01-01: its property set is gone; node3 moved to dc2 on the 10th.
    expect(resolved.crmConfig.map((s) => s.id)).toEqual(['opts']);
    expect(resolved.nodes[2]?.attributes.map((s) => [s.id, s.rule])).toEqual([
      ['node3-moved', undefined],
      ['node3-attrs', undefined],
    ]);
    // The January rule keeps its node test only; the office-hours rule (9-17) fails at 08:00.
    const web = resolved.constraints.filter((c) => c.kind === 'location' && c.rsc === 'web');
    expect(web.map((c) => (c.kind === 'location' ? c.rules.map((r) => r.terms.map((t) => t.id)) : []))).toEqual([
      [['web-in-january-node']],
      [],
    ]);
    // The earliest change: the morning stickiness (2027-01-15 + 12 h) ends, the second after.
    expect(recheckAt).toBe(Date.UTC(2027, 0, 15, 12) / 1000 + 1);
    const plain = importCib(readFileSync(new URL('defaults-rules/input.xml', import.meta.url), 'utf8'));
    expect(resolveDateRules(plain, NOW).cib).toBe(plain);
  });

  it('is exported as it was read', () => {
    const again = exportCib(importCib(xml));
    expect(again).toContain('<date_spec id="app-friday-spec" weekdays="5" hours="6-9"/>');
    expect(again).toContain('<duration id="rd-morning-duration" hours="12"/>');
    expect(importCib(again)).toEqual(importCib(xml));
  });

  it('refuses a date_spec field Pacemaker 2.1 does not read, naming it', () => {
    const moon = xml.replace('weekdays="5"', 'moon="3"');
    expect(() => importCib(moon)).toThrow(/<date_spec id="app-friday-spec"> has unsupported attribute "moon"/);
  });
});

describe.skipIf(requireTool(['iso8601']))('dates as Pacemaker reads them', () => {
  it('agrees with iso8601 on every form', () => {
    const forms = [
      '2019-09-23 18:00:00 -05:00',
      '2019-09-23 18:00:00 +0530',
      '2019-09-23T18:00:00Z',
      '2019-09-23 18:00',
      '2005-001',
      '20050101',
      '2009-W53-7',
      '2009-W01-1',
      '2020-02-29 24:00:00',
      '2024-12-31 23:59:59',
      'epoch',
    ];
    for (const f of forms) {
      const out = execFileSync('iso8601', ['-d', f, '-S'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      expect(parseCrmTime(f), f).toBe(Number(/Date: (-?\d+)/.exec(out)?.[1]));
    }
    expect(parseCrmTime('2019-13-01')).toBeUndefined();
    expect(parseCrmTime('2019-02-30')).toBeUndefined();
    expect(parseCrmTime('yesterday')).toBeUndefined();
  });
});

describe.skipIf(requireTool(['crm_simulate']))('date rules against crm_simulate', () => {
  // Before the freeze ends, in the morning window, in office hours, on a Saturday, after January.
  const times = [
    NOW,
    Date.UTC(2026, 11, 31, 23) / 1000,
    Date.UTC(2027, 0, 15, 10) / 1000,
    Date.UTC(2027, 0, 16, 8) / 1000,
    Date.UTC(2027, 1, 2) / 1000,
  ];
  for (const now of times) {
    it(`places as Pacemaker does at ${new Date(now * 1000).toISOString()}`, async () => {
      expect(await compareCib(importCib(xml), now)).toEqual([]);
    });
  }

  it('asks for a recheck when a rule changes, with the graph header crm_simulate writes', async () => {
    const input = { cib: importCib(xml), now: NOW };
    const graph = graphToXml(schedule(input).graph, input);
    expect(parseXml(graph).attrs['recheck-by']).toBe(String(Date.UTC(2027, 0, 15, 12) / 1000 + 1));
    expect(reduceGraph(await crmSimulateGraph(xml, NOW)).header).toEqual(parseXml(graph).attrs);
  });

  it('takes no recheck time from a date term after one that already decided its rule, as Pacemaker stops there', async () => {
    // `and`: the gt (true only from 08:00:02) fails first, so the in_range after it (ending at now,
    // so changing at 08:00:01) is never evaluated: recheck-by is the gt's 08:00:02, not 08:00:01.
    const cibXml = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources><primitive id="web" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="web-dated" score="10"><rule id="web-dated-rule" score="INFINITY" boolean-op="and">
        <date_expression id="web-gt" operation="gt" start="2027-01-15 13:30:01 +05:30"/>
        <date_expression id="web-range" operation="in_range" start="2027-01-12 09:00:00 +01:00"><duration id="web-range-d" days="3"/></date_expression>
      </rule><nvpair id="web-dated-priority" name="priority" value="5"/></meta_attributes>
    </primitive></resources><constraints/></configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;
    const input = { cib: importCib(cibXml), now: NOW };
    const graph = graphToXml(schedule(input).graph, input);
    expect(parseXml(graph).attrs['recheck-by']).toBe(String(NOW + 2));
    expect(reduceGraph(await crmSimulateGraph(cibXml, NOW)).header).toEqual(parseXml(graph).attrs);
  });
});
