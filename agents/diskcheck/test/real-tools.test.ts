/**
 * diskcheck under the real tools users meet: ocf-tester (daemon and oneshot mode), xmllint with
 * the meta-data grammars, and Pacemaker's crm_resource --force-*, with the bundled attrd
 * receiving the attribute (OCFKIT_ATTRD_SOCKET passes through both tools' environments).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { validateGrammar } from '@ocfkit/conformance';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKER_MARK } from '../checker';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from './faulty-disk';
import { buildDiskcheck, cleanEnv, processes, ROOT, runAsync, tempDir } from './helpers';

const missing = faultyDiskMissing() ?? requireTool(['ocf-tester', 'xmllint', 'crm_resource']);

describe.skipIf(missing)('diskcheck with real tools', () => {
  let dir: string;
  let agent: string;
  let disk: FaultyDisk;
  let attrd: Attrd;
  const provider = `ocfkitdc${process.pid}`;
  const env = () => cleanEnv({ OCFKIT_ATTRD_SOCKET: attrd.socket, HA_RSCTMP: join(dir, 'rsctmp') });

  beforeAll(async () => {
    dir = tempDir('diskcheck-tools-');
    chmodSync(dir, 0o755); // ocf-tester runs meta-data as nobody
    agent = await buildDiskcheck(join(dir, 'dist'), provider);
    disk = await faultyDisk(compileFaultyfs(dir), join(dir, 'disk'));
    attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'conformance/bin/ocfkit.js'), 'install', '--from', join(dir, 'dist'), '--destdir', '/', '--provider', provider],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
  });
  afterAll(async () => {
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    for (const p of processes(CHECKER_MARK, join(dir, 'rsctmp'))) process.kill(-p.pid, 'SIGKILL');
    await disk?.close();
    await attrd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['daemon mode', ['-o', 'interval=1s', '-o', 'timeout=1s']],
    ['oneshot mode', ['-o', 'oneshot=true', '-o', 'timeout=1s']],
  ])('passes ocf-tester in %s and leaves no checker or attribute behind', async (_mode, extra) => {
    const r = await runAsync('ocf-tester', ['-n', 'disk', '-o', `device=${disk.device}`, ...extra, agent], env());
    expect(r.stderr).not.toContain('Tests failed');
    expect(r.stdout).toContain(`${agent} passed all tests`);
    expect(r.status).toBe(0);
    expect(processes(CHECKER_MARK, join(dir, 'rsctmp'))).toEqual([]);
    expect(attrd.list()).toEqual([]);
  });

  it.each(['dtd', 'ra-rng', 'ocf-1.1-rng'] as const)('meta-data validates against the %s grammar', (grammar) => {
    const md = spawnSync(agent, ['meta-data'], { encoding: 'utf8', env: cleanEnv() });
    expect(md.status).toBe(0);
    expect(validateGrammar(md.stdout, grammar)).toEqual({ valid: true });
  });

  it('runs under crm_resource --force-start/--force-check/--force-stop, the attribute following', async () => {
    const base = [
      '--class',
      'ocf',
      '--provider',
      provider,
      '--agent',
      'diskcheck',
      '--option',
      `device=${disk.device}`,
      '--option',
      'interval=1s',
    ];
    const steps: Array<[string, number, string | null]> = [];
    for (const op of ['--validate', '--force-check', '--force-start', '--force-check', '--force-stop', '--force-check']) {
      const r = await runAsync('crm_resource', [op, ...base], env());
      steps.push([op, r.status ?? -1, attrd.get('diskcheck_status', attrd.node)?.committed ?? null]);
    }
    expect(steps).toEqual([
      ['--validate', 0, null],
      ['--force-check', 7, null],
      ['--force-start', 0, 'normal'],
      ['--force-check', 0, 'normal'],
      ['--force-stop', 0, null],
      ['--force-check', 7, null],
    ]);
  });

  it('rejects device together with write_dir with 6 and a reason, through crm_resource', () => {
    const r = spawnSync(
      'crm_resource',
      [
        '--validate',
        '--class',
        'ocf',
        '--provider',
        provider,
        '--agent',
        'diskcheck',
        '--option',
        'device=/dev/sda',
        '--option',
        'write_dir=/var',
      ],
      { encoding: 'utf8', env: env() },
    );
    expect(r.status).toBe(6);
    expect(`${r.stdout}${r.stderr}`).toContain('device (/dev/sda) and write_dir (/var) exclude each other');
  });
});
