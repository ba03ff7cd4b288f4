import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configFile, serverOptions, shellQuote } from './startup';

describe('configFile', () => {
  it('defaults to postgresql.conf in pgdata', () => {
    expect(configFile({ pgdata: '/var/lib/pgsql/data' })).toBe('/var/lib/pgsql/data/postgresql.conf');
    expect(configFile({ pgdata: '/d', config: '/etc/pg.conf' })).toBe('/etc/pg.conf');
    expect(configFile({ pgdata: '/d', config: '' })).toBe('/d/postgresql.conf');
  });
});

describe('shellQuote', () => {
  it('survives /bin/sh for any text', () => {
    for (const word of ["it's", '$(touch /tmp/x) `id` "q" \\ ;|&', 'a b', '']) {
      const r = spawnSync('/bin/sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(word);
    }
  });
});

describe('serverOptions', () => {
  it('puts config_file first, then -h, then start_opt as written', () => {
    expect(serverOptions({ pgdata: '/d', pghost: '', start_opt: '' })).toBe("-c config_file='/d/postgresql.conf'");
    expect(serverOptions({ pgdata: '/d', config: "/etc/it's.conf", pghost: '10.0.0.1', start_opt: ' -c work_mem=8MB ' })).toBe(
      "-c config_file='/etc/it'\\''s.conf' -h '10.0.0.1' -c work_mem=8MB",
    );
  });
});
