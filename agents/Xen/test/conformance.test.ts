/**
 * The built Xen agent passes the conformance suite (`ocfkit conformance`, as users run it) with
 * the toolstack double first on PATH: the executor hands its own environment to the agent.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'conformance/bin/ocfkit.js');
const missing = requireTool(['xmllint'], () =>
  existsSync(join(ROOT, 'conformance/dist/cli.js')) && existsSync(join(ROOT, 'engine/dist/index.js'))
    ? undefined
    : 'the conformance CLI is not built (npm run build)',
);

describe.skipIf(missing)('Xen under the conformance suite, against the toolstack double', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-xen-conf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every error-level rule (profile execd)', { timeout: 400_000 }, async () => {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'hosts'), { recursive: true });
    const agent = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider: 'ocfkit' })).output;
    const cfg = (name: string) => {
      const file = join(dir, `${name}.cfg`);
      writeFileSync(file, `name = "${name}"\nmemory = 128\n`, { mode: 0o644 });
      return file;
    };
    // agents/Xen/conformance.json with its /etc/xen configs swapped for temporary ones.
    const conf = JSON.parse(readFileSync(resolve(import.meta.dirname, '../conformance.json'), 'utf8'));
    conf.params.xmfile = cfg('conf-a');
    conf.second.xmfile = cfg('conf-b');
    delete conf.requires; // the double provides xl
    const params = join(dir, 'params.json');
    writeFileSync(params, JSON.stringify(conf));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) env[k] = v;
    delete env.NODE_EXTRA_CA_CERTS;
    Object.assign(env, {
      PATH: `${resolve(import.meta.dirname, 'double')}:${env.PATH ?? '/usr/bin:/bin'}`,
      XEN_DOUBLE_DIR: dir,
      XEN_DOUBLE_SHUTDOWN_MS: '500',
    });
    const r = spawnSync(process.execPath, [CLI, 'conformance', agent, '--params', params, '--json'], {
      env,
      encoding: 'utf8',
      timeout: 380_000,
    });
    const json = JSON.parse(r.stdout) as {
      ok: boolean;
      agents: Array<{
        counts: { failed: number; passed: number };
        results: Array<{ id: string; status: string; findings: Array<{ message: string }> }>;
      }>;
    };
    expect(json.agents).toHaveLength(1);
    const report = json.agents[0]!;
    const failed = report.results
      .filter((x) => x.status === 'failed')
      .map((x) => `${x.id}: ${x.findings.map((f) => f.message).join('; ')}`);
    expect(failed).toEqual([]);
    expect(report.counts.failed).toBe(0);
    const passed = report.results.filter((x) => x.status === 'passed').map((x) => x.id);
    for (const rule of ['lifecycle.stop', 'migrate.cycle', 'robust.two-instances', 'validate.invalid-value', 'probe.binaries-hidden']) {
      expect(passed).toContain(rule);
    }
    expect(json.ok).toBe(true);
    expect(r.status).toBe(0);
  });
});
