import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';
import { transientAttr } from './status.js';

const T0 = 1_800_000_000_000;

function cibXml(opts: { nodes?: string[]; groupMeta?: string; extra?: string } = {}): string {
  const nodes = opts.nodes ?? ['node1'];
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources>
      <group id="grp">
        ${opts.groupMeta ?? ''}
        <primitive id="ip" class="ocf" provider="heartbeat" type="Dummy">
          <instance_attributes id="ip-ia"><nvpair id="ip-ia-s" name="state" value="/run/ip.state"/></instance_attributes>
          <operations><op id="ip-mon" name="monitor" interval="PT10S" timeout="20s"/></operations>
        </primitive>
        <primitive id="db" class="ocf" provider="heartbeat" type="Dummy">
          <operations><op id="db-mon" name="monitor" interval="10s" timeout="20s"/></operations>
        </primitive>
      </group>
    </resources>
    <constraints>
      <rsc_location id="rul_DK" rsc="grp"><rule id="rul_DK-r" score="-INFINITY"><expression id="rul_DK-e" attribute="diskcheck_status" operation="eq" value="ERROR"/></rule></rsc_location>
      ${opts.extra ?? ''}
    </constraints>
  </configuration>
  <status>${nodes.map((n, i) => `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join('')}</status>
</cib>`;
}

function boot(xml = cibXml()) {
  const ctl = new Controller(importCib(xml), { node: 'node1' });
  const d = new MemoryDriver(ctl, new MemoryExecutor(), T0);
  d.send({ type: 'start', now: T0 });
  return d;
}

describe('controller on the in-memory executor', () => {
  it('probes, starts the group in order with its monitors, records history, saves pe-inputs, goes idle', () => {
    const d = boot();
    expect(d.world.ran).toEqual([
      'ip_monitor_0@node1',
      'db_monitor_0@node1',
      'ip_start_0@node1',
      'ip_monitor_10000@node1',
      'db_start_0@node1',
      'db_monitor_10000@node1',
    ]);
    expect(d.idleCount).toBe(1);
    expect(d.world.roleOf('node1', 'ip')).toBe('Started');
    const ops = d.ctl.cib.status[0]?.lrm.flatMap((r) => r.ops.map((o) => `${o.id}:${o.operation}:${o.rc}`));
    expect(ops).toEqual(['ip_last_0:start:0', 'ip_monitor_10000:monitor:0', 'db_last_0:start:0', 'db_monitor_10000:monitor:0']);
    const start = d.ctl.cib.status[0]?.lrm[0]?.ops[0];
    expect(start?.attrs['transition-key']).toMatch(/^\d+:0:0:ocfkit-node1$/);
    expect(start?.attrs['op-digest']).toMatch(/^[0-9a-f]{32}$/);
    // One input per scheduler run: the transition that did the work, then the one that found nothing to do.
    expect(d.effects.filter((e) => e.type === 'save-pe-input').map((e) => (e.type === 'save-pe-input' ? e.seq : -1))).toEqual([0, 1]);
  });

  it('a monitor failure counts once and recovers in place', () => {
    const d = boot();
    d.world.ran.length = 0;
    d.now += 5000;
    d.send(...d.world.crash('node1', 'db', d.now));
    expect(transientAttr(d.ctl.cib, 'node1', 'fail-count-db#monitor_10000')).toBe('1');
    expect(transientAttr(d.ctl.cib, 'node1', 'last-failure-db#monitor_10000')).toBe(String(Math.floor(d.now / 1000)));
    expect(d.world.ran).toEqual(['db_stop_0@node1', 'db_start_0@node1', 'db_monitor_10000@node1']);
    expect(d.world.roleOf('node1', 'db')).toBe('Started');
    const failure = d.ctl.cib.status[0]?.lrm.find((r) => r.id === 'db')?.ops.find((o) => o.id === 'db_last_failure_0');
    expect([failure?.operation, failure?.rc, failure?.intervalMs]).toEqual(['monitor', 7, 10000]);
  });

  it('a committed attribute drives the location rule: diskcheck_status=ERROR stops the group, OK brings it back', () => {
    const d = boot();
    d.world.ran.length = 0;
    d.send({ type: 'attr-changed', now: d.now, node: 'node1', name: 'diskcheck_status', value: 'ERROR' });
    expect(d.world.ran).toEqual(['db_stop_0@node1', 'ip_stop_0@node1']);
    expect(d.world.roleOf('node1', 'ip')).toBeUndefined();
    d.world.ran.length = 0;
    d.send({ type: 'attr-changed', now: d.now, node: 'node1', name: 'diskcheck_status', value: 'OK' });
    expect(d.world.ran).toEqual(['ip_start_0@node1', 'ip_monitor_10000@node1', 'db_start_0@node1', 'db_monitor_10000@node1']);
  });

  it('a failed start bans the node (start-failure-is-fatal): nowhere else to go, the group stays stopped', () => {
    const ctl = new Controller(importCib(cibXml()), { node: 'node1' });
    const world = new MemoryExecutor();
    world.failWhen((a) => a.task === 'start' && a.rsc === 'db', { rc: 1, opStatus: 0, exitReason: 'cannot start' });
    const d = new MemoryDriver(ctl, world, T0).send({ type: 'start', now: T0 });
    expect(transientAttr(d.ctl.cib, 'node1', 'fail-count-db#start_0')).toBe('INFINITY');
    expect(world.roleOf('node1', 'db')).toBeUndefined();
    expect(world.ran.filter((r) => r === 'db_start_0@node1')).toHaveLength(1);
    expect(d.logs()).toContain('warning: result of db_start_0 on node1: rc 1, status 0: cannot start (expected rc 0)');
  });

  it('migration-threshold moves the group away; after failure-timeout the recheck timer lets it come back', () => {
    const xml = cibXml({
      nodes: ['node1', 'node2'],
      groupMeta:
        '<meta_attributes id="grp-m"><nvpair id="grp-m1" name="migration-threshold" value="1"/><nvpair id="grp-m2" name="failure-timeout" value="60s"/></meta_attributes>',
      extra: '<rsc_location id="pref" rsc="grp" node="node1" score="100"/>',
    });
    const ctl = new Controller(importCib(xml), { node: 'node1' });
    const d = new MemoryDriver(ctl, new MemoryExecutor(), T0);
    d.send({ type: 'start', now: T0 });
    expect(d.world.roleOf('node1', 'db')).toBe('Started');
    d.now += 1000;
    d.send(...d.world.crash('node1', 'db', d.now));
    expect([d.world.roleOf('node1', 'db'), d.world.roleOf('node2', 'db'), d.world.roleOf('node2', 'ip')]).toEqual([
      undefined,
      'Started',
      'Started',
    ]);
    d.world.ran.length = 0;
    d.advance(62_000);
    expect(d.world.ran).toContain('ip_start_0@node1');
    expect([d.world.roleOf('node1', 'db'), d.world.roleOf('node2', 'db')]).toEqual(['Started', undefined]);
  });

  it('shutdown stops every resource in reverse order and reports it', () => {
    const d = boot();
    d.world.ran.length = 0;
    d.send({ type: 'shutdown', now: d.now });
    expect(d.world.ran).toEqual(['db_stop_0@node1', 'ip_stop_0@node1']);
    const last = d.effects.at(-2);
    expect(d.effects.some((e) => e.type === 'idle' && e.stopped)).toBe(true);
    void last;
  });

  it('a restarted controller re-probes: what runs is found running, nothing starts twice', () => {
    const d = boot();
    const ctl2 = new Controller(d.ctl.cib, { node: 'node1' });
    d.world.ran.length = 0;
    const d2 = new MemoryDriver(ctl2, d.world, d.now + 1000).send({ type: 'start', now: d.now + 1000 });
    expect(d2.world.ran).toEqual(['ip_monitor_0@node1', 'db_monitor_0@node1', 'ip_monitor_10000@node1', 'db_monitor_10000@node1']);
  });
});

describe('controller and a promotable clone', () => {
  it('cancels the unpromoted monitor before the promote: a round of monitors afterwards finds only the promoted one', () => {
    const xml = `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <clone id="st-clone">
        <meta_attributes id="st-clone-meta"><nvpair id="st-p" name="promotable" value="true"/><nvpair id="st-pm" name="promoted-max" value="1"/></meta_attributes>
        <primitive id="st" class="ocf" provider="pacemaker" type="Stateful">
          <operations>
            <op id="st-mon-u" name="monitor" interval="2s" role="Unpromoted" timeout="20s"/>
            <op id="st-mon-p" name="monitor" interval="1s" role="Promoted" timeout="20s"/>
          </operations>
        </primitive>
      </clone>
    </resources>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;
    const d = boot(xml);
    expect(d.world.ran).toEqual(['st:0_monitor_0@node1', 'st:0_start_0@node1', 'st:0_monitor_2000@node1']);
    d.world.ran.length = 0;
    d.send({ type: 'attr-changed', now: d.now, node: 'node1', name: 'master-st', value: '10' });
    expect(d.world.ran).toEqual(['st_promote_0@node1', 'st_monitor_1000@node1']);
    const rsc = ['st', 'st:0'].find((r) => d.world.roleOf('node1', r) === 'Promoted') as string;
    expect(rsc).toBeDefined();
    // the cancel came before the promote
    const kinds = d.effects.flatMap((e) =>
      e.type === 'cancel' ? [`cancel ${e.intervalMs}`] : e.type === 'run' && e.action.task === 'promote' ? ['promote'] : [],
    );
    expect(kinds).toEqual(['cancel 2000', 'promote']);
    // a round of the recurring monitors: only the promoted one answers, 8 as expected, nothing fails
    d.world.ran.length = 0;
    d.now += 2000;
    d.send(...d.world.tick('node1', rsc, d.now));
    expect(d.world.ran).toEqual([]);
    expect(transientAttr(d.ctl.cib, 'node1', 'fail-count-st#monitor_2000')).toBeUndefined();
    expect(d.world.roleOf('node1', rsc)).toBe('Promoted');
  });
});

describe('controller as the DC of a cluster (membership and quorum events)', () => {
  const three = (extra = '', options = '') =>
    cibXml({ nodes: ['node1', 'node2', 'node3'], extra: `<rsc_location id="pref" rsc="grp" node="node2" score="100"/>${extra}` }).replace(
      '<nvpair id="o1" name="stonith-enabled" value="false"/>',
      `<nvpair id="o1" name="stonith-enabled" value="false"/>${options}`,
    );

  it('a lost node is offline without fencing: its resources start on a member; its rejoin re-probes it', () => {
    const d = boot(three());
    expect(d.world.roleOf('node2', 'db')).toBe('Started');
    d.world.ran.length = 0;
    d.send({ type: 'member-changed', now: d.now, node: 'node2', state: 'lost' });
    const s2 = d.ctl.cib.status.find((s) => s.uname === 'node2');
    expect(s2?.attrs).toMatchObject({ in_ccm: 'false', crmd: 'offline', expected: 'member' });
    // Nothing is sent to the lost node; the group starts on a node that is still a member.
    expect(d.world.ran.filter((r) => r.endsWith('@node2'))).toEqual([]);
    const target = d.world.ran.find((r) => r.startsWith('ip_start_0@'))?.split('@')[1];
    expect(['node1', 'node3']).toContain(target);
    expect(d.world.roleOf(target as string, 'db')).toBe('Started');
    d.world.ran.length = 0;
    d.send({ type: 'member-changed', now: d.now, node: 'node2', state: 'joined' });
    // Its history was erased: probed again (the in-memory world still has the group there: found twice, recovered).
    expect(d.world.ran.slice(0, 2)).toEqual(['ip_monitor_0@node2', 'db_monitor_0@node2']);
  });

  it('an action in flight on a node that is lost fails at once (no waiting for its timeout)', () => {
    const ctl = new Controller(importCib(three()), { node: 'node1' });
    const effects = ctl.handle({ type: 'start', now: T0 });
    const onNode2 = effects.filter((e) => e.type === 'run' && e.action.node === 'node2');
    expect(onNode2.length).toBeGreaterThan(0);
    const after = ctl.handle({ type: 'member-changed', now: T0 + 10, node: 'node2', state: 'lost' });
    const lost = after.filter((e) => e.type === 'log' && /lost: the node left the membership/.test(e.message));
    expect(lost).toHaveLength(onNode2.length);
  });

  it('no-quorum-policy=stop: losing quorum stops everything, regaining it starts it again; have-quorum follows', () => {
    const d = boot(three());
    d.world.ran.length = 0;
    d.send({ type: 'quorum-changed', now: d.now, quorate: false });
    expect(d.ctl.quorate).toBe(false);
    expect(d.world.ran).toEqual(['db_stop_0@node2', 'ip_stop_0@node2']);
    const input = d.effects.filter((e) => e.type === 'save-pe-input').at(-1);
    expect(input?.type === 'save-pe-input' && input.cib.attrs['have-quorum']).toBe('0');
    d.world.ran.length = 0;
    d.send({ type: 'quorum-changed', now: d.now, quorate: true });
    expect(d.world.ran).toContain('db_start_0@node2');
  });

  it('no-quorum-policy=suicide: the scheduler input says the partition lost a quorum it had (no-quorum-panic); without fencing it stops, as Pacemaker resets it to stop', () => {
    const d = boot(three('', '<nvpair id="o2" name="no-quorum-policy" value="suicide"/>'));
    d.world.ran.length = 0;
    d.send({ type: 'quorum-changed', now: d.now, quorate: false });
    expect(d.world.ran).toEqual(['db_stop_0@node2', 'ip_stop_0@node2']);
    const input = d.effects.filter((e) => e.type === 'save-pe-input').at(-1);
    expect(input?.type === 'save-pe-input' && input.cib.attrs['no-quorum-panic']).toBe('1');
    // A controller that never had quorum does not panic.
    const never = new Controller(importCib(three('', '<nvpair id="o2" name="no-quorum-policy" value="suicide"/>')), {
      node: 'node1',
      quorate: false,
    });
    const first = never.handle({ type: 'start', now: T0 }).find((e) => e.type === 'save-pe-input');
    expect(first?.type === 'save-pe-input' && first.cib.attrs['no-quorum-panic']).toBeUndefined();
  });

  it('no-quorum-policy=freeze: without quorum what runs keeps running', () => {
    const d = boot(three('', '<nvpair id="o2" name="no-quorum-policy" value="freeze"/>'));
    d.world.ran.length = 0;
    d.send({ type: 'quorum-changed', now: d.now, quorate: false });
    expect(d.world.ran.filter((r) => r.includes('_stop_'))).toEqual([]);
    expect(d.world.roleOf('node2', 'db')).toBe('Started');
  });
});
