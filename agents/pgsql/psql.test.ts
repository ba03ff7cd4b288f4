import { describe, expect, it } from 'vitest';
import { type PsqlTarget, psqlArgs, psqlEnv, psqlFailure } from './psql';

const base: PsqlTarget = {
  pgport: 5433,
  pgdb: 'template1',
  pgdba: 'postgres',
  pghost: '',
  socketdir: '',
  monitor_user: '',
  monitor_password: '',
};

describe('psqlArgs', () => {
  it('connects as pgdba through the default socket', () => {
    expect(psqlArgs(base, 'select now();')).toEqual([
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-p',
      '5433',
      '-U',
      'postgres',
      '-d',
      'template1',
      '-c',
      'select now();',
    ]);
  });

  it('prefers pghost over socketdir, and the monitor user over pgdba; never passes the password', () => {
    const t = { ...base, socketdir: '/run/pg', monitor_user: 'mon', monitor_password: 's3cret' };
    const a = psqlArgs(t, 'select 1');
    expect(a.slice(8, 12)).toEqual(['-h', '/run/pg', '-U', 'mon']);
    expect(psqlArgs({ ...t, pghost: '10.0.0.1' }, 'x').slice(8, 10)).toEqual(['-h', '10.0.0.1']);
    expect(a.join(' ')).not.toContain('s3cret');
  });
});

describe('psqlEnv', () => {
  it('passes the password in PGPASSWORD only with a monitor user, and never the OCF variable', () => {
    expect(psqlEnv({ ...base, monitor_user: 'mon', monitor_password: 's3cret' })).toEqual({
      PGPORT: '5433',
      PGUSER: undefined,
      PGPASSWORD: 's3cret',
      OCF_RESKEY_monitor_password: undefined,
    });
    expect(psqlEnv(base).PGPASSWORD).toBeUndefined();
    expect(Object.keys(psqlEnv(base))).toContain('PGPASSWORD');
  });
});

describe('psqlFailure', () => {
  it('keeps the server message', () => {
    const stderr =
      'psql: error: connection to server on socket "/tmp/ocfkit-pgsql-abcdef/run/.s.PGSQL.54321" failed: FATAL:  password authentication failed for user "monitor"\n';
    expect(psqlFailure(2, stderr)).toBe('psql rc=2: FATAL: password authentication failed for user "monitor"');
    expect(psqlFailure(3, 'ERROR:  relation "nope" does not exist\nLINE 1: select * from nope\n')).toBe(
      'psql rc=3: ERROR: relation "nope" does not exist LINE 1: select * from nope',
    );
  });

  it('falls back to the whole text, a signal, or a placeholder', () => {
    expect(psqlFailure(2, 'psql: error: connection to server on socket "/x" failed: No such file or directory\n')).toBe(
      'psql rc=2: connection to server on socket "/x" failed: No such file or directory',
    );
    expect(psqlFailure(null, '', 'SIGKILL')).toBe('psql killed by SIGKILL: no error output');
  });
});
