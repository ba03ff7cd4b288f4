/**
 * The incremental scheduler (what a controller runs on every event) against a from-scratch run:
 * on every golden scenario and on generated CIBs, a seeded sequence of the controller's own edits
 * (operation results, failures, attributes, membership, cleanups, quorum, time, configuration)
 * is scheduled both ways after each step, and the results must be equal: actions with their
 * details, orderings, summary, placements, warnings, errors. OCFKIT_INCREMENTAL_CASES (default
 * 24) sets how many generated CIBs, OCFKIT_INCREMENTAL_STEPS (default 12) the steps per CIB.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { IncrementalScheduler } from '../../src/core/incremental-schedule.js';
import { schedule } from '../../src/core/schedule.js';
import { recordOps, setTransientAttrs } from '../../src/crmd/status.js';
import { benchCib } from './bench-cib.js';
import { NOW, profileFor } from './differential.js';
import { generateCib } from './generator.js';
import { lrmOp } from './history-gen.js';
import { changeSequence } from './status-changes.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenarios = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'input.xml')))
  .map((d) => d.name)
  .sort();
const cases = Number(process.env.OCFKIT_INCREMENTAL_CASES ?? 24);
const steps = Number(process.env.OCFKIT_INCREMENTAL_STEPS ?? 12);

/**
 * Schedules every step incrementally and from scratch (on a deep copy, so nothing kept by
 * identity can be reused) and returns the steps where they differ.
 */
function mismatches(start: Cib, seed: number): string[] {
  const inc = new IncrementalScheduler(start);
  const out: string[] = [];
  const compare = (cib: Cib, now: number, what: string) => {
    inc.update(cib);
    const incremental = inc.schedule(now);
    const fresh = schedule({ cib: structuredClone(cib), now });
    try {
      expect(incremental).toEqual(fresh);
    } catch (err) {
      out.push(`after ${what}: ${(err as Error).message.split('\n').slice(0, 12).join('\n')}`);
    }
  };
  compare(start, NOW, 'the first run');
  for (const step of changeSequence(start, NOW, seed, steps)) compare(step.cib, step.now, `${step.kind} (${step.what})`);
  return out;
}

describe('incremental scheduling equals a from-scratch run', () => {
  it('has golden scenarios to replay', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  for (const [i, name] of scenarios.entries()) {
    it(`golden scenario ${name}`, () => {
      const cib = importCib(readFileSync(join(here, name, 'input.xml'), 'utf8'));
      expect(mismatches(cib, 1000 + i)).toEqual([]);
    });
  }

  it(`${cases} generated CIBs`, { timeout: 120_000 }, () => {
    const failed: string[] = [];
    for (let seed = 1; seed <= cases; seed++) {
      const diffs = mismatches(generateCib(seed, profileFor(seed)), 5000 + seed);
      if (diffs.length > 0) failed.push(`seed ${seed}: ${diffs.join('\n')}`);
    }
    expect(failed).toEqual([]);
  });

  it('reads again only the history an operation result changed', () => {
    const cib = benchCib(4, 40, { steady: true });
    const inc = new IncrementalScheduler(cib);
    inc.schedule(NOW);
    const entries = cib.status.reduce((n, s) => n + s.lrm.length, 0);
    const before = inc.counts;
    // As the controller records a successful recurring monitor of r0 on node1.
    const state = cib.status[0];
    const lr = state?.lrm[0];
    if (!state || !lr) throw new Error('bench CIB without history');
    const entry = lrmOp(lr.id, {
      id: `${lr.id}_monitor_10000`,
      task: 'monitor',
      intervalMs: 10000,
      callId: 99_999,
      rc: 0,
      expected: 0,
      lastRcChange: NOW,
    });
    expect(inc.update(recordOps(cib, state.uname, lr, [entry]))).toBe('status');
    const result = inc.schedule(NOW);
    const after = inc.counts;
    // Two unpacks per run (scheduling, describing the graph): the changed history is read once.
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2 * entries - 1);
    expect(after.fresh).toBe(1);
    expect(result).toEqual(schedule({ cib: structuredClone(inc.cib), now: NOW }));
  });

  it('digests again only the history an operation result changed', () => {
    const cib = benchCib(4, 40, { steady: true });
    const inc = new IncrementalScheduler(cib);
    inc.schedule(NOW);
    const first = inc.digests;
    const state = cib.status[0];
    const lr = state?.lrm.find((r) => r.ops.some((o) => o.intervalMs > 0));
    const op = lr?.ops.find((o) => o.intervalMs > 0);
    if (!state || !lr || !op) throw new Error('bench CIB without a recurring monitor');
    inc.update(recordOps(cib, state.uname, lr, [{ ...op, callId: 99_999, attrs: { ...op.attrs, 'call-id': '99999' } }]));
    const result = inc.schedule(NOW);
    const after = inc.digests;
    // Every active entry was digested on the first run; now only the new monitor result is.
    expect(first.misses).toBeGreaterThan(40);
    expect(after.misses - first.misses).toBe(1);
    expect(after.hits - first.hits).toBe(first.misses - 1);
    expect(result).toEqual(schedule({ cib: structuredClone(inc.cib), now: NOW }));
  });

  it('digests again when a node attribute that a parameter rule reads changes', () => {
    const start = (id: string, node: string) =>
      `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_last_0" operation_key="${id}_start_0" operation="start" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;1:1:0:00000000-0000-0000-0000-000000000000" call-id="${node === 'node1' ? 1 : 2}" rc-code="0" op-status="0" interval="0" last-rc-change="1799990000" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>`;
    const cib = importCib(`<cib epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
      <configuration>
        <crm_config><cluster_property_set id="o"><nvpair id="o-st" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
        <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
        <resources>
          <primitive id="ip" class="ocf" provider="heartbeat" type="Dummy">
            <instance_attributes id="ip-east">
              <rule id="ip-east-rule" score="0"><expression id="ip-east-expr" attribute="site" operation="eq" value="east"/></rule>
              <nvpair id="ip-east-addr" name="addr" value="10.0.0.1"/>
            </instance_attributes>
          </primitive>
        </resources>
        <constraints><rsc_location id="ip-on-1" rsc="ip" node="node1" score="100"/></constraints>
      </configuration>
      <status>
        <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>${start('ip', 'node1')}</lrm_resources></lrm></node_state>
        <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="2"><lrm_resources/></lrm></node_state>
      </status>
    </cib>`);
    const inc = new IncrementalScheduler(cib);
    // Its digest (no parameters) matches: nothing to do, and nothing on node2 either.
    expect(inc.schedule(NOW).summary).not.toMatch(/Restart/);
    // node1 joins site east: the rule gives ip a parameter its recorded digest does not cover.
    inc.update(setTransientAttrs(inc.cib, 'node1', { site: 'east' }));
    const result = inc.schedule(NOW);
    expect(result.summary).toMatch(/Restart\s+ip\s+\(\s*node1\s*\)/);
    expect(result).toEqual(schedule({ cib: structuredClone(inc.cib), now: NOW }));
  });

  it('starts afresh on a configuration change', () => {
    const cib = benchCib(3, 20, { steady: true });
    const inc = new IncrementalScheduler(cib);
    inc.schedule(NOW);
    const changed = { ...cib, rscDefaults: [{ id: 'd', pairs: [{ id: 'd-st', name: 'resource-stickiness', value: '0' }] }] };
    expect(inc.update(changed)).toBe('configuration');
    expect(inc.counts).toEqual({ hits: 0, misses: 0, fresh: 2 });
    expect(inc.schedule(NOW)).toEqual(schedule({ cib: structuredClone(changed), now: NOW }));
  });
});
