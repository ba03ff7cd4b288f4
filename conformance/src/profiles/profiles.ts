/** What a profile needs to know about one invocation. */
interface InvocationInfo {
  action: string;
  /** A monitor with no interval. */
  probe: boolean;
  intervalMs: number;
}

/**
 * An environment profile: the variables one kind of runner gives an agent, expressed as overrides
 * of the executor's (which is pacemaker-execd's). `undefined` removes a variable.
 */
export interface Profile {
  name: ProfileName;
  description: string;
  env(op: InvocationInfo): Record<string, string | undefined>;
}

export type ProfileName = 'execd' | 'crm_resource' | 'ocf-tester';

/** pacemaker-execd (contract §3, §5): the executor's own environment, unchanged. */
const execd: Profile = {
  name: 'execd',
  description: 'pacemaker-execd: OCF_RA_VERSION 1.1, instance/type/provider, CRM_meta_timeout always, interval only when recurring',
  env: () => ({}),
};

/** `crm_resource --force-*` / `--validate` (contract §3.1 example, §5.8). */
const crmResource: Profile = {
  name: 'crm_resource',
  description:
    'crm_resource --force-*: adds OCF_OUTPUT_FORMAT=text, HA_debug=0, OCF_TRACE_FILE=/dev/stderr, logfacility none; no CRM_meta_name/on_node',
  env: () => ({
    OCF_OUTPUT_FORMAT: 'text',
    HA_debug: '0',
    OCF_TRACE_FILE: '/dev/stderr',
    PCMK_service: 'crm_resource',
    PCMK_logfacility: 'none',
    HA_logfacility: 'none',
    OCF_RESKEY_CRM_meta_name: undefined,
    OCF_RESKEY_CRM_meta_on_node: undefined,
  }),
};

/** ocf-tester 4.12 (contract §6.1): no OCF_RA_VERSION_*, no type/provider, `__OCF_ACTION`, interval 10000 (0 for probes). */
const ocfTester: Profile = {
  name: 'ocf-tester',
  description:
    'ocf-tester: no OCF_RA_VERSION_*/OCF_RESOURCE_TYPE/provider/exit-reason prefix, __OCF_ACTION set, interval 10000 (0 for probes)',
  env: (op) => ({
    OCF_RA_VERSION_MAJOR: undefined,
    OCF_RA_VERSION_MINOR: undefined,
    OCF_RESOURCE_TYPE: undefined,
    OCF_RESOURCE_PROVIDER: undefined,
    OCF_EXIT_REASON_PREFIX: undefined,
    OCF_RESKEY_crm_feature_set: undefined,
    OCF_RESKEY_CRM_meta_name: undefined,
    OCF_RESKEY_CRM_meta_on_node: undefined,
    OCF_RESKEY_CRM_meta_interval: op.probe ? '0' : '10000',
    __OCF_ACTION: op.action,
    ...(op.action === 'meta-data' ? { OCF_RESOURCE_INSTANCE: undefined } : {}),
  }),
};

/** Every profile by name. */
export const PROFILES: Record<ProfileName, Profile> = { execd, crm_resource: crmResource, 'ocf-tester': ocfTester };

/**
 * The profile called `name`; throws with the list of known names otherwise.
 *
 * @example
 * profileByName('ocf-tester').env({ action: 'monitor', probe: true, intervalMs: 0 })
 */
export function profileByName(name: string): Profile {
  const p = (PROFILES as Record<string, Profile>)[name];
  if (!p) throw new Error(`unknown profile ${JSON.stringify(name)}: expected one of ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
