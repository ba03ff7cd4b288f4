import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';

const T0 = 1_800_000_000_000;

function cibXml(preferred: string): string {
  const nodes = ['node1', 'node2', 'node3'];
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources>
      <primitive id="vm" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="vm-meta"><nvpair id="vm-am" name="allow-migrate" value="true"/></meta_attributes>
        <operations><op id="vm-mon" name="monitor" interval="10s" timeout="20s"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_location id="pref" rsc="vm" node="${preferred}" score="100"/></constraints>
  </configuration>
  <status>${nodes.map((n, i) => `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join('')}</status>
</cib>`;
}

describe('controller and a live migration (in-memory executor)', () => {
  it('runs migrate_to, migrate_from and the source stop, records the migration, and finds nothing left to do', () => {
    const d = new MemoryDriver(new Controller(importCib(cibXml('node2')), { node: 'node1' }), new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    expect(d.world.roleOf('node2', 'vm')).toBe('Started');
    d.world.ran.length = 0;
    const idleBefore = d.idleCount;

    // The preferred node changes: the resource migrates instead of stopping and starting.
    const moved = importCib(cibXml('node3'));
    d.send({
      type: 'cib-changed',
      now: d.now,
      cib: { ...d.ctl.cib, attrs: { ...d.ctl.cib.attrs, epoch: '2' }, constraints: moved.constraints },
    });
    expect(d.world.ran).toEqual(['vm_migrate_to_0@node2', 'vm_migrate_from_0@node3', 'vm_stop_0@node2', 'vm_monitor_10000@node3']);
    expect(d.world.roleOf('node3', 'vm')).toBe('Started');
    expect(d.world.roleOf('node2', 'vm')).toBeUndefined();

    // The history says where it went, as Pacemaker's controller records it.
    const ops = (node: string) =>
      d.ctl.cib.status
        .find((s) => s.uname === node)
        ?.lrm.find((r) => r.id === 'vm')
        ?.ops.map((o) => o) ?? [];
    const migrateTo = ops('node2').find((o) => o.id === 'vm_migrate_to_0');
    expect(migrateTo?.attrs).toMatchObject({ operation: 'migrate_to', migrate_source: 'node2', migrate_target: 'node3', 'rc-code': '0' });
    expect(ops('node2').find((o) => o.id === 'vm_last_0')?.operation).toBe('stop');
    expect(ops('node3').find((o) => o.id === 'vm_migrate_from_0')?.attrs).toMatchObject({
      migrate_source: 'node2',
      migrate_target: 'node3',
    });

    // Read back, the migration is complete: the next transition does nothing (no stop, no restart).
    expect(d.idleCount).toBeGreaterThan(idleBefore);
    const ranBefore = d.world.ran.length;
    d.send({ type: 'poke', now: d.now, reason: 'test' });
    expect(d.world.ran.slice(ranBefore)).toEqual([]);
  });

  it('a failed migrate_from is recovered by stopping both ends and starting it again', () => {
    const d = new MemoryDriver(new Controller(importCib(cibXml('node2')), { node: 'node1' }), new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    d.world.ran.length = 0;
    const heal = d.world.failWhen((a) => a.task === 'migrate_from', { rc: 1, opStatus: 0 });
    const moved = importCib(cibXml('node3'));
    d.send({
      type: 'cib-changed',
      now: d.now,
      cib: { ...d.ctl.cib, attrs: { ...d.ctl.cib.attrs, epoch: '2' }, constraints: moved.constraints },
    });
    heal();
    // The failure aborts the transition; the next one stops the resource on both nodes and starts it (no second migration).
    expect(d.world.ran.slice(0, 2)).toEqual(['vm_migrate_to_0@node2', 'vm_migrate_from_0@node3']);
    const after = d.world.ran.slice(2);
    expect(after).toContain('vm_stop_0@node2');
    expect(after).toContain('vm_stop_0@node3');
    expect(after.filter((a) => a.startsWith('vm_migrate'))).toEqual([]);
    expect(after.filter((a) => a.startsWith('vm_start_0@'))).toHaveLength(1);
    const running = ['node1', 'node2', 'node3'].filter((n) => d.world.roleOf(n, 'vm') === 'Started');
    expect(running).toHaveLength(1);
  });
});
