import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCopy, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../src/cli/index';

// A copy every user can reach: meta-data runs as nobody, and the checkout may be mode 0700.
const MUTANTS = openCopy(join(import.meta.dirname, 'mutants'));
const work = mkdtempSync(join(tmpdir(), 'ocfkit-cli-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const code = await (commands.conformance as NonNullable<typeof commands.conformance>).run(argv, {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
    });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/** The conformance.json placeholder for the per-run directory. */
const TMP = '$' + '{TMP}';

/** An agents/ tree like the repo's: dist/ocf/resource.d/ocfkit/<Name> plus <Name>/conformance.json. */
function agentsTree(): string {
  const root = join(work, 'agents');
  const dist = join(root, 'dist', 'ocf', 'resource.d', 'ocfkit');
  mkdirSync(dist, { recursive: true });
  cpSync(join(MUTANTS, 'lib'), join(dist, 'lib'), { recursive: true });
  cpSync(join(MUTANTS, 'good.sh'), join(dist, 'Good'));
  cpSync(join(MUTANTS, 'good.sh'), join(dist, 'NeedsTool'));
  mkdirSync(join(root, 'Good'));
  mkdirSync(join(root, 'NeedsTool'));
  writeFileSync(
    join(root, 'Good', 'conformance.json'),
    JSON.stringify({ params: { state: `${TMP}/good.state` }, invalid: { count: 'x' } }),
  );
  writeFileSync(
    join(root, 'NeedsTool', 'conformance.json'),
    JSON.stringify({ params: { state: `${TMP}/n.state` }, requires: { commands: ['ocfkit-no-such-tool'] } }),
  );
  return root;
}

/** A tree with one agent whose state directory only its setup creates, and one whose setup fails. */
function setupTree(): { root: string; mark: string } {
  const root = join(work, 'agents-setup');
  const dist = join(root, 'dist', 'ocf', 'resource.d', 'ocfkit');
  mkdirSync(dist, { recursive: true });
  cpSync(join(MUTANTS, 'lib'), join(dist, 'lib'), { recursive: true });
  const mark = join(work, 'teardown-ran');
  for (const [name, setup] of [
    ['WithSetup', 'mkdir "$CONFORMANCE_TMP/made-by-setup"'],
    ['BadSetup', 'echo "no database here" >&2; exit 3'],
  ] as const) {
    cpSync(join(MUTANTS, 'good.sh'), join(dist, name));
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'setup.sh'), `#!/bin/sh\n${setup}\n`, { mode: 0o755 });
    writeFileSync(join(root, name, 'teardown.sh'), `#!/bin/sh\necho ${name} >>'${mark}'\n`, { mode: 0o755 });
    const cfg = { params: { state: `${TMP}/made-by-setup/a.state` }, setup: ['./setup.sh'], teardown: ['./teardown.sh'] };
    writeFileSync(join(root, name, 'conformance.json'), JSON.stringify(cfg));
  }
  return { root, mark };
}

const missing = requireTool(['xmllint', 'setpriv'], () => (process.getuid?.() === 0 ? undefined : 'needs root'));

describe('ocfkit conformance', () => {
  it('--help describes the command; no agent is a usage error', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: ocfkit conformance <AGENT \| ocf:PROVIDER:TYPE>/);
    await expect(cli([])).rejects.toThrow('expected exactly one AGENT');
    await expect(cli(['-p', 'novalue', 'ocf:heartbeat:Dummy'])).rejects.toThrow('--param "novalue" must be NAME=VALUE');
    await expect(cli(['--profile', 'lrmd', 'ocf:heartbeat:Dummy'])).rejects.toThrow('unknown profile "lrmd"');
    await expect(cli(['/nonexistent/agent'])).rejects.toThrow('/nonexistent/agent is not an executable file');
  });

  describe.skipIf(missing)('on agents', () => {
    it('a broken agent: progress, the failed rule with its reason, the closing line, exit 1, JUnit', async () => {
      const junit = join(work, 'junit.xml');
      const r = await cli([join(MUTANTS, 'unknown-action-0.sh'), '-p', `state=${join(work, 'u.state')}`, '--junit', junit]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('  · probe of a stopped resource: 7 OCF_NOT_RUNNING');
      expect(r.out).toMatch(
        /FAIL action\.unknown +an unknown action returns 3 \(LSB's 2: a warning\)\n +- unknown action "ocfkit-no-such-action": expected 3, returned 0/,
      );
      expect(r.out).toMatch(/\n\d+ passed, 1 failed, \d+ skipped\n$/);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(/<testsuite name="ocf:mutants:unknown-action-0.sh" tests="\d+" failures="1"/);
      expect(xml).toContain(`<failure message="an unknown action returns 3 (LSB's 2: a warning)">`);
    }, 120_000);

    it('--json prints only the report; a good agent exits 0', async () => {
      const r = await cli([join(MUTANTS, 'good.sh'), '-p', `state=${join(work, 'g.state')}`, '--json', '--profile', 'ocf-tester']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      expect(report.ok).toBe(true);
      expect(report.agents[0].profile).toBe('ocf-tester');
      expect(report.agents[0].results.find((x: { id: string }) => x.id === 'lifecycle.start').status).toBe('passed');
      expect(report.agents[0].log[0]).toMatchObject({ label: 'meta-data', action: 'meta-data', rc: 0, execStatus: 'done' });
    }, 120_000);

    it('--all runs each built agent with its conformance.json and says why one is skipped; under CI=true that skip fails', async () => {
      const root = agentsTree();
      const r = await cli(['--all', '--agents-dir', root, '-q'], { CI: undefined });
      expect(r.out).toContain('skipped ocf:ocfkit:NeedsTool: needs ocfkit-no-such-tool (not installed)');
      expect(r.out).toMatch(/== ocf:ocfkit:Good|ocf:ocfkit:Good, profile execd/);
      expect(r.out).toMatch(/total: \d+ passed, 0 failed, \d+ skipped; 1 agents skipped\n$/);
      expect(r.code).toBe(0);
      const ci = await cli(['--all', '--agents-dir', root, '-q'], { CI: 'true' });
      expect(ci.out).toContain('a failure under CI=true');
      expect(ci.code).toBe(1);
    }, 180_000);

    it('runs setup before and teardown after each agent; a failing setup fails the run with its stderr', async () => {
      const { root, mark } = setupTree();
      const r = await cli(['--all', '--agents-dir', root, '-q']);
      expect(r.out).toContain('FAILED ocf:ocfkit:BadSetup: setup ["./setup.sh"] exited 3: no database here');
      expect(r.out).toMatch(/ocf:ocfkit:WithSetup, profile execd\)\n(.*\n)*?ok {3}lifecycle\.start /);
      expect(r.code).toBe(1);
      expect(readFileSync(mark, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['BadSetup', 'WithSetup']);
    }, 180_000);
  });
});
