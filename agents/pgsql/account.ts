import { readFileSync } from 'node:fs';
import type { AgentContext } from '@ocfkit/sdk';

/** An OS account as `getent passwd` reports it. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
  /** The home directory (HOME for the commands run as the account: psql reads ~/.pgpass there). */
  home?: string;
}

/**
 * Finds `name` in passwd-format text (`name:x:uid:gid:gecos:home:shell`).
 *
 * @example
 * parsePasswd('postgres:x:101:104::/var/lib/postgresql:/bin/bash\n', 'postgres') // { name: 'postgres', uid: 101, gid: 104, home: '/var/lib/postgresql' }
 */
export function parsePasswd(text: string, name: string): Account | undefined {
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] !== name || f.length < 4) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (Number.isInteger(uid) && Number.isInteger(gid) && f[2] !== '' && f[3] !== '')
      return { name, uid, gid, ...(f[5] ? { home: f[5] } : {}) };
  }
  return undefined;
}

/**
 * Looks an account up: /etc/passwd first (no fork), then `getent passwd` so NSS users (LDAP,
 * sssd) are found too. Undefined when the account does not exist.
 *
 * @example
 * const pg = await lookupAccount(ctx, 'postgres');
 */
export async function lookupAccount(
  ctx: Pick<AgentContext, 'exec'>,
  name: string,
  passwdFile = '/etc/passwd',
): Promise<Account | undefined> {
  try {
    const local = parsePasswd(readFileSync(passwdFile, 'utf8'), name);
    if (local) return local;
  } catch {
    // unreadable passwd file: NSS decides
  }
  const r = await ctx.exec('getent', ['passwd', '--', name], { check: false });
  return r.exitCode === 0 ? parsePasswd(r.stdout, name) : undefined;
}
