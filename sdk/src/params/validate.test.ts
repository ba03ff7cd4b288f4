import { describe, expect, it } from 'vitest';
import { compileValidator } from './compile';
import { readParams, withDefaults } from './parse';
import { paramsSchema } from './schema';
import type { ParamSpecs } from './types';
import { describeIssues } from './validate';

const params = {
  ip: { type: 'string', shortdesc: 'IP', required: true, pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' },
  port: { type: 'integer', shortdesc: 'Port', min: 1, max: 65535, default: 5432 },
  verbose: { type: 'boolean', shortdesc: 'Verbose', default: false },
  mode: { type: 'select', shortdesc: 'Mode', options: ['fast', 'smart', 'immediate'] },
  wait: { type: 'duration', shortdesc: 'Wait', default: '20s' },
} satisfies ParamSpecs;

async function check(env: Record<string, string>) {
  const { values, raw } = readParams(params, env);
  const validate = await compileValidator(paramsSchema(params));
  const ok = validate(values);
  return { ok, values: withDefaults(params, values), issues: ok ? [] : describeIssues(params, validate, raw) };
}

describe('parameter validation', () => {
  it('parses every kind and applies static defaults', async () => {
    const r = await check({ OCF_RESKEY_ip: '10.0.0.1', OCF_RESKEY_verbose: 'ja', OCF_RESKEY_mode: 'smart', OCF_RESKEY_wait: '2min' });
    expect(r.ok).toBe(true);
    expect(r.values).toEqual({ ip: '10.0.0.1', port: 5432, verbose: true, mode: 'smart', wait: 120_000 });
  });

  it('names the parameter and the bad value in every message', async () => {
    const r = await check({
      OCF_RESKEY_ip: '10.0.0.1',
      OCF_RESKEY_port: 'http',
      OCF_RESKEY_verbose: 'maybe',
      OCF_RESKEY_mode: 'slow',
      OCF_RESKEY_wait: 'soon',
    });
    expect(r.issues.map((i) => i.message)).toEqual([
      'parameter "mode" must be one of fast, smart, immediate, got "slow"',
      'parameter "port" must be an integer, got "http"',
      'parameter "verbose" must be a boolean (yes|true|1|YES|TRUE|True|ja|on|ON or no|false|0|NO|FALSE|False|nein|off|OFF), got "maybe"',
      'parameter "wait" must be a duration such as 20s, 2min, 500ms or bare seconds, got "soon"',
    ]);
  });

  it('reports a missing required parameter by its variable name', async () => {
    const r = await check({});
    expect(r.issues).toEqual([{ param: 'ip', message: 'required parameter "ip" is not set (OCF_RESKEY_ip)' }]);
  });

  it('checks integer ranges and patterns', async () => {
    const r = await check({ OCF_RESKEY_ip: 'ten', OCF_RESKEY_port: '70000' });
    expect(r.issues.map((i) => i.message)).toEqual([
      'parameter "ip" must match the pattern ^\\d+\\.\\d+\\.\\d+\\.\\d+$, got "ten"',
      'parameter "port" must be <= 65535, got "70000"',
    ]);
  });

  it('treats an empty value like an unset one', async () => {
    const r = await check({ OCF_RESKEY_ip: '1.2.3.4', OCF_RESKEY_port: '' });
    expect(r.values.port).toBe(5432);
  });
});
