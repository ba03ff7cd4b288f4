import type { Exec } from '../exec/types';
import { ocfkitAttributes } from './ocfkit-backend';
import { pacemakerAttributes } from './pacemaker-backend';
import { ATTRD_SOCKET_ENV } from './protocol';
import type { NodeAttributes } from './types';

/** What {@link nodeAttributes} needs from an agent's context. */
export interface AttributeHost {
  env: Readonly<Record<string, string | undefined>>;
  exec: Exec;
  signal?: AbortSignal;
}

/**
 * The node-attribute backend for the environment an agent runs in: the bundled engine's attrd
 * when its executor set `OCFKIT_ATTRD_SOCKET`, otherwise Pacemaker's (`attrd_updater`).
 *
 * @example
 * await nodeAttributes(ctx).set('diskcheck_status', 'normal');
 */
export function nodeAttributes(host: AttributeHost): NodeAttributes {
  const socket = host.env[ATTRD_SOCKET_ENV];
  if (socket) return ocfkitAttributes(socket, host.signal ? { signal: host.signal } : {});
  return pacemakerAttributes(host.exec);
}
