/**
 * autoset_utilization_cpu / autoset_utilization_hv_memory against Pacemaker's own crm_resource,
 * writing into a CIB file (CIB_file, as crm_resource supports for offline CIBs), with the
 * toolstack double reporting the guest's vCPUs and memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool, runAction } from '@ocfkit/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import Xen from '../agent';
import { sandbox, type XenSandbox } from './double';

const missing = requireTool(['crm_resource', 'cibadmin']);

let xen: XenSandbox | undefined;
let dir: string | undefined;
afterEach(() => {
  xen?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A CIB file from `cibadmin --empty` holding the primitive `rsc`. */
function cibFile(rsc: string): string {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-xen-util-'));
  const file = join(dir, 'cib.xml');
  const empty = spawnSync('cibadmin', ['--empty'], { encoding: 'utf8' });
  expect(empty.status).toBe(0);
  writeFileSync(file, empty.stdout);
  const add = spawnSync(
    'cibadmin',
    ['-C', '-o', 'resources', '-X', `<primitive id="${rsc}" class="ocf" provider="heartbeat" type="Xen"/>`],
    {
      encoding: 'utf8',
      env: { ...process.env, CIB_file: file },
    },
  );
  expect(add.stderr).toBe('');
  return file;
}

/** The resource's utilization in the CIB file, as crm_resource reads it. */
function utilization(file: string, rsc: string, attr: string): string {
  return spawnSync('crm_resource', ['-Q', '-r', rsc, '-z', '-g', attr], {
    encoding: 'utf8',
    env: { ...process.env, CIB_file: file },
  }).stdout.trim();
}

describe.skipIf(missing)('autoset_utilization_* with crm_resource', () => {
  for (const tool of ['xl', 'xm'] as const) {
    it(`${tool}: a monitor writes the guest's vCPUs and memory into cpu and hv_memory, and follows a change`, async () => {
      xen = sandbox(tool);
      const cib = cibFile('vm_util');
      const xmfile = xen.config('u1', 'name = "u1"\nmemory = 384\nvcpus = 3\n');
      const params = { xmfile, autoset_utilization_cpu: 'true', autoset_utilization_hv_memory: 'true' };
      const opts = { params, env: xen.env(undefined, { CIB_file: cib }), instance: 'vm_util' };
      expect((await runAction(Xen, 'start', { ...opts, timeoutMs: 30_000 })).rc).toBe(0);
      expect([utilization(cib, 'vm_util', 'cpu'), utilization(cib, 'vm_util', 'hv_memory')]).toEqual(['', '']);
      const first = await runAction(Xen, 'monitor', { ...opts, intervalMs: 10_000 });
      expect(first.rc).toBe(0);
      expect([utilization(cib, 'vm_util', 'cpu'), utilization(cib, 'vm_util', 'hv_memory')]).toEqual(['3', '384']);
      expect(xen.run(tool, ['mem-set', 'u1', tool === 'xl' ? '256m' : '256']).code).toBe(0);
      const epoch = /epoch="(\d+)"/.exec(readFileSync(cib, 'utf8'))?.[1];
      expect((await runAction(Xen, 'monitor', { ...opts, intervalMs: 10_000 })).rc).toBe(0);
      expect([utilization(cib, 'vm_util', 'cpu'), utilization(cib, 'vm_util', 'hv_memory')]).toEqual(['3', '256']);
      // Unchanged values are not written again: the CIB's epoch stays.
      const after = /epoch="(\d+)"/.exec(readFileSync(cib, 'utf8'))?.[1];
      expect((await runAction(Xen, 'monitor', { ...opts, intervalMs: 10_000 })).rc).toBe(0);
      expect(/epoch="(\d+)"/.exec(readFileSync(cib, 'utf8'))?.[1]).toBe(after);
      expect(after).not.toBe(epoch);
    });
  }

  it('off by default; without a reachable CIB the monitor still succeeds', async () => {
    xen = sandbox('xl');
    const cib = cibFile('vm_off');
    const xmfile = xen.config('u2', 'name = "u2"\nmemory = 128\nvcpus = 2\n');
    const env = xen.env(undefined, { CIB_file: cib });
    expect((await runAction(Xen, 'start', { params: { xmfile }, env, instance: 'vm_off', timeoutMs: 30_000 })).rc).toBe(0);
    expect((await runAction(Xen, 'monitor', { params: { xmfile }, env, instance: 'vm_off', intervalMs: 10_000 })).rc).toBe(0);
    expect(utilization(cib, 'vm_off', 'cpu')).toBe('');
    // No CIB_file and no cluster: crm_resource cannot connect; the monitor is not affected.
    const params = { xmfile, autoset_utilization_cpu: 'true' };
    const noCib = await runAction(Xen, 'monitor', { params, env: xen.env(), instance: 'vm_off', intervalMs: 10_000 });
    expect(noCib.rc).toBe(0);
  });
});
