import { describe, expect, test } from 'vitest';
import { agentEnv, inheritedEnv, reportedEnv } from './env';

const ctx = { baseEnv: { PATH: '/usr/bin:/bin', HA_logfacility: 'daemon' }, ocfRoot: '/usr/lib/ocf', nodeName: 'node1' };
const spec = { id: 'ip1', provider: 'heartbeat', type: 'IPaddr2', params: { ip: '10.0.0.5' } };

describe('agentEnv', () => {
  test('a start: execd variables, configured params only, no interval', () => {
    expect(agentEnv(ctx, spec, { rsc: 'ip1', action: 'start', timeoutMs: 30_000 })).toEqual({
      PATH: '/usr/bin:/bin',
      HA_logfacility: 'daemon',
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_RESOURCE_INSTANCE: 'ip1',
      OCF_RESOURCE_TYPE: 'IPaddr2',
      OCF_RESOURCE_PROVIDER: 'heartbeat',
      OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
      OCF_RESKEY_ip: '10.0.0.5',
      OCF_RESKEY_crm_feature_set: '3.16.1',
      OCF_RESKEY_CRM_meta_name: 'start',
      OCF_RESKEY_CRM_meta_timeout: '30000',
      OCF_RESKEY_CRM_meta_on_node: 'node1',
    });
  });

  test('a recurring monitor: interval, start delay, extra meta with dashes, check level, overrides', () => {
    const env = agentEnv(ctx, spec, {
      rsc: 'ip1',
      action: 'monitor',
      intervalMs: 10_000,
      startDelayMs: 5000,
      meta: { 'clone-max': '2' },
      checkLevel: 20,
      env: { PATH: undefined, EXTRA: 'x' },
    });
    expect(env).toMatchObject({
      OCF_RESKEY_CRM_meta_interval: '10000',
      OCF_RESKEY_CRM_meta_start_delay: '5000',
      OCF_RESKEY_CRM_meta_clone_max: '2',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCF_CHECK_LEVEL: '20',
      EXTRA: 'x',
    });
    expect('PATH' in env).toBe(false);
  });

  test('meta-data: the type as instance, no OCF_RESKEY_* at all', () => {
    const env = agentEnv(ctx, spec, { rsc: 'ip1', action: 'meta-data' });
    expect(env.OCF_RESOURCE_INSTANCE).toBe('IPaddr2');
    expect(Object.keys(env).filter((k) => k.startsWith('OCF_RESKEY_'))).toEqual([]);
  });
});

test('inheritedEnv drops OCF_*, __OCF_ACTION and NOTIFY_SOCKET', () => {
  expect(
    inheritedEnv({ OCF_ROOT: '/x', OCF_RESKEY_a: '1', __OCF_ACTION: 'start', NOTIFY_SOCKET: '/run/s', HOME: '/root', U: undefined }),
  ).toEqual({
    HOME: '/root',
  });
});

test('reportedEnv keeps OCF_*, HA_*, PCMK_* only, sorted', () => {
  expect(Object.keys(reportedEnv({ PATH: '/bin', PCMK_x: '1', OCF_ROOT: '/r', HA_debug: '0' }))).toEqual([
    'HA_debug',
    'OCF_ROOT',
    'PCMK_x',
  ]);
});
