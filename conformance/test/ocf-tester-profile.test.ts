import { spawnSync } from 'node:child_process';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { DUMP, envOf } from './env-of';

const missing = requireTool(['ocf-tester']);

/** The environment of each step of `ocf-tester -v` on the env-dump agent, by step title. */
function ocfTesterSteps(): { title: string; env: Record<string, string> }[] {
  const r = spawnSync('ocf-tester', ['-v', '-n', 'r1', '-o', 'foo=bar', DUMP], {
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const steps: { title: string; env: Record<string, string> }[] = [];
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    if (/^(Testing: |Checking )/.test(line)) steps.push({ title: line, env: {} });
    const m = /^((?:OCF_|HA_|PCMK_|__OCF)[A-Za-z0-9_]*)=(.*)$/.exec(line);
    const last = steps[steps.length - 1];
    if (m && last) last.env[m[1] as string] = m[2] as string;
  }
  return steps;
}

describe.skipIf(missing)('the ocf-tester profile matches what ocf-tester 4.12 exports', () => {
  it('validate-all, the first monitor, and the probe (interval 0)', async () => {
    const steps = ocfTesterSteps();
    const validate = steps.find((s) => s.title === 'Testing: validate-all');
    expect(validate?.env).toEqual(await envOf('ocf-tester', 'validate-all'));
    const monitor = steps.find((s) => s.title === 'Checking current state');
    expect(monitor?.env).toEqual(await envOf('ocf-tester', 'monitor', 10_000));
    const probe = steps.find((s) => s.title === 'Testing: monitor' && s.env.OCF_RESKEY_CRM_meta_interval === '0');
    expect(probe?.env).toEqual({ ...(await envOf('ocf-tester', 'monitor', 0)), OCF_TESTER_FAIL_HAVE_BINARY: '1' });
  });
});
