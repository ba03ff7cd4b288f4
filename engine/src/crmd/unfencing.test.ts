import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';
import { transientAttr } from './status.js';

const T0 = 1_800_000_000_000;

const xml = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>
      <primitive id="scsi" class="stonith" type="fence_scsi">
        <instance_attributes id="scsi-params"><nvpair id="scsi-devices" name="devices" value="/dev/sdb"/></instance_attributes>
        <meta_attributes id="scsi-meta"><nvpair id="scsi-provides" name="provides" value="unfencing"/></meta_attributes>
      </primitive>
      <clone id="fs-clone">
        <primitive id="fs" class="ocf" provider="heartbeat" type="Dummy">
          <operations><op id="fs-mon" name="monitor" interval="10s" timeout="20s"/></operations>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

describe('controller and unfencing (in-memory executor)', () => {
  it('unfences each node before probing or starting there, marks it unfenced, and does not unfence it again', () => {
    const d = new MemoryDriver(new Controller(importCib(xml), { node: 'node1' }), new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    const ran = d.world.ran;
    for (const node of ['node1', 'node2']) {
      const on = ran.indexOf(`stonith-${node}-on@${node}`);
      expect(on, `${node} unfenced`).toBeGreaterThanOrEqual(0);
      // Everything that needs the node unfenced ran there after it.
      for (const op of ['scsi_monitor_0', 'fs_monitor_0', 'fs_start_0'])
        if (ran.includes(`${op}@${node}`)) expect(ran.indexOf(`${op}@${node}`), `${op}@${node}`).toBeGreaterThan(on);
      expect(transientAttr(d.ctl.cib, node, '#node-unfenced')).toBe(String(T0 / 1000));
      expect(transientAttr(d.ctl.cib, node, '#digests-all')).toMatch(/^scsi:fence_scsi:[0-9a-f]{32},$/);
      // Unfencing is no fencing: the node stays up with what it runs.
      expect(d.world.roleOf(node, 'fs')).toBe('Started');
    }
    // The next transition (another change) unfences nobody again.
    const before = ran.length;
    d.send({ type: 'cib-changed', now: d.now, cib: { ...d.ctl.cib, attrs: { ...d.ctl.cib.attrs, epoch: '2' } } });
    expect(ran.slice(before).filter((a) => a.startsWith('stonith-'))).toEqual([]);
  });
});
