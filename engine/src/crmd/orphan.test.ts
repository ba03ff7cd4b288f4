import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';

const T0 = 1_800_000_000_000;

function cibXml(ids: string[]): string {
  const prims = ids.map(
    (id) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">
          <operations><op id="${id}-mon" name="monitor" interval="10s" timeout="20s"/></operations>
        </primitive>`,
  );
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>${prims.join('')}</resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;
}

describe('controller and an orphaned resource (in-memory executor)', () => {
  it('stops a running resource removed from the configuration and erases its history, leaving the rest alone', () => {
    const d = new MemoryDriver(new Controller(importCib(cibXml(['a', 'b'])), { node: 'node1' }), new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    expect(d.world.roleOf('node1', 'b')).toBe('Started');
    d.world.ran.length = 0;

    const removed = importCib(cibXml(['a']));
    d.send({
      type: 'cib-changed',
      now: d.now,
      cib: { ...d.ctl.cib, attrs: { ...d.ctl.cib.attrs, epoch: '2' }, resources: removed.resources },
    });

    expect(d.world.ran).toEqual(['b_stop_0@node1']);
    expect(d.world.roleOf('node1', 'b')).toBeUndefined();
    expect(d.world.roleOf('node1', 'a')).toBe('Started');
    const history = d.ctl.cib.status[0]?.lrm.map((r) => r.id);
    expect(history).toEqual(['a']);
  });
});
