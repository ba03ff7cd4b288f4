import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import type { AgentDigestInfo } from '../pcmk/agent-digests.js';
import { Controller } from './controller.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';

const T0 = 1_800_000_000_000;

/** A Dummy-like agent that can reload: `state` needs a restart, `fake` is reloadable. */
const RELOADABLE: AgentDigestInfo = {
  reload: 'agent',
  params: [
    { name: 'state', reloadable: false, unique: true, private: false },
    { name: 'fake', reloadable: true, unique: false, private: false },
  ],
};

function cibXml(state: string, fake: string, provider = 'heartbeat'): string {
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="d" class="ocf" provider="${provider}" type="Dummy">
        <instance_attributes id="d-ia">
          <nvpair id="d-state" name="state" value="${state}"/>
          <nvpair id="d-fake" name="fake" value="${fake}"/>
        </instance_attributes>
        <operations><op id="d-mon" name="monitor" interval="10s" timeout="20s"/></operations>
      </primitive>
      <primitive id="other" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="other-mon" name="monitor" interval="10s" timeout="20s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;
}

function started(agentInfo?: AgentDigestInfo): MemoryDriver {
  const world = new MemoryExecutor();
  if (agentInfo) world.agentInfo = agentInfo;
  const d = new MemoryDriver(new Controller(importCib(cibXml('/run/d1', 'a')), { node: 'node1' }), world, T0);
  d.send({ type: 'start', now: T0 });
  expect(d.world.roleOf('node1', 'd')).toBe('Started');
  d.world.ran.length = 0;
  return d;
}

function change(d: MemoryDriver, state: string, fake: string, epoch: string, provider?: string): void {
  const next = importCib(cibXml(state, fake, provider));
  d.send({ type: 'cib-changed', now: d.now, cib: { ...d.ctl.cib, attrs: { ...d.ctl.cib.attrs, epoch }, resources: next.resources } });
}

describe('controller and a changed resource definition (in-memory executor)', () => {
  it('restarts a running resource whose parameter changed, with the new value, and then leaves it alone', () => {
    const d = started();
    change(d, '/run/d1', 'b', '2');
    // The agent cannot reload: stop, start with the new value, monitor again; the other resource is untouched.
    expect(d.world.ran).toEqual(['d_stop_0@node1', 'd_start_0@node1', 'd_monitor_10000@node1']);
    expect(d.world.params.get('node1\0d')?.fake).toBe('b');
    expect(d.world.roleOf('node1', 'd')).toBe('Started');
    // The recorded digests now match the definition: nothing more to do.
    d.world.ran.length = 0;
    change(d, '/run/d1', 'b', '3');
    expect(d.world.ran).toEqual([]);
  });

  it('reloads an agent that can, when only reloadable parameters changed, and restarts it when another did', () => {
    const d = started(RELOADABLE);
    change(d, '/run/d1', 'b', '2');
    expect(d.world.ran).toEqual(['d_reload-agent_0@node1', 'd_monitor_10000@node1']);
    expect(d.world.params.get('node1\0d')?.fake).toBe('b');
    d.world.ran.length = 0;
    change(d, '/run/d2', 'b', '3');
    expect(d.world.ran).toEqual(['d_stop_0@node1', 'd_start_0@node1', 'd_monitor_10000@node1']);
    expect(d.world.params.get('node1\0d')?.state).toBe('/run/d2');
    d.world.ran.length = 0;
    change(d, '/run/d2', 'b', '4');
    expect(d.world.ran).toEqual([]);
  });

  it('restarts a resource whose agent changed, records the new agent, and then leaves it alone', () => {
    const d = started();
    change(d, '/run/d1', 'a', '2', 'pacemaker');
    expect(d.world.ran).toEqual(['d_stop_0@node1', 'd_start_0@node1', 'd_monitor_10000@node1']);
    expect(d.ctl.cib.status[0]?.lrm.find((r) => r.id === 'd')).toMatchObject({ class: 'ocf', provider: 'pacemaker', type: 'Dummy' });
    d.world.ran.length = 0;
    change(d, '/run/d1', 'a', '3', 'pacemaker');
    expect(d.world.ran).toEqual([]);
  });
});
