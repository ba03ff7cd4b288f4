/** Queries the replication logic runs, as pgdba (heartbeat's exec_sql), and the cluster's control data. */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Account } from './account';
import { type Ctx, ownerEnv, runAs } from './owner';
import { psqlArgs, psqlEnv, psqlFailure } from './psql';

/** Rows of `sql` (fields split on `|`), or why psql failed. */
export async function ownerSql(ctx: Ctx, acct: Account, sql: string): Promise<{ rows: string[][] } | { error: string }> {
  const target = { ...ctx.params, monitor_user: '', monitor_password: '' };
  const r = await ctx.exec(ctx.params.psql, psqlArgs(target, sql), {
    ...runAs(acct),
    env: { ...ownerEnv(ctx), ...psqlEnv(target) },
    cwd: '/',
    check: false,
    timeoutMs: Math.max(1000, Math.min(15_000, ctx.remainingMs() - 500)),
  });
  if (r.exitCode !== 0) {
    return {
      error: r.timedOut ? `psql gave no answer within ${Math.round(r.durationMs / 1000)}s` : psqlFailure(r.exitCode, r.stderr, r.signal),
    };
  }
  const rows = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('|'));
  return { rows };
}

/** What one query tells about the server's replication role. */
export interface ServerRole {
  primary: boolean;
  /** pg_stat_wal_receiver.status (`streaming`, `waiting`, …); empty when no WAL receiver runs. */
  receiver: string;
  /** Primary: the current WAL position; standby: the last received one (may be empty). */
  written: string;
  /** Standby: the last replayed position. */
  replayed: string;
  /** The timeline of the latest checkpoint. */
  timeline: string;
}

const ROLE_SQL = [
  'select pg_is_in_recovery(),',
  "coalesce((select status from pg_stat_wal_receiver), ''),",
  "case when pg_is_in_recovery() then coalesce(pg_last_wal_receive_lsn()::text, '') else pg_current_wal_lsn()::text end,",
  "coalesce(pg_last_wal_replay_lsn()::text, ''),",
  '(select timeline_id from pg_control_checkpoint())',
].join(' ');

/**
 * The server's role and WAL positions in one psql run.
 *
 * @example
 * await serverRole(ctx, acct) // { primary: false, receiver: 'streaming', written: '0/3000148', replayed: '0/3000148', timeline: '2' }
 */
export async function serverRole(ctx: Ctx, acct: Account): Promise<ServerRole | { error: string }> {
  const r = await ownerSql(ctx, acct, ROLE_SQL);
  if ('error' in r) return r;
  const f = r.rows[0] ?? [];
  if (f[0] !== 't' && f[0] !== 'f') return { error: `pg_is_in_recovery() answered ${JSON.stringify(f[0] ?? '')}` };
  return { primary: f[0] === 'f', receiver: f[1] ?? '', written: f[2] ?? '', replayed: f[3] ?? '', timeline: f[4] ?? '' };
}

/**
 * `pg_ctl`'s sibling binary (pg_controldata, postgres, …): next to the real pg_ctl, else on PATH.
 *
 * @example
 * pgBinary('/usr/lib/postgresql/15/bin/pg_ctl', 'postgres') // '/usr/lib/postgresql/15/bin/postgres'
 */
export function pgBinary(pgctl: string, name: string): string {
  if (!pgctl.includes('/')) return name;
  try {
    return join(dirname(realpathSync(pgctl)), name);
  } catch {
    return join(dirname(pgctl), name);
  }
}

/**
 * `Database cluster state` from pg_controldata (`shut down`, `shut down in recovery`,
 * `in production`, `in archive recovery`, …); undefined when pg_controldata fails.
 *
 * @example
 * await clusterState(ctx, acct) // 'shut down'
 */
export async function clusterState(ctx: Ctx, acct: Account): Promise<string | undefined> {
  const r = await ctx.exec(pgBinary(ctx.params.pgctl, 'pg_controldata'), ['-D', ctx.params.pgdata], {
    ...runAs(acct),
    env: { ...ownerEnv(ctx), LC_ALL: 'C', LANG: 'C' },
    cwd: '/',
    check: false,
  });
  if (r.exitCode !== 0) return undefined;
  return /^Database cluster state:\s*(.+)$/m.exec(r.stdout)?.[1]?.trim();
}
