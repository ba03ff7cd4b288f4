import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metaData } from '@ocfkit/sdk';
import { runAction } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import diskcheck from './agent';

const dir = mkdtempSync(join(tmpdir(), 'diskcheck-agent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { HA_RSCTMP: join(dir, 'rsctmp') };

describe('diskcheck parameters and validation', () => {
  it.each([
    [{}, 'set one of device and write_dir'],
    [{ device: '/dev/sda', write_dir: '/var' }, 'device (/dev/sda) and write_dir (/var) exclude each other'],
  ])('validate-all with %j → 6: %s', async (params, reason) => {
    const r = await runAction(diskcheck, 'validate-all', { params, env });
    expect([r.rc, r.exitReason]).toEqual([6, reason]);
  });

  it.each([
    [{ device: 'sda' }, /parameter "device" must match the pattern \^\/, got "sda"/],
    [{ device: '/dev/sda', interval: '0' }, /parameter "interval"/],
    [{ device: '/dev/sda', retries: '11' }, /parameter "retries"/],
    [{ device: '/dev/sda', name: 'bad name' }, /parameter "name"/],
  ])('rejects %j with 6 naming the parameter', async (params, reason) => {
    const r = await runAction(diskcheck, 'start', { params, env });
    expect(r.rc).toBe(6);
    expect(r.exitReason).toMatch(reason);
  });

  it('a probe of an invalid or stopped configuration is 7; stop of it is 0', async () => {
    expect((await runAction(diskcheck, 'monitor', { params: {}, env })).rc).toBe(7);
    expect((await runAction(diskcheck, 'monitor', { params: { device: '/dev/sda' }, env })).rc).toBe(7);
    expect((await runAction(diskcheck, 'stop', { params: { device: '/dev/sda', write_dir: '/x' }, env })).rc).toBe(0);
  });

  it('advertises diskd-compatible parameter names and defaults', () => {
    const md = metaData(diskcheck);
    for (const p of ['device', 'write_dir', 'name', 'interval', 'timeout', 'retries', 'dampen', 'oneshot', 'pidfile']) {
      expect(md).toContain(`<parameter name="${p}"`);
    }
    expect(md).toContain('<content type="string" default="diskcheck_status"/>');
  });
});
