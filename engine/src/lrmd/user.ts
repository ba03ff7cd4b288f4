import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The credentials an agent runs with when an op names a user. */
interface UserIds {
  name: string;
  uid: number;
  gid: number;
  /** All group ids of the account (primary included), as `id -G` lists them. */
  groups: number[];
}

const cache = new Map<string, UserIds>();

/** An absolute path, so a per-op PATH override cannot turn "setpriv not found" into "agent not installed". */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv';

function idOf(flag: string, user: string): string {
  try {
    return execFileSync('id', [flag, '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    throw new Error(`unknown user ${JSON.stringify(user)} (id ${flag} failed)`);
  }
}

/**
 * Looks a user up through NSS (`id`), once per name.
 *
 * @example
 * resolveUser('nobody') // { name: 'nobody', uid: 65534, gid: 65534, groups: [65534] }
 */
export function resolveUser(user: string): UserIds {
  const hit = cache.get(user);
  if (hit) return hit;
  if (user.length === 0 || user.startsWith('-')) throw new Error(`invalid user name ${JSON.stringify(user)}`);
  const ids: UserIds = {
    name: user,
    uid: Number(idOf('-u', user)),
    gid: Number(idOf('-g', user)),
    groups: idOf('-G', user).split(/\s+/).filter(Boolean).map(Number),
  };
  cache.set(user, ids);
  return ids;
}

/**
 * How to start `file action` as `ids`: Node's spawn can set uid and gid but clears the
 * supplementary groups, so accounts that have some go through `setpriv --init-groups`, which
 * execs in place (same pid, same process group).
 *
 * @example
 * launchAs(resolveUser('postgres'), '/usr/lib/ocf/resource.d/heartbeat/pgsql', 'monitor')
 */
export function launchAs(
  ids: UserIds,
  file: string,
  action: string,
): { command: string; args: string[]; uid?: number; gid?: number; viaSetpriv: boolean } {
  const extra = ids.groups.filter((g) => g !== ids.gid);
  if (extra.length === 0) return { command: file, args: [action], uid: ids.uid, gid: ids.gid, viaSetpriv: false };
  return {
    command: SETPRIV,
    args: [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--init-groups', '--', file, action],
    viaSetpriv: true,
  };
}
