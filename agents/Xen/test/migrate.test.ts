import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAttrd } from '@ocfkit/engine';
import { requireTool, runAction } from '@ocfkit/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import Xen from '../agent';
import { sandbox, type XenSandbox } from './double';

let xen: XenSandbox | undefined;
afterEach(() => xen?.cleanup());

function migrateEnv(source: string, target: string) {
  return { OCF_RESKEY_CRM_meta_migrate_source: source, OCF_RESKEY_CRM_meta_migrate_target: target };
}

describe('live migration between two hosts', () => {
  for (const tool of ['xl', 'xm'] as const) {
    it(`${tool}: migrate_to, migrate_from, stop on the source`, async () => {
      xen = sandbox(tool, ['node1', 'node2'], { XEN_DOUBLE_MIGRATE_MS: '3000' });
      const xmfile = xen.config('mig', 'name = "mig1"\nmemory = 256\n');
      const on = (node: string, extra: Record<string, string> = {}) => ({
        params: { xmfile },
        env: xen!.env(node, extra),
        timeoutMs: 30_000,
      });
      expect((await runAction(Xen, 'start', on('node1'))).rc).toBe(0);
      const during = runAction(Xen, 'migrate_to', on('node1', migrateEnv('node1', 'node2')));
      // While memory is copied the target holds a paused "--incoming" domain and the source still runs.
      let settled = false;
      void during.finally(() => {
        settled = true;
      });
      let target: Record<string, string> = {};
      while (!settled && !target['mig1--incoming']) {
        await new Promise((r) => setTimeout(r, 100));
        target = xen.domains('node2');
      }
      expect(target).toEqual({ 'mig1--incoming': '--p---' });
      expect(Object.keys(xen.domains('node1'))).toEqual(['mig1']);
      expect((await during).rc).toBe(0);
      expect((await runAction(Xen, 'monitor', { ...on('node1'), intervalMs: 0 })).rc).toBe(7);
      expect(xen.domains('node1')).toEqual({});
      expect((await runAction(Xen, 'migrate_from', on('node2', migrateEnv('node1', 'node2')))).rc).toBe(0);
      expect((await runAction(Xen, 'stop', on('node1'))).rc).toBe(0);
      expect((await runAction(Xen, 'monitor', { ...on('node2'), intervalMs: 10_000 })).rc).toBe(0);
      expect(Object.keys(xen.domains('node2'))).toEqual(['mig1']);
    });
  }

  it('migrate_to a node the toolstack cannot reach → 1 with the reason; the guest keeps running', async () => {
    xen = sandbox('xl', ['node1']);
    const opts = {
      params: { xmfile: xen.config('m', 'name = "m2"\nmemory = 128\n') },
      env: xen.env('node1', migrateEnv('node1', 'node9')),
    };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    const r = await runAction(Xen, 'migrate_to', opts);
    expect(r.rc).toBe(1);
    expect(r.exitReason).toContain('migrate m2 node9');
    expect(Object.keys(xen.domains('node1'))).toEqual(['m2']);
  });

  it('migrate_to a guest that is not running here → 1', async () => {
    xen = sandbox('xl', ['node1', 'node2']);
    const r = await runAction(Xen, 'migrate_to', {
      params: { xmfile: xen.config('m', 'name = "m3"\n') },
      env: xen.env('node1', migrateEnv('node1', 'node2')),
    });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toContain('not active locally');
  });

  it('migrate_from times out (1) when the domain never arrives', async () => {
    xen = sandbox('xl', ['node1', 'node2']);
    const r = await runAction(Xen, 'migrate_from', {
      params: { xmfile: xen.config('m', 'name = "m4"\n') },
      env: xen.env('node2', migrateEnv('node1', 'node2')),
      timeoutMs: 3000,
    });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toContain('did not complete');
  });

  const missing = requireTool(['crm_attribute']);
  it.skipIf(missing)('node_ip_attribute: the address comes from the target node attribute (crm_attribute on a CIB file)', async () => {
    xen = sandbox('xl', ['node1', 'node2']);
    // The migration network address of node2 is an alias of the node2 host in the double.
    symlinkSync(join(xen.root, 'hosts', 'node2'), join(xen.root, 'hosts', '10.9.9.2'));
    const cib = join(xen.root, 'cib.xml');
    writeFileSync(
      cib,
      `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"><instance_attributes id="nodes-2"><nvpair id="nodes-2-xen_ip" name="xen_ip" value="10.9.9.2"/></instance_attributes></node>
    </nodes>
    <resources/><constraints/>
  </configuration>
  <status/>
</cib>
`,
    );
    const xmfile = xen.config('a', 'name = "a1"\nmemory = 128\n');
    const env = xen.env('node1', { ...migrateEnv('node1', 'node2'), CIB_file: cib });
    expect((await runAction(Xen, 'start', { params: { xmfile }, env })).rc).toBe(0);
    const r = await runAction(Xen, 'migrate_to', { params: { xmfile, node_ip_attribute: 'xen_ip' }, env, timeoutMs: 30_000 });
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('to node2 (10.9.9.2)');
    expect(Object.keys(xen.domains('node2'))).toEqual(['a1']);
    // An unset attribute falls back to the node name.
    const back = await runAction(Xen, 'migrate_to', {
      params: { xmfile, node_ip_attribute: 'no_such_attr' },
      env: xen.env('node2', { ...migrateEnv('node2', 'node1'), CIB_file: cib }),
      timeoutMs: 30_000,
    });
    expect(back.rc).toBe(0);
    expect(back.stderr).toContain('cannot read node attribute no_such_attr of node1');
    expect(Object.keys(xen.domains('node1'))).toEqual(['a1']);
  });

  it('node_ip_attribute under the bundled engine: read from its attrd through the SDK port', async () => {
    xen = sandbox('xl', ['node1', 'node2']);
    symlinkSync(join(xen.root, 'hosts', 'node2'), join(xen.root, 'hosts', '10.7.7.2'));
    const attrd = await startAttrd({ socket: join(xen.root, 'attrd', 'attrd.sock'), node: 'node1' });
    try {
      attrd.update('xen_ip', '10.7.7.2', { node: 'node2' });
      const xmfile = xen.config('e', 'name = "e1"\nmemory = 128\n');
      const env = xen.env('node1', { ...migrateEnv('node1', 'node2'), OCFKIT_ATTRD_SOCKET: attrd.socket });
      expect((await runAction(Xen, 'start', { params: { xmfile }, env })).rc).toBe(0);
      const r = await runAction(Xen, 'migrate_to', { params: { xmfile, node_ip_attribute: 'xen_ip' }, env, timeoutMs: 30_000 });
      expect(r.rc).toBe(0);
      expect(r.stderr).toContain('to node2 (10.7.7.2)');
      expect(Object.keys(xen.domains('node2'))).toEqual(['e1']);
    } finally {
      await attrd.close();
    }
  });
});
