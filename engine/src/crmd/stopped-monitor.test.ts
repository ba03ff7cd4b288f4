import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';
import { transientAttr } from './status.js';

const T0 = 1_800_000_000_000;

/** Two nodes; `a` prefers node1, must leave it when node1's attribute `away` is `yes`, and has a role=Stopped monitor. */
const XML = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="a-mon" name="monitor" interval="10s" timeout="20s"/>
          <op id="a-mon-stopped" name="monitor" interval="20s" timeout="20s" role="Stopped"/>
        </operations>
      </primitive>
    </resources>
    <constraints>
      <rsc_location id="a-pref" rsc="a" node="node1" score="100"/>
      <rsc_location id="a-away" rsc="a"><rule id="a-away-r" score="-INFINITY"><expression id="a-away-e" attribute="away" operation="eq" value="yes"/></rule></rsc_location>
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

function boot() {
  const d = new MemoryDriver(new Controller(importCib(XML), { node: 'node1' }), new MemoryExecutor(), T0);
  d.send({ type: 'start', now: T0 });
  return d;
}

describe('controller and a role=Stopped monitor', () => {
  it('runs it where the resource is stopped: "not running" (rc 7) is its success, nothing is recovered', () => {
    const d = boot();
    expect(d.world.ran).toContain('a_monitor_20000@node2');
    expect(d.world.ran).not.toContain('a_monitor_20000@node1');
    expect(d.world.roleOf('node1', 'a')).toBe('Started');
    d.world.ran.length = 0;
    d.now += 20_000;
    d.send(...d.world.tick('node2', 'a', d.now));
    expect(d.world.ran).toEqual([]);
    expect(transientAttr(d.ctl.cib, 'node2', 'fail-count-a#monitor_20000')).toBeUndefined();
    const recorded = d.ctl.cib.status
      .find((s) => s.uname === 'node2')
      ?.lrm.find((r) => r.id === 'a')
      ?.ops.find((o) => o.intervalMs === 20000);
    expect(recorded?.rc).toBe(7);
  });

  it('finding the resource running there (rc 0) is a failure: counted, and the extra copy is stopped', () => {
    const d = boot();
    d.world.ran.length = 0;
    d.now += 20_000;
    d.world.active.set('node2\0a', 'Started');
    d.send(...d.world.tick('node2', 'a', d.now));
    expect(transientAttr(d.ctl.cib, 'node2', 'fail-count-a#monitor_20000')).toBe('1');
    expect(d.world.ran).toContain('a_stop_0@node2');
    expect(['node1', 'node2'].filter((n) => d.world.roleOf(n, 'a') !== undefined)).toHaveLength(1);
  });

  it('is cancelled before the resource starts on its node, and runs on the node the resource left', () => {
    const d = boot();
    d.world.ran.length = 0;
    d.now += 1000;
    d.send({ type: 'attr-changed', now: d.now, node: 'node1', name: 'away', value: 'yes' });
    expect(d.world.roleOf('node2', 'a')).toBe('Started');
    expect(d.world.ran).toEqual(
      expect.arrayContaining(['a_stop_0@node1', 'a_start_0@node2', 'a_monitor_10000@node2', 'a_monitor_20000@node1']),
    );
    const cancelled = d.effects.filter((e) => e.type === 'cancel' && e.node === 'node2' && e.intervalMs === 20000);
    expect(cancelled).toHaveLength(1);
    // A round of monitors on node2 now runs only the 10 s one, which finds it running: no failure.
    d.world.ran.length = 0;
    d.now += 20_000;
    d.send(...d.world.tick('node2', 'a', d.now), ...d.world.tick('node1', 'a', d.now));
    expect(d.world.ran).toEqual([]);
    expect(transientAttr(d.ctl.cib, 'node2', 'fail-count-a#monitor_20000')).toBeUndefined();
    expect(transientAttr(d.ctl.cib, 'node1', 'fail-count-a#monitor_20000')).toBeUndefined();
  });
});
