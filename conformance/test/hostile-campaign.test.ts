/**
 * A bounded subset of the hostile-input campaign (issue 21's proof): the full matrix is
 * `npm run hostile`. Needs the built agents and CLI (`npm run build`, which `npm test` runs first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignCases, type Matrix, makeSandbox, problems, runCampaign, summary } from './hostile-campaign';

const ROOT = join(import.meta.dirname, '..', '..');
const built =
  existsSync(join(ROOT, 'agents', 'dist', 'ocf', 'resource.d', 'ocfkit', 'Dummy')) &&
  existsSync(join(ROOT, 'conformance', 'dist', 'cli.js'));
if (!built && process.env.CI === 'true') throw new Error('the hostile campaign needs the built agents and CLI: run npm run build');

const SUBSET: Matrix = {
  agents: {
    Dummy: ['state'],
    diskcheck: ['pidfile', 'write_dir'],
    Xen: ['name', 'monitor_scripts'],
    pgsql: ['pgdata', 'pgctl'],
    IPaddr: ['nic', 'local_start_script'],
  },
  values: ['subst-dollar', 'dash-c', 'dev-zero', 'fifo', 'long', 'controls'],
  actions: ['validate-all', 'monitor'],
  cli: [
    'meta fifo',
    'exec injection spec',
    'exec timeout huge',
    'exec private param',
    'simulate dev zero',
    'simulate fifo',
    'attr long socket',
    'fence history dev zero',
    'conformance params dev zero',
    'new traversal',
  ],
  cibs: ['ordering cycle', 'clone-max 10^8', 'billion laughs', 'XXE', 'not XML', 'deep nesting'],
};

describe.skipIf(!built)('hostile inputs (issue 21): no stack trace, no hang, no changed permission, bounded memory', () => {
  const sb = makeSandbox();
  afterAll(() => sb.cleanup());

  it('holds for agents x parameters x hostile values, CLI cases and CIBs', async () => {
    const r = await runCampaign(campaignCases(sb, SUBSET), sb, 2);
    process.stdout.write(summary(r));
    expect(r.outcomes.length).toBe(9 * 6 * 2 + 10 + 6);
    expect(r.outcomes.filter((o) => problems(o).length > 0).map((o) => `${o.c.label}: ${problems(o).join(', ')}`)).toEqual([]);
    expect(r.injections).toEqual([]);
    expect(r.permissionChanges).toEqual([]);
  }, 300_000);

  it('would notice a hang, a stack trace, a secret printed and a changed mode', async () => {
    const base = { cls: 'cli' as const, env: { PATH: '/usr/bin:/bin' }, allowed: [0], maxRssMiB: 100 };
    const r = await runCampaign(
      [
        { ...base, label: 'hang', argv: ['sleep', '5'], deadlineMs: 300 },
        { ...base, label: 'trace', argv: [process.execPath, '-e', 'null.x'], deadlineMs: 20_000 },
        { ...base, label: 'secret', argv: ['echo', 'pw=s3cret'], deadlineMs: 20_000, secret: 's3cret' },
        { ...base, label: 'chmod', argv: ['chmod', '0777', join(sb.dir, 'canaries')], deadlineMs: 20_000 },
        { ...base, label: 'canary', argv: ['touch', join(sb.dir, 'canaries', 'PWNED-0')], deadlineMs: 20_000 },
      ],
      sb,
    );
    expect(r.outcomes.map((o) => [o.c.label, problems(o)])).toEqual([
      ['hang', ['hang (killed after 300 ms)']],
      ['trace', ['exit 1', 'stack trace']],
      ['secret', ['private value printed']],
      ['chmod', []],
      ['canary', []],
    ]);
    expect(r.permissionChanges).toEqual([expect.stringMatching(/\/canaries: 755 (\d+:\d+) -> 777 \1$/)]);
    expect(r.injections).toEqual([join(sb.dir, 'canaries', 'PWNED-0')]);
  });
});
