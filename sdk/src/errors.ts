import { OCF, type OcfCode } from './codes';

/**
 * The one error type an agent throws to end an action with a specific OCF code.
 * The reason becomes the `ocf-exit-reason:` line Pacemaker shows in `crm_mon`.
 *
 * @example
 * throw new OcfError(OCF.ERR_INSTALLED, 'pg_ctl not found in /usr/lib/postgresql/15/bin');
 */
export class OcfError extends Error {
  readonly code: OcfCode;
  constructor(code: OcfCode, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'OcfError';
    this.code = code;
  }
}

/**
 * Helpers that throw an {@link OcfError} with the matching code. Use the one that says what the
 * cluster should do: `configured` bans the resource from every node, `args`/`installed`/`perm`
 * ban it from this node only, `generic` allows a restart in place.
 *
 * @example
 * if (!existsSync(cfg)) fail.installed(`config file ${cfg} not found`);
 */
export const fail = {
  /** Soft failure: the cluster may restart the resource here (1). */
  generic(reason: string): never {
    throw new OcfError(OCF.ERR_GENERIC, reason);
  },
  /** Parameters invalid on this host (2): hard failure, banned from this node. */
  args(reason: string): never {
    throw new OcfError(OCF.ERR_ARGS, reason);
  },
  /** The action is not implemented (3). */
  unimplemented(reason: string): never {
    throw new OcfError(OCF.ERR_UNIMPLEMENTED, reason);
  },
  /** Insufficient privileges on this host (4). */
  perm(reason: string): never {
    throw new OcfError(OCF.ERR_PERM, reason);
  },
  /** Required software missing on this host (5). */
  installed(reason: string): never {
    throw new OcfError(OCF.ERR_INSTALLED, reason);
  },
  /** Parameters inherently invalid (6): fatal, banned from every node. */
  configured(reason: string): never {
    throw new OcfError(OCF.ERR_CONFIGURED, reason);
  },
  /** The resource is not running (7); for promote/demote on a stopped resource. */
  notRunning(reason: string): never {
    throw new OcfError(OCF.NOT_RUNNING, reason);
  },
} as const;
