/**
 * What the scheduler reads from `rsc_ticket` and `ticket_state` (engine/src/core/tickets.ts);
 * what it then decides is checked against crm_simulate by the ticket-loss and ticket-fence
 * golden scenarios.
 */
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { ticketsOf } from '../../src/core/tickets.js';

const cib = (constraints: string, tickets: string) =>
  importCib(`<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
  <configuration><crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes><node id="1" uname="node1"/></nodes>
    <resources><primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="db" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints>${constraints}</constraints></configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/><tickets>${tickets}</tickets></status></cib>`);

describe('tickets', () => {
  it('reads loss-policy as Pacemaker resets it: fence needs fencing, the default depends on the role', () => {
    const c = cib(
      `<rsc_ticket id="a" rsc="web" ticket="tA" loss-policy="fence"/>
       <rsc_ticket id="b" rsc="web" ticket="tB" rsc-role="Promoted"/>
       <rsc_ticket id="c" rsc="db" ticket="tC" rsc-role="Started"/>
       <rsc_ticket id="d" rsc="db" ticket="tD" loss-policy="Freeze" rsc-role="Slave"/>`,
      `<ticket_state id="tA" granted="true"/><ticket_state id="tB" granted="false" standby="true"/>`,
    );
    const off = ticketsOf(c, false);
    expect(off.dependencies.map((d) => [d.id, d.role, d.lossPolicy])).toEqual([
      ['a', undefined, 'stop'],
      ['b', 'Promoted', 'demote'],
      ['c', undefined, 'stop'],
      ['d', 'Unpromoted', 'freeze'],
    ]);
    expect(ticketsOf(c, true).dependencies[0]?.lossPolicy).toBe('fence');
    expect(off.states.get('tA')).toEqual({ granted: true, standby: false });
    expect(off.states.get('tB')).toEqual({ granted: false, standby: true });
    expect(off.states.get('tC')).toBeUndefined();
  });

  it('keeps a ticket nobody granted from starting its resources, those named in resource sets too', () => {
    const c = cib(
      `<rsc_ticket id="web-needs-tA" rsc="web" ticket="tA"/>
       <rsc_ticket id="set-needs-tB" ticket="tB"><resource_set id="s"><resource_ref id="db"/></resource_set></rsc_ticket>`,
      '',
    );
    const r = schedule({ cib: c, now: 1_800_000_000 });
    expect(r.placements.find((p) => p.rsc === 'web')?.role).toBe('Stopped');
    expect(r.placements.find((p) => p.rsc === 'db')?.role).toBe('Stopped');
    expect(r.warnings.filter((w) => w.includes('rsc_ticket'))).toEqual([]);
  });
});
