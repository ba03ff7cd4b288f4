/**
 * Dummy under the real tools users meet: ocf-tester, xmllint with the three meta-data grammars,
 * and Pacemaker's crm_resource (after `ocfkit install` into /usr/lib/ocf).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { validateGrammar } from '@ocfkit/conformance';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDummy, ocfkit, run } from './helpers';

const missing = requireTool(['ocf-tester', 'xmllint', 'crm_resource'], () =>
  process.getuid?.() === 0 ? undefined : 'ocf-tester and crm_resource tests need root',
);

describe.skipIf(missing)('Dummy with real tools', () => {
  let dir: string;
  let agent: string;
  const provider = `ocfkittest${process.pid}`;
  const installed = `/usr/lib/ocf/resource.d/${provider}/Dummy`;

  beforeAll(async () => {
    dir = openTempDir('ocfkit-dummy-');
    agent = await buildDummy(join(dir, 'dist'), provider);
    const r = ocfkit(['install', '--from', join(dir, 'dist'), '--destdir', '/', '--provider', provider]);
    expect(r.stderr).toContain(`installed ${installed}`);
    expect(r.status).toBe(0);
  });
  afterAll(() => {
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes ocf-tester as installed', () => {
    const state = join(dir, 'ocf-tester.state');
    const r = run('ocf-tester', ['-n', 'dummy1', '-o', `state=${state}`, installed]);
    expect(r.stdout).toContain(`${installed} passed all tests`);
    expect(r.stderr).not.toContain('Tests failed');
    expect(r.status).toBe(0);
    // ocf-tester ends with migrate_to then migrate_from, which leaves the resource running here.
    expect(readFileSync(state, 'utf8')).toBe('dummy\n');
  });

  it.each(['dtd', 'ra-rng', 'ocf-1.1-rng'] as const)('meta-data validates against the %s grammar', (grammar) => {
    const md = run(agent, ['meta-data']);
    expect(md.status).toBe(0);
    expect(validateGrammar(md.stdout, grammar)).toEqual({ valid: true });
  });

  it('runs under crm_resource --validate/--force-start/--force-check/--force-stop', () => {
    const state = join(dir, 'crm.state');
    const base = ['--class', 'ocf', '--provider', provider, '--agent', 'Dummy', '--option', `state=${state}`];
    const steps: Array<[string, number, boolean]> = [];
    for (const op of ['--validate', '--force-check', '--force-start', '--force-check', '--force-stop', '--force-check']) {
      const r = run('crm_resource', [op, ...base]);
      steps.push([op, r.status ?? -1, existsSync(state)]);
    }
    // crm_resource exits with the agent's rc (7 = not running for a check of a stopped resource).
    expect(steps).toEqual([
      ['--validate', 0, false],
      ['--force-check', 7, false],
      ['--force-start', 0, true],
      ['--force-check', 0, true],
      ['--force-stop', 0, false],
      ['--force-check', 7, false],
    ]);
  });

  it('rejects a bad parameter with 6 and a reason naming it, through crm_resource', () => {
    const r = run('crm_resource', [
      '--validate',
      '--class',
      'ocf',
      '--provider',
      provider,
      '--agent',
      'Dummy',
      '--option',
      'state=not/absolute',
    ]);
    expect(r.status).toBe(6);
    expect(`${r.stdout}${r.stderr}`).toContain('parameter "state" must match the pattern ^/, got "not/absolute"');
  });
});

describe.skipIf(missing)('ocfkit new', () => {
  it('scaffolds an agent that builds and passes ocf-tester as generated', () => {
    const dir = openTempDir('ocfkit-new-');
    try {
      const created = ocfkit(['new', '--dir', dir, 'Widget']);
      expect(created.status).toBe(0);
      expect(existsSync(join(dir, 'Widget/agent.ts'))).toBe(true);
      const built = ocfkit(['build', '--out', join(dir, 'dist'), '--provider', 'acme', join(dir, 'Widget')]);
      expect(built.stderr).toContain('Widget');
      expect(built.status).toBe(0);
      const exe = join(dir, 'dist/ocf/resource.d/acme/Widget');
      const r = run('ocf-tester', ['-n', 'w1', '-o', `state=${join(dir, 'w.state')}`, exe]);
      expect(r.stdout).toContain('passed all tests');
      expect(r.status).toBe(0);
      const again = ocfkit(['new', '--dir', dir, 'Widget']);
      expect([again.status, again.stderr]).toEqual([1, `ocfkit new: ${join(dir, 'Widget/agent.ts')} already exists; not overwriting it\n`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
