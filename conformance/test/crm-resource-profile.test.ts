import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMP, envOf } from './env-of';

const provider = `ocfkitprofile${process.pid}`;
const dir = `/usr/lib/ocf/resource.d/${provider}`;
const missing = requireTool(['crm_resource'], () =>
  process.getuid?.() === 0 ? undefined : 'installing an agent under /usr/lib/ocf needs root',
);

/** The OCF/HA/PCMK environment the real crm_resource gives the env-dump agent. */
function crmResourceEnv(op: string): Record<string, string> {
  const r = spawnSync('crm_resource', [op, '--class', 'ocf', '--provider', provider, '--agent', 'envdump', '--option', 'foo=bar'], {
    encoding: 'utf8',
    cwd: '/',
  });
  const env: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^((?:OCF_|HA_|PCMK_)[A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1] as string] = m[2] as string;
  }
  return env;
}

describe.skipIf(missing)('the crm_resource profile matches the real crm_resource', () => {
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    copyFileSync(DUMP, `${dir}/envdump`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--validate and --force-check give exactly the profile environment (instance "test", as crm_resource without -r)', async () => {
    const real = crmResourceEnv('--validate');
    expect(Object.keys(real).length).toBeGreaterThan(10);
    const ours = await envOf('crm_resource', 'validate-all', 0, 'test');
    expect({ ...ours, OCF_RESOURCE_PROVIDER: provider, OCF_RESOURCE_TYPE: 'envdump' }).toEqual(real);
    const probe = await envOf('crm_resource', 'monitor', 0, 'test');
    expect({ ...probe, OCF_RESOURCE_PROVIDER: provider, OCF_RESOURCE_TYPE: 'envdump' }).toEqual(crmResourceEnv('--force-check'));
  });
});
