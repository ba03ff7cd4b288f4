import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, test } from 'vitest';
import { importCib } from '../cib/import.js';
import { fenceCommand } from './fence';

const missing = requireTool(['fence_dummy']);
const dir = openTempDir('h16-fence-cli-');

function cibXml(devices: string, topology = ''): string {
  return `<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="o1" name="stonith-enabled" value="true"/><nvpair id="o2" name="stonith-timeout" value="20s"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>${devices}</resources>
    <constraints/>
    ${topology}
  </configuration>
  <status>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="2"><lrm_resources><lrm_resource id="web" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="web_last_0" operation_key="web_start_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x" on_node="node2"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;
}

function device(id: string, params: Record<string, string>): string {
  const nv = Object.entries(params)
    .map(([k, v], i) => `<nvpair id="${id}-p${i}" name="${k}" value="${v}"/>`)
    .join('');
  return `<primitive id="${id}" class="stonith" type="fence_dummy"><instance_attributes id="${id}-ia">${nv}</instance_attributes></primitive>`;
}

async function run(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const rc = await fenceCommand.run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

describe.skipIf(missing)('ocfkit fence with fence_dummy', () => {
  test('a pcmk_delay_base map matches node names by prefix, as Pacemaker 2.1.5 does, with a warning', async () => {
    const status = join(dir, 'prefix.status');
    writeFileSync(status, 'on');
    const cibFile = join(dir, 'prefix-cib.xml');
    writeFileSync(cibFile, cibXml(device('d', { status_file: status, pcmk_host_list: 'node2', pcmk_delay_base: 'node:1s;node2:0s' })));
    const r = await run('node2', '--off', '--cib', cibFile, '--node', 'node1', '--history', join(dir, 'prefix-history.json'));
    expect(r.rc, r.err).toBe(0);
    expect(r.err).toContain(
      'warning: device d: pcmk_delay_base entry "node" (1000 ms) also applies to node2: names match by prefix, the first entry wins (its own entry, 0 ms, is never used: put it first)\n',
    );
    expect(r.err).toContain('d: delaying off of node2 by 1000 ms');
  });

  test('level 1 fails → level 2 fences; the history shows it; --record marks the node down with its resources stopped', async () => {
    const status = join(dir, 'node2.status');
    writeFileSync(status, 'on');
    const cibFile = join(dir, 'cib.xml');
    writeFileSync(
      cibFile,
      cibXml(
        device('broken', { type: 'fail', power_timeout: '1', pcmk_host_check: 'none', pcmk_off_retries: '1' }) +
          device('good', { status_file: status, pcmk_host_list: 'node2' }),
        `<fencing-topology><fencing-level id="l1" target="node2" index="1" devices="broken"/><fencing-level id="l2" target="node2" index="2" devices="good"/></fencing-topology>`,
      ),
    );
    const history = join(dir, 'history.json');
    const r = await run('node2', '--off', '--cib', cibFile, '--node', 'node1', '--history', history, '--record');
    expect(r.out).toBe('off of node2 successful (devices: good, delegate: node1)\n');
    expect(r.rc).toBe(0);
    expect(r.err).toContain('off node2 with broken: broken (fence_dummy) off node2 failed after 1 attempt: rc 1');
    expect(readFileSync(status, 'utf8')).toBe('off');
    const node2 = importCib(readFileSync(cibFile, 'utf8')).status.find((s) => s.uname === 'node2');
    expect(node2).toMatchObject({ attrs: { crmd: 'offline', in_ccm: 'false', expected: 'down' }, lrm: [] });

    const h = await run('history', 'node2', '--history', history);
    expect(h.out.replace(/completed=\S+/, 'completed=T')).toBe(
      'off of node2 successful: delegate=node1, devices=good, origin=node1, completed=T\n',
    );
  });

  test('every device failing is a failure with each reason, never a success; a hanging agent stops at the timeout', async () => {
    const cibFile = join(dir, 'cib-bad.xml');
    writeFileSync(
      cibFile,
      cibXml(
        device('nonesuch', { pcmk_host_check: 'none' }).replace('fence_dummy', 'fence_h16_nonesuch') +
          device('slow', { delay: '30', pcmk_host_check: 'none', pcmk_reboot_retries: '1' }),
      ),
    );
    const history = join(dir, 'history-bad.json');
    const started = Date.now();
    const r = await run('node2', '--cib', cibFile, '--node', 'node1', '--history', history, '--timeout', '2s');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.rc).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      'fencing node2 failed: fence agent fence_h16_nonesuch is not installed (no executable /usr/sbin/fence_h16_nonesuch) (on node1)',
    );
    expect(r.err).toContain('slow (fence_dummy) reboot node2 failed after 1 attempt: timed out after 2000 ms (on node1)');
    const h = JSON.parse(readFileSync(history, 'utf8')) as { state: string; reason: string }[];
    expect(h.map((e) => e.state)).toEqual(['failed']);
  });

  test('usage errors name the problem', async () => {
    await expect(run('node2')).rejects.toThrow('--cib FILE is required');
    await expect(run('node2', '--off', '--on', '--cib', 'x')).rejects.toThrow('choose one of --reboot, --off, --on (got --off --on)');
    await expect(run('node2', '--cib', join(dir, 'cib.xml'), '--timeout', 'soon')).rejects.toThrow('timeout "soon" is not a duration');
  });
});
