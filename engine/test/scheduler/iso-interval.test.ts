import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';

const xml = (interval: string) => `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr">
        <operations><op id="ip-mon" name="monitor" interval="${interval}" timeout="30s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;

describe('ISO 8601 operation intervals', () => {
  // crm_simulate 2.1.5 schedules ip_monitor_10000 with CRM_meta_interval="10000" for interval="PT10S".
  it.each(['PT10S', '10s', '10000ms'])('interval=%s gets a recurring monitor every 10 s', (interval) => {
    const keys = schedule({ cib: importCib(xml(interval)), now: 1_800_000_000 }).graph.actions.map((a) => a.key);
    expect(keys).toEqual(['ip_monitor_0', 'ip_start_0', 'ip_monitor_10000']);
  });
});
