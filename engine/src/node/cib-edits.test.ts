import { describe, expect, test } from 'vitest';
import { parseXml, serializeXml } from '../cib/xml-tree';
import { applyPatch, parsePath } from './cib-patch';
import { cleanupStatus, isFailureAttribute } from './resource-cleanup';
import { banResource, clearResource, moveResource } from './resource-constraints';
import { setStandby, setTargetRole } from './resource-state';

const CIB = `<cib admin_epoch="0" epoch="4" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
    <resources>
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="a-meta"><nvpair id="a-tr" name="target-role" value="Started"/></meta_attributes></primitive>
      <clone id="c"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1">
      <transient_attributes id="1"><instance_attributes id="status-1">
        <nvpair id="s1" name="fail-count-p#monitor_10000" value="2"/><nvpair id="s2" name="last-failure-p#monitor_10000" value="9"/>
        <nvpair id="s3" name="fail-count-pp#start_0" value="1"/><nvpair id="s4" name="pingd" value="5"/>
      </instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources><lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy"/><lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy"/></lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;

const tree = () => parseXml(CIB);
const constraints = (t: ReturnType<typeof tree>) => serializeXml(t.children[0]?.children.find((c) => c.name === 'constraints') ?? t);

describe('CIB edits', () => {
  test('move/ban refuse what crm_resource refuses, naming the resource or node', () => {
    const none = () => [];
    expect(() => banResource(tree(), 'zz', 'n1', none)).toThrow('resource "zz" not found');
    expect(() => banResource(tree(), 'a', undefined, none)).toThrow('resource "a" is active on no node: name the node with --node');
    expect(() => banResource(tree(), 'a', undefined, () => ['n1', 'n2'])).toThrow('is active on 2 nodes (n1, n2)');
    expect(() => moveResource(tree(), 'a', 'n9', none)).toThrow('node "n9" is not in the configuration');
    expect(() => moveResource(tree(), 'a', 'n1', () => ['n1'])).toThrow('resource "a" is already active on n1');
    expect(() => moveResource(tree(), 'p', 'n1', none)).toThrow('"p" is inside clone "c": move or ban the clone instead');
  });

  test('move --force also bans the current node; clear removes only ours', () => {
    const t = tree();
    moveResource(t, 'a', 'n2', () => ['n1'], true);
    expect(constraints(t)).toBe(
      '<constraints>\n  <rsc_location id="cli-prefer-a" rsc="a" role="Started" node="n2" score="INFINITY"/>\n  <rsc_location id="cli-ban-a-on-n1" rsc="a" role="Started" node="n1" score="-INFINITY"/>\n</constraints>\n',
    );
    expect(clearResource(t, 'a', 'n2')).toEqual(['Removing constraint: cli-prefer-a']);
    expect(clearResource(t, 'a')).toEqual(['Removing constraint: cli-ban-a-on-n1']);
    expect(clearResource(t, 'a')).toEqual([]);
  });

  test('target-role updates an existing pair; standby goes in nodes-<id>', () => {
    const t = tree();
    expect(setTargetRole(t, 'a', 'Stopped')).toBe("Set 'a' option: name=target-role value=Stopped");
    expect(serializeXml(t)).toContain('<nvpair id="a-tr" name="target-role" value="Stopped"/>');
    setTargetRole(t, 'c', 'Stopped');
    expect(serializeXml(t)).toContain(
      '<meta_attributes id="c-meta_attributes">\n          <nvpair id="c-meta_attributes-target-role" name="target-role" value="Stopped"/>',
    );
    expect(setStandby(t, 'n2', true)).toBe('node n2: standby=on');
    expect(setStandby(t, 'n2', true)).toBe('node n2 is already in standby');
  });

  test('cleanup removes the history and failure attributes of the resource only', () => {
    const t = tree();
    const status = t.children.find((c) => c.name === 'status') ?? t;
    expect(cleanupStatus(t, status, 'c')).toEqual([
      { node: 'n1', history: ['p'], attributes: ['fail-count-p#monitor_10000', 'last-failure-p#monitor_10000'] },
    ]);
    const left = serializeXml(status);
    expect(left).toContain('fail-count-pp#start_0');
    expect(left).toContain('<lrm_resource id="a"');
    expect(left).not.toContain('<lrm_resource id="p"');
    expect(isFailureAttribute('fail-count-p:3#start_0', 'p')).toBe(true);
    expect(isFailureAttribute('fail-count-pp', 'p')).toBe(false);
  });

  test('patch: paths, positions, attribute changes, and errors naming the change', () => {
    expect(parsePath("/cib/configuration/resources/primitive[@id='a']/meta_attributes[2]")).toEqual([
      { name: 'cib' },
      { name: 'configuration' },
      { name: 'resources' },
      { name: 'primitive', id: 'a' },
      { name: 'meta_attributes', index: 2 },
    ]);
    const t = tree();
    const source = applyPatch(
      t,
      `<diff format="2"><version><source admin_epoch="0" epoch="4" num_updates="0"/></version>
        <change operation="modify" path="/cib/configuration/resources/primitive[@id='a']/meta_attributes[@id='a-meta']/nvpair[@id='a-tr']">
          <change-list><change-attr name="value" operation="set" value="Stopped"/></change-list></change>
        <change operation="modify" path="/cib"><change-list><change-attr name="epoch" operation="set" value="99"/></change-list></change>
        <change operation="create" path="/cib/configuration/constraints" position="0"><rsc_location id="l1" rsc="a" node="n1" score="5"/></change>
        <change operation="delete" path="/cib/configuration/nodes/node[@id='2']"/>
      </diff>`,
    );
    expect(source).toEqual({ adminEpoch: 0, epoch: 4 });
    expect(t.attrs.epoch).toBe('4');
    expect(serializeXml(t)).toContain('value="Stopped"');
    expect(constraints(t)).toBe('<constraints>\n  <rsc_location id="l1" rsc="a" node="n1" score="5"/>\n</constraints>\n');
    expect(serializeXml(t)).not.toContain('uname="n2"');
    expect(() => applyPatch(tree(), '<diff format="1"/>')).toThrow('patch set format "1" is not supported');
    expect(() =>
      applyPatch(tree(), `<diff format="2"><change operation="delete" path="/cib/configuration/nodes/node[@id='7']"/></diff>`),
    ).toThrow(`patch path "/cib/configuration/nodes/node[@id='7']": no <node id="7"> there`);
  });
});
