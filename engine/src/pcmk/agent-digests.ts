/**
 * The restart and secure digests Pacemaker's controller adds to a history entry
 * (`build_operation_update` → `append_restart_list`/`append_secure_list`, 2.1.5), from what the
 * agent's meta-data says about its parameters:
 *
 * - `op-force-restart` / `op-restart-digest` (one-shot operations of an agent that can reload):
 *   the parameters a change of which needs a restart — not `reloadable` for an OCF 1.1 agent with
 *   `reload-agent`, `unique` for an older one with `reload` — and the digest of their values. The
 *   scheduler then reloads instead of restarting when only the other parameters changed.
 * - `op-secure-params` / `op-secure-digest` (when any parameter is `private`, or, if none is
 *   marked, one named password, passwd or user): the private names, and the digest of every
 *   other parameter (without `CRM_meta_timeout`), so that a changed secret alone restarts
 *   nothing in a sanitized simulation (crm_simulate's default).
 *
 * Lists are written as Pacemaker writes them: the names in the reverse of meta-data order,
 * between two spaces ("  a b  "), and "" for an agent that can reload but has no such parameter.
 */
import { digestParams, parametersDigest } from './op-digest.js';

/** A parameter's flags in an agent's meta-data. */
export interface AgentParam {
  readonly name: string;
  readonly reloadable: boolean;
  readonly unique: boolean;
  readonly private: boolean;
}

/** What the digests need from an agent's meta-data. */
export interface AgentDigestInfo {
  /** `agent`: OCF ≥ 1.1 with a reload-agent action; `legacy`: OCF < 1.1 with reload; else `none`. */
  readonly reload: 'agent' | 'legacy' | 'none';
  /** In meta-data order. */
  readonly params: readonly AgentParam[];
}

const IMPLICITLY_PRIVATE = ['password', 'passwd', 'user'];

function list(names: readonly string[]): string | undefined {
  return names.length === 0 ? undefined : `  ${names.join(' ')}  `;
}

/** Pacemaker's order: its list of parameters is built by prepending. */
const pacemakerOrder = (info: AgentDigestInfo): AgentParam[] => [...info.params].reverse();

/**
 * `op-force-restart` and `op-restart-digest` for one result, or undefined when Pacemaker writes
 * none (a recurring operation, or an agent that cannot reload).
 *
 * @example
 * restartDigest({ state: '/run/d', fake: 'x' }, 0, { reload: 'agent', params: [{ name: 'state', reloadable: false, unique: true, private: false }, { name: 'fake', reloadable: true, unique: false, private: false }] })
 * // { list: '  state  ', digest: md5 of ' <parameters state="/run/d"/>\n' }
 */
export function restartDigest(
  attributes: Readonly<Record<string, string>>,
  intervalMs: number,
  info: AgentDigestInfo,
): { list: string; digest: string } | undefined {
  if (intervalMs > 0 || info.reload === 'none') return undefined;
  const accepted = pacemakerOrder(info).filter((p) => (info.reload === 'agent' ? !p.reloadable : p.unique));
  const params: Record<string, string> = {};
  for (const p of accepted) {
    const v = attributes[p.name];
    if (v !== undefined) params[p.name] = v;
  }
  return { list: list(accepted.map((p) => p.name)) ?? '', digest: parametersDigest(params) };
}

/**
 * `op-secure-params` and `op-secure-digest` for one result, or undefined when the agent has no
 * private parameter.
 *
 * @example
 * secureDigest({ ip: '10.0.0.1', password: 's3cret' }, { reload: 'none', params: [...] })
 * // { list: '  password  ', digest: md5 of ' <parameters ip="10.0.0.1"/>\n' }
 */
export function secureDigest(
  attributes: Readonly<Record<string, string>>,
  info: AgentDigestInfo,
): { list: string; digest: string } | undefined {
  const ordered = pacemakerOrder(info);
  const explicit = ordered.some((p) => p.private);
  const secret = ordered.filter((p) => (explicit ? p.private : IMPLICITLY_PRIVATE.includes(p.name))).map((p) => p.name);
  const names = list(secret);
  if (names === undefined) return undefined;
  const params = digestParams(attributes);
  for (const name of secret) delete params[name];
  // The scheduler filters the secure parameters a second time, when CRM_meta_interval is gone:
  // its secure digest of a recurring operation has no CRM_meta_timeout. (2.1.5's controller
  // keeps it, and its own sanitized simulations then reschedule monitors; this follows the
  // scheduler, which is what compares the digest.)
  delete params.CRM_meta_timeout;
  return { list: names, digest: parametersDigest(params) };
}
