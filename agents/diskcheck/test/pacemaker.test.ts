/**
 * diskcheck and the SDK's Pacemaker attribute backend against a real Pacemaker 2.1 node
 * (pacemaker-attrd, -controld, -execd, -schedulerd) running in private namespaces on this host,
 * on a failing loop device: the attribute through attrd_updater, its dampening into the CIB, and
 * the seed's location rule moving a group off the node when the disk fails.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Exec, type ExecResult, pacemakerAttributes, parseAttrdQuery } from '@ocfkit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, cleanEnv, ROOT, runAsync, tempDir, waitForValue } from './helpers';
import { type PacemakerNode, pacemakerNode, pacemakerNodeMissing } from './pacemaker-node';

const missing = faultyDiskMissing() ?? pacemakerNodeMissing();
const LIMIT_MS = 1000 + 1000 + 4000;

describe.skipIf(missing)('diskcheck with a real Pacemaker node', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let node: PacemakerNode;
  const provider = `ocfkitpm${process.pid}`;

  /** ctx.exec's contract, run inside the node (argv-safe, through nsenter). */
  const exec: Exec = async (file, args = [], o = {}) => {
    const started = Date.now();
    const r = await node.run(file, args);
    const ok = r.status !== null && (o.okCodes ?? [0]).includes(r.status);
    const result: ExecResult = {
      command: [file, ...args],
      exitCode: r.status,
      signal: null,
      stdout: r.stdout,
      stderr: r.stderr,
      durationMs: Date.now() - started,
      timedOut: false,
      ok,
    };
    if (!ok && o.check !== false) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
    return result;
  };
  const query = async (name: string) => parseAttrdQuery((await node.run('attrd_updater', ['-n', name, '-Q'])).stdout);
  const inCib = async (name: string) => {
    const r = await node.run('crm_attribute', ['-N', 'node1', '-n', name, '-l', 'reboot', '-G', '-q']);
    return r.status === 0 ? r.stdout.trim() : undefined;
  };

  beforeAll(async () => {
    dir = tempDir('diskcheck-pcmk-');
    agent = await buildDiskcheck(join(dir, 'dist'), provider);
    const installed = await runAsync(
      process.execPath,
      [join(ROOT, 'conformance/bin/ocfkit.js'), 'install', '--from', join(dir, 'dist'), '--destdir', '/', '--provider', provider],
      cleanEnv(),
    );
    expect(installed.status).toBe(0);
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'));
    node = await pacemakerNode(join(dir, 'node'));
  }, 120_000);
  afterAll(async () => {
    disk?.mode('ok');
    await node?.close();
    await disk?.close();
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the SDK port: attrd_updater sees a value at once, the CIB only after the dampening; delete; promotion scores', async () => {
    const attrs = pacemakerAttributes(exec);
    await attrs.set('port_test', 'normal', { dampenMs: 2000 });
    expect(await attrs.get('port_test')).toBe('normal');
    expect(await inCib('port_test')).toBeUndefined();
    await waitForValue(() => inCib('port_test'), 'normal', 10_000);
    await attrs.delete('port_test');
    expect(await attrs.get('port_test')).toBeUndefined();
    expect(await attrs.get('never_set')).toBeUndefined();
    await attrs.setPromotionScore('pgsql:0', 100);
    expect(await attrs.getPromotionScore('pgsql')).toBe(100);
    await attrs.deletePromotionScore('pgsql');
    expect(await attrs.getPromotionScore('pgsql')).toBeUndefined();
  });

  it('the agent writes through attrd_updater: normal, ERROR on EIO, normal after repair, gone after stop', async () => {
    const env = cleanEnv({
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RESOURCE_INSTANCE: 'pdisk',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_RESKEY_device: disk.device,
      OCF_RESKEY_name: 'direct_status',
      OCF_RESKEY_interval: '1s',
      OCF_RESKEY_timeout: '1s',
      OCF_RESKEY_retries: '0',
    });
    const action = (a: string) => node.run(agent, [a], env);
    expect((await action('start')).status).toBe(0);
    expect(await query('direct_status')).toBe('normal');
    disk.mode('eio');
    await waitForValue(() => query('direct_status'), 'ERROR', LIMIT_MS);
    disk.mode('ok');
    await waitForValue(() => query('direct_status'), 'normal', LIMIT_MS);
    expect((await action('stop')).status).toBe(0);
    expect(await query('direct_status')).toBeUndefined();
  });

  it("as a clone run by Pacemaker, the seed's rule keeps grp_pgsql off the node while the disk fails", async () => {
    const clone = `<clone id="diskcheck-clone"><primitive id="diskcheck" class="ocf" provider="${provider}" type="diskcheck">
      <instance_attributes id="diskcheck-ia"><nvpair id="diskcheck-device" name="device" value="${disk.device}"/>
      <nvpair id="diskcheck-interval" name="interval" value="1s"/><nvpair id="diskcheck-timeout" name="timeout" value="1s"/>
      <nvpair id="diskcheck-retries" name="retries" value="0"/></instance_attributes>
      <operations><op id="diskcheck-monitor" name="monitor" interval="10s" timeout="60s"/></operations></primitive></clone>`;
    const group = `<group id="grp_pgsql"><primitive id="pgsql" class="ocf" provider="pacemaker" type="Dummy">
      <operations><op id="pgsql-monitor" name="monitor" interval="10s" timeout="20s"/></operations></primitive></group>`;
    const rule = `<rsc_location id="rsc_location-grp_pgsql-1" rsc="grp_pgsql"><rule id="loc-rule" score="-INFINITY" boolean-op="or">
      <expression id="loc-e1" attribute="diskcheck_status" operation="not_defined"/>
      <expression id="loc-e2" attribute="diskcheck_status" operation="eq" value="ERROR"/></rule></rsc_location>`;
    expect((await node.run('cibadmin', ['-C', '-o', 'resources', '-X', clone])).status).toBe(0);
    expect((await node.run('cibadmin', ['-C', '-o', 'resources', '-X', group])).status).toBe(0);
    expect((await node.run('cibadmin', ['-C', '-o', 'constraints', '-X', rule])).status).toBe(0);
    // crm_resource -W prints "running on" to stdout and "NOT running" to stderr.
    const where = async () => {
      const r = await node.run('crm_resource', ['-r', 'pgsql', '-W']);
      return `${r.stdout}${r.stderr}`.trim();
    };
    await waitForValue(where, 'resource pgsql is running on: node1', 60_000);
    expect(await inCib('diskcheck_status')).toBe('normal');
    disk.mode('eio');
    await waitForValue(where, 'resource pgsql is NOT running', 30_000);
    expect(await inCib('diskcheck_status')).toBe('ERROR');
    disk.mode('ok');
    await waitForValue(where, 'resource pgsql is running on: node1', 30_000);
    expect(await inCib('diskcheck_status')).toBe('normal');
    const mon = (await node.run('crm_mon', ['-1', '-r'])).stdout;
    expect(mon).not.toMatch(/Failed Resource Actions/);
  });
});
