import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';

const T0 = 1_800_000_000_000;

const xml = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/>
      <nvpair id="o2" name="shutdown-lock" value="true"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="a-mon" name="monitor" interval="10s" timeout="20s"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_location id="a-prefers-2" rsc="a" node="node2" score="100"/></constraints>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

describe('controller and shutdown-lock (in-memory executor)', () => {
  it('keeps a resource locked to the node that shut down: stopped, not moved, back on that node when it rejoins', () => {
    const d = new MemoryDriver(new Controller(importCib(xml), { node: 'node1' }), new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    expect(d.world.roleOf('node2', 'a')).toBe('Started');
    d.world.ran.length = 0;

    const asked = Math.floor(d.now / 1000);
    d.send({ type: 'attr-changed', now: d.now, node: 'node2', name: 'shutdown', value: String(asked) });
    // Stopped on the node shutting down, and not started on node1: locked to node2.
    expect(d.world.ran).toContain('a_stop_0@node2');
    expect(d.world.roleOf('node2', 'a')).toBeUndefined();
    expect(d.world.roleOf('node1', 'a')).toBeUndefined();
    const lockOf = () => d.ctl.cib.status.find((s) => s.uname === 'node2')?.lrm.find((r) => r.id === 'a')?.shutdownLock;
    expect(lockOf()).toBe(String(asked));

    // node2 leaves cleanly: a stays stopped (still locked), nothing starts it on node1.
    d.send({ type: 'node-changed', now: d.now, node: 'node2', online: false });
    d.advance(60_000);
    expect(d.world.roleOf('node1', 'a')).toBeUndefined();
    expect(lockOf()).toBe(String(asked));

    // node2 rejoins (its transient attributes, `shutdown` too, start afresh): the locked history
    // survives the join, a starts there again and the lock ends.
    d.world.ran.length = 0;
    d.send({ type: 'member-changed', now: d.now, node: 'node2', state: 'joined' });
    expect(d.world.roleOf('node2', 'a')).toBe('Started');
    expect(d.world.ran).not.toContain('a_start_0@node1');
    expect(lockOf()).toBeUndefined();
  });
});
