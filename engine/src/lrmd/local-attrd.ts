import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ATTRD_SOCKET_ENV, attrdCall, DEFAULT_ATTRD_SOCKET } from '@ocfkit/sdk';
import { runDirOf } from '../node/admin-client';
import { ATTRD_SOCKET } from '../node/admin-protocol';

/** How long a candidate socket may take to answer before it counts as not running. */
const PING_TIMEOUT_MS = 1000;

/** True when a bundled attrd answers on `socket` (a query of an attribute nobody sets). */
async function answers(socket: string): Promise<boolean> {
  try {
    if (!statSync(socket).isSocket()) return false;
    await attrdCall(socket, { op: 'query', name: '#ocfkit-ping' }, { timeoutMs: PING_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}

/**
 * The node-attribute socket the bundled executor gives its agents (`OCFKIT_ATTRD_SOCKET`) when it
 * runs outside a node daemon (`ocfkit exec`): `$OCFKIT_ATTRD_SOCKET` when set (as given), else the
 * bundled attrd running on this host — a node daemon's `<run-dir>/attrd.sock` (`$OCFKIT_RUN_DIR`,
 * else /run/ocfkit) or `ocfkit attr serve`'s default socket — when one answers. Undefined
 * otherwise: the agents then use Pacemaker's attrd_updater.
 *
 * @example
 * const socket = await localAttrdSocket(process.env); // '/run/ocfkit/attrd.sock' while `ocfkit node start` runs
 */
export async function localAttrdSocket(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const given = env[ATTRD_SOCKET_ENV];
  if (given) return given;
  for (const socket of new Set([join(runDirOf(undefined, env), ATTRD_SOCKET), DEFAULT_ATTRD_SOCKET])) {
    if (await answers(socket)) return socket;
  }
  return undefined;
}
