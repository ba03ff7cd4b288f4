import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { parametersDigest } from '../../src/pcmk/op-digest.js';
import { crmSimulate } from './crm-simulate.js';

const NOW = 1_800_000_000;

/** `secret` started with password "old"; the configuration now says "new" (crm_report would mask it). */
function cibXml(): string {
  const all = parametersDigest({ ip: '10.0.0.1', password: 'old' });
  const secure = parametersDigest({ ip: '10.0.0.1' });
  const key = '1:1:0:00000000-0000-0000-0000-000000000000';
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="secret" class="ocf" provider="heartbeat" type="Dummy">
        <instance_attributes id="secret-ia">
          <nvpair id="secret-ip" name="ip" value="10.0.0.1"/>
          <nvpair id="secret-pw" name="password" value="new"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="1"><lrm_resources>
        <lrm_resource id="secret" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="secret_last_0" operation_key="secret_start_0" operation="start" crm_feature_set="3.16.1" transition-key="${key}" transition-magic="0:0;${key}" call-id="1" rc-code="0" op-status="0" interval="0" last-rc-change="1799990000" exec-time="0" queue-time="0" op-digest="${all}" op-secure-params="  password  " op-secure-digest="${secure}"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;
}

describe('definition changes and private parameters', () => {
  it('a simulation (sanitized, as crm_simulate) leaves a resource alone when only a private parameter changed; a live cluster restarts it', async () => {
    const cib = importCib(cibXml());
    expect(schedule({ cib, now: NOW, sanitized: true }).graph.actions).toEqual([]);
    const live = schedule({ cib, now: NOW });
    expect(live.graph.actions.map((a) => `${a.task}@${a.node}`)).toEqual(['stop@node1', 'start@node1']);
    // crm_simulate agrees with the sanitized run.
    const { outCib } = await crmSimulate(cibXml(), NOW);
    const entries = outCib.match(/<lrm_rsc_op [^>]*>/g) ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain('call-id="1"');
  });
});
