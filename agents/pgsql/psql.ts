/** What the monitor query needs to know about the connection. */
export interface PsqlTarget {
  pgport: number;
  pgdb: string;
  pgdba: string;
  pghost: string;
  socketdir: string;
  monitor_user: string;
  monitor_password: string;
}

/**
 * The psql command line for running `sql`, as argv words. Connects like ocf:heartbeat:pgsql:
 * `-h pghost`, else `-h socketdir`, else libpq's default; as `monitor_user` when set, else as
 * `pgdba`. `-X` skips ~/.psqlrc so the owner's settings cannot change the result, and
 * `ON_ERROR_STOP` makes any failing statement fail psql. The password is never an argument.
 *
 * @example
 * psqlArgs(target, 'select now();') // ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-p', '5432', ..., '-c', 'select now();']
 */
export function psqlArgs(t: PsqlTarget, sql: string): string[] {
  const host = t.pghost || t.socketdir;
  return [
    '-X',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-p',
    String(t.pgport),
    ...(host ? ['-h', host] : []),
    '-U',
    t.monitor_user || t.pgdba,
    '-d',
    t.pgdb,
    '-c',
    sql,
  ];
}

/**
 * psql's environment: the monitor password travels in `PGPASSWORD` (readable only by root and
 * the process owner through /proc), never in argv; without a monitor user any inherited
 * `PGPASSWORD`/`PGUSER` is removed so it cannot leak into the check.
 *
 * @example
 * psqlEnv(target) // { PGPORT: '5432', PGPASSWORD: undefined, PGUSER: undefined, OCF_RESKEY_monitor_password: undefined }
 */
export function psqlEnv(t: PsqlTarget): Record<string, string | undefined> {
  return {
    PGPORT: String(t.pgport),
    PGUSER: undefined,
    PGPASSWORD: t.monitor_user ? t.monitor_password : undefined,
    OCF_RESKEY_monitor_password: undefined,
  };
}

/**
 * A one-line reason for a failed psql run, keeping the server's message (from `FATAL:`/`ERROR:`
 * on) so it survives Pacemaker's 128-character cut of the exit reason.
 *
 * @example
 * psqlFailure(2, 'psql: error: connection to server on socket "/run/x/.s.PGSQL.5432" failed: FATAL:  password authentication failed for user "mon"\n')
 * // 'psql rc=2: FATAL: password authentication failed for user "mon"'
 */
export function psqlFailure(rc: number | null, stderr: string, signal?: string | null): string {
  const text = stderr.replace(/\s+/g, ' ').trim();
  const at = text.search(/\b(FATAL|ERROR|PANIC):/);
  let detail = at >= 0 ? text.slice(at) : text.replace(/^psql: (error: )?/, '');
  if (detail === '') detail = 'no error output';
  return `psql ${rc === null ? `killed by ${signal ?? 'a signal'}` : `rc=${rc}`}: ${detail}`;
}
