/**
 * The built Xen agent under the real tools users meet — ocf-tester, xmllint with the three
 * meta-data grammars, Pacemaker's crm_resource — with the toolstack double first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateGrammar } from '@ocfkit/conformance';
import { buildAgent } from '@ocfkit/sdk/build';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListTable } from '../xl-list';

const HERE = import.meta.dirname;
const missing = requireTool(['ocf-tester', 'xmllint', 'crm_resource'], () =>
  process.getuid?.() === 0 ? undefined : 'ocf-tester and crm_resource tests need root',
);

describe.skipIf(missing)('Xen (built) with real tools against the toolstack double', () => {
  let dir: string;
  let agent: string;
  const provider = `ocfkitxen${process.pid}`;
  const installed = `/usr/lib/ocf/resource.d/${provider}/Xen`;

  /** The environment of the tools: the double on PATH, no OCF variables from the runner. */
  const env = (extra: Record<string, string> = {}) => {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) base[k] = v;
    delete base.NODE_EXTRA_CA_CERTS;
    return {
      ...base,
      PATH: `${join(dir, 'bin')}:${base.PATH ?? '/usr/bin:/bin'}`,
      XEN_DOUBLE_DIR: dir,
      XEN_DOUBLE_SHUTDOWN_MS: '500',
      ...extra,
    };
  };
  const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
    spawnSync(cmd, args, { encoding: 'utf8', env: env(extra), timeout: 240_000 });
  const domains = () =>
    parseListTable(run('xl', ['list']).stdout)
      .filter((r) => r.id !== 0)
      .map((r) => r.name);
  const config = (name: string) => {
    const file = join(dir, `${name}.cfg`);
    writeFileSync(file, `name = "${name}"\nmemory = 128\n`, { mode: 0o644 });
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-xen-real-'));
    chmodSync(dir, 0o755); // ocf-tester runs meta-data as nobody
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'hosts', 'localhost'), { recursive: true });
    symlinkSync(resolve(HERE, 'double/xl'), join(dir, 'bin', 'xl'));
    agent = (await buildAgent(resolve(HERE, '../agent.ts'), { out: join(dir, 'dist'), provider })).output;
    mkdirSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true });
    writeFileSync(installed, spawnSync('cat', [agent], { encoding: 'utf8' }).stdout, { mode: 0o755 });
  });
  afterAll(() => {
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes ocf-tester', { timeout: 240_000 }, () => {
    const r = run('ocf-tester', ['-n', 'ot1', '-o', `xmfile=${config('ot1')}`, installed]);
    expect(r.stdout).toContain(`${installed} passed all tests`);
    expect(r.stderr).not.toContain('Tests failed');
    expect(r.status).toBe(0);
    expect(domains()).toEqual([]);
  });

  it.each(['dtd', 'ra-rng', 'ocf-1.1-rng'] as const)('meta-data validates against the %s grammar', (grammar) => {
    const md = run(agent, ['meta-data']);
    expect(md.status).toBe(0);
    expect(validateGrammar(md.stdout, grammar)).toEqual({ valid: true });
  });

  it('keeps the heartbeat parameter names: every parameter of the installed ocf:heartbeat:Xen', () => {
    const names = (xml: string) => [...xml.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1] ?? '');
    const ours = names(run(agent, ['meta-data']).stdout);
    const theirs = names(run('/usr/lib/ocf/resource.d/heartbeat/Xen', ['meta-data'], { OCF_ROOT: '/usr/lib/ocf' }).stdout);
    expect(theirs).toContain('autoset_utilization_hv_memory');
    expect([...ours].sort()).toEqual([...theirs].sort());
  });

  it('runs under crm_resource --force-check/--force-start/--force-stop', { timeout: 120_000 }, () => {
    const base = ['--class', 'ocf', '--provider', provider, '--agent', 'Xen', '--option', `xmfile=${config('crm1')}`];
    const steps: Array<[string, number, string[]]> = [];
    for (const op of ['--validate', '--force-check', '--force-start', '--force-check', '--force-stop', '--force-check']) {
      const r = run('crm_resource', [op, ...base]);
      steps.push([op, r.status ?? -1, domains()]);
    }
    expect(steps).toEqual([
      ['--validate', 0, []],
      ['--force-check', 7, []],
      ['--force-start', 0, ['crm1']],
      ['--force-check', 0, ['crm1']],
      ['--force-stop', 0, []],
      ['--force-check', 7, []],
    ]);
  });
});
