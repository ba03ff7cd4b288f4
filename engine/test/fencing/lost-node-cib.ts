/** XML-escapes an attribute value. */
const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const nvpairs = (prefix: string, values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v], i) => `<nvpair id="${prefix}${i}" name="${attr(k)}" value="${attr(v)}"/>`)
    .join('');

/**
 * The fencing tests' cluster: node1 (the DC) and node3 up, node2 lost from the membership while
 * expected up with `web` (a Dummy) active on it, so it must be fenced; stonith-enabled=true,
 * stonith-timeout=20s and one device `fd` (stonith:fence_dummy).
 *
 * @example
 * importCib(lostNodeCib({ options: { 'stonith-max-attempts': '3' }, device: { pcmk_host_list: 'node2' } }))
 */
export function lostNodeCib(o: { options?: Record<string, string>; device?: Record<string, string> } = {}): string {
  const options = nvpairs('o', { 'stonith-enabled': 'true', 'stonith-timeout': '20s', ...o.options });
  const device =
    o.device && Object.keys(o.device).length > 0
      ? `<instance_attributes id="fd-ia">${nvpairs('fd-p', o.device)}</instance_attributes>`
      : '';
  const member = (id: string, uname: string) =>
    `<node_state id="${id}" uname="${uname}" in_ccm="true" crmd="online" join="member" expected="member"/>`;
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o">${options}</cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/><node id="3" uname="node3"/></nodes>
    <resources>
      <primitive id="fd" class="stonith" type="fence_dummy">${device}</primitive>
      <primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status>
    ${member('1', 'node1')}
    <node_state id="2" uname="node2" in_ccm="false" crmd="offline" join="down" expected="member">
      <lrm id="2"><lrm_resources><lrm_resource id="web" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="web_last_0" operation_key="web_start_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" on_node="node2"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    ${member('3', 'node3')}
  </status>
</cib>`;
}
