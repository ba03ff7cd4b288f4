/**
 * diskcheck through Pacemaker's attrd (attrd_updater) on a failing loop device. Needs a running
 * cluster on this host (pacemaker-attrd); without one it skips with the reason printed — it is
 * meant for a node of the Docker rig (docs/pacemaker-rig.md).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAttrdQuery } from '@ocfkit/sdk';
import { requireTool, runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, tempDir, waitForValue } from './helpers';

const noCluster =
  faultyDiskMissing() ??
  requireTool(['attrd_updater'], () =>
    spawnSync('attrd_updater', ['-n', 'ocfkit_probe', '-Q']).status === 102
      ? 'no Pacemaker cluster runs here (attrd_updater cannot connect); checked on the Docker rig'
      : undefined,
  );
const LIMIT_MS = 1000 + 1000 + 4000;

describe.skipIf(noCluster)('diskcheck through Pacemaker attrd on a failing loop device', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let params: Record<string, string>;
  const name = `diskcheck_test_${process.pid}`;
  const value = () => parseAttrdQuery(spawnSync('attrd_updater', ['-n', name, '-Q'], { encoding: 'utf8' }).stdout);
  const action = (a: string) => runExecutable(agent, a, { params, env: { HA_RSCTMP: join(dir, 'rsctmp') }, instance: 'pdisk' });

  beforeAll(async () => {
    dir = tempDir('diskcheck-pcmk-');
    agent = await buildDiskcheck(join(dir, 'dist'));
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'));
    params = { device: disk.device, name, interval: '1s', timeout: '1s', retries: '0' };
  });
  afterAll(async () => {
    if (agent) await action('stop').catch(() => undefined);
    await disk?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets normal, ERROR on EIO, normal after repair, and removes it on stop', async () => {
    expect(await action('start')).toMatchObject({ rc: 0 });
    expect(value()).toBe('normal');
    disk.mode('eio');
    await waitForValue(value, 'ERROR', LIMIT_MS);
    disk.mode('ok');
    await waitForValue(value, 'normal', LIMIT_MS);
    expect(await action('stop')).toMatchObject({ rc: 0 });
    expect(value()).toBeUndefined();
  });
});
