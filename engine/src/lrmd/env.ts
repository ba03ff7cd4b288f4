/** Pacemaker 2.1.5's CIB feature set, passed as `OCF_RESKEY_crm_feature_set`. */
import { CRM_FEATURE_SET } from '../pcmk/feature-set';
import type { OpRequest, ResourceSpec } from './types';

/** What {@link agentEnv} needs besides the resource and the op. */
export interface EnvContext {
  /** The inherited environment (already stripped of OCF_* and __OCF_ACTION). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  ocfRoot: string;
  nodeName: string;
}

/** True for the variables an OpResult reports back (`OCF_*`, `HA_*`, `PCMK_*`). */
function isReportedVariable(name: string): boolean {
  return name.startsWith('OCF_') || name.startsWith('HA_') || name.startsWith('PCMK_');
}

/**
 * The inherited environment execd would pass on: the daemon's own minus any OCF variables (they
 * are rebuilt per op), `__OCF_ACTION` (ocf-tester's, never Pacemaker's) and `NOTIFY_SOCKET`
 * (execd unsets it).
 *
 * @example
 * const base = inheritedEnv(process.env);
 */
export function inheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('OCF_') || k === '__OCF_ACTION' || k === 'NOTIFY_SOCKET') continue;
    out[k] = v;
  }
  return out;
}

/**
 * The environment of one agent invocation, built as pacemaker-execd builds it (contract §3):
 * OCF_ROOT, OCF_RA_VERSION_MAJOR/MINOR 1/1, instance/type/provider, `OCF_RESKEY_<p>` for the
 * configured parameters only, `CRM_meta_timeout` always, `CRM_meta_interval` only when recurring,
 * `CRM_meta_name`, `CRM_meta_on_node`, `crm_feature_set`, the exit-reason prefix, and
 * `OCF_CHECK_LEVEL` (without prefix) when asked. A meta-data call gets the type name as instance
 * and no `OCF_RESKEY_*` at all. `req.env` is applied last; `undefined` there removes a variable.
 *
 * @example
 * agentEnv(ctx, { id: 'ip1', provider: 'heartbeat', type: 'IPaddr2', params: { ip: '10.0.0.5' } },
 *   { rsc: 'ip1', action: 'monitor', intervalMs: 10_000 });
 */
export function agentEnv(ctx: EnvContext, spec: ResourceSpec, req: OpRequest): Record<string, string> {
  const env: Record<string, string | undefined> = { ...ctx.baseEnv };
  const metaData = req.action === 'meta-data';
  env.OCF_ROOT = ctx.ocfRoot;
  env.OCF_RA_VERSION_MAJOR = '1';
  env.OCF_RA_VERSION_MINOR = '1';
  env.OCF_RESOURCE_INSTANCE = metaData ? spec.type : spec.id;
  env.OCF_RESOURCE_TYPE = spec.type;
  env.OCF_RESOURCE_PROVIDER = spec.provider;
  env.OCF_EXIT_REASON_PREFIX = 'ocf-exit-reason:';
  if (!metaData) {
    for (const [name, value] of Object.entries(spec.params ?? {})) env[`OCF_RESKEY_${name}`] = value;
    env.OCF_RESKEY_crm_feature_set = CRM_FEATURE_SET;
    const meta: Record<string, string> = {
      name: req.action,
      timeout: String(req.timeoutMs ?? 20_000),
      on_node: ctx.nodeName,
    };
    if ((req.intervalMs ?? 0) > 0) meta.interval = String(req.intervalMs);
    if ((req.startDelayMs ?? 0) > 0) meta.start_delay = String(req.startDelayMs);
    Object.assign(meta, req.meta);
    for (const [name, value] of Object.entries(meta)) env[`OCF_RESKEY_CRM_meta_${name.replaceAll('-', '_')}`] = value;
    if (req.checkLevel !== undefined) env.OCF_CHECK_LEVEL = String(req.checkLevel);
  }
  Object.assign(env, req.env);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The part of an environment an OpResult reports: `OCF_*`, `HA_*` and `PCMK_*` variables.
 *
 * @example
 * reportedEnv({ PATH: '/bin', OCF_ROOT: '/usr/lib/ocf' }) // { OCF_ROOT: '/usr/lib/ocf' }
 */
export function reportedEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) if (isReportedVariable(k)) out[k] = env[k] as string;
  return out;
}
