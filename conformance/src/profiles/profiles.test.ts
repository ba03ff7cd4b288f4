import { describe, expect, it } from 'vitest';
import { envOf } from '../../test/env-of';
import { profileByName } from './profiles';

describe('environment profiles, as the agent really sees them through the executor', () => {
  it('execd: a probe has no CRM_meta_interval; OCF 1.1 version, type and provider are set', async () => {
    expect(await envOf('execd', 'monitor')).toEqual({
      OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_RESKEY_CRM_meta_name: 'monitor',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_RESKEY_crm_feature_set: '3.16.1',
      OCF_RESKEY_foo: 'bar',
      OCF_RESOURCE_INSTANCE: 'r1',
      OCF_RESOURCE_PROVIDER: 'test',
      OCF_RESOURCE_TYPE: 'envdump',
      OCF_ROOT: '/usr/lib/ocf',
    });
  });

  it('execd: a recurring monitor carries its interval; meta-data gets the type as instance and no parameters', async () => {
    expect((await envOf('execd', 'monitor', 10_000)).OCF_RESKEY_CRM_meta_interval).toBe('10000');
    const md = await envOf('execd', 'meta-data');
    expect(md.OCF_RESOURCE_INSTANCE).toBe('envdump');
    expect(Object.keys(md).filter((k) => k.startsWith('OCF_RESKEY_'))).toEqual([]);
  });

  it('crm_resource: the variables of contract §3.1 (observed with crm_resource --validate)', async () => {
    expect(await envOf('crm_resource', 'validate-all')).toEqual({
      HA_debug: '0',
      HA_logfacility: 'none',
      OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
      OCF_OUTPUT_FORMAT: 'text',
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_RESKEY_crm_feature_set: '3.16.1',
      OCF_RESKEY_foo: 'bar',
      OCF_RESOURCE_INSTANCE: 'r1',
      OCF_RESOURCE_PROVIDER: 'test',
      OCF_RESOURCE_TYPE: 'envdump',
      OCF_ROOT: '/usr/lib/ocf',
      OCF_TRACE_FILE: '/dev/stderr',
      PCMK_logfacility: 'none',
      PCMK_service: 'crm_resource',
    });
  });

  it('ocf-tester: no version/type/provider/prefix, __OCF_ACTION set, interval 10000, 0 for probes (contract §6.1)', async () => {
    expect(await envOf('ocf-tester', 'start')).toEqual({
      OCF_RESKEY_CRM_meta_interval: '10000',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_RESKEY_foo: 'bar',
      OCF_RESOURCE_INSTANCE: 'r1',
      OCF_ROOT: '/usr/lib/ocf',
      __OCF_ACTION: 'start',
    });
    expect((await envOf('ocf-tester', 'monitor')).OCF_RESKEY_CRM_meta_interval).toBe('0');
  });

  it('rejects an unknown profile by name', () => {
    expect(() => profileByName('lrmd')).toThrow('unknown profile "lrmd": expected one of execd, crm_resource, ocf-tester');
  });
});
