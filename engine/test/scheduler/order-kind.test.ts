/**
 * An order's `kind` as Pacemaker reads it: case-insensitively, and any other value reset to
 * Mandatory with a configuration error (Pacemaker's suite: `order-wrong-kind`). The engine runs it
 * as Mandatory too, warns naming the value, and keeps the value as written in the CIB it exports.
 */
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { compareCib } from './differential.js';

const NOW = 1800000000;

function cibWithKind(kind: string): string {
  const op = (rsc: string, call: number) =>
    `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_monitor_0" operation="monitor" transition-key="${call}:1:7:x" transition-magic="0:${rsc === 'b' ? 0 : 7};${call}:1:7:x" call-id="${call}" rc-code="${rsc === 'b' ? 0 : 7}" op-status="0" interval="0" last-rc-change="1799990000" exec-time="0" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>`;
  // validate-with="none": Pacemaker's schema itself refuses such a kind, as it did not once.
  return `<cib crm_feature_set="3.16.1" validate-with="none" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints><rsc_order id="a-then-b" first="a" then="b" kind="${kind}"/></constraints>
  </configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>${op('a', 1)}${op('b', 2)}</lrm_resources></lrm></node_state></status>
</cib>`;
}

describe('order kind', () => {
  it('an unknown kind is Mandatory, with a warning naming it: b, already running, restarts after a starts', () => {
    const result = schedule({ cib: importCib(cibWithKind('foo')), now: NOW });
    expect(result.summary).toContain('Restart    b');
    expect(result.warnings).toContain(
      '<rsc_order id="a-then-b">: kind="foo" is not Mandatory, Optional or Serialize; using Mandatory instead',
    );
  });

  it('kinds are read case-insensitively: "optional" does not restart b', () => {
    const result = schedule({ cib: importCib(cibWithKind('optional')), now: NOW });
    expect(result.summary).toContain('Start      a');
    expect(result.summary).not.toContain('Restart');
    expect(result.warnings.filter((w) => w.includes('a-then-b'))).toEqual([]);
  });

  it('the exported CIB keeps the kind as written', () => {
    expect(exportCib(importCib(cibWithKind('foo')))).toContain('kind="foo"');
  });

  it.skipIf(requireTool(['crm_simulate']))('Pacemaker places both the same way', async () => {
    for (const kind of ['foo', 'optional']) expect(await compareCib(importCib(cibWithKind(kind)), NOW)).toEqual([]);
  });
});
