import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuthkeys } from './authkeys';
import { loadClusterConfig } from './load';

describe('parseAuthkeys', () => {
  it('returns the active key; the key is the rest of the line', () => {
    expect(parseAuthkeys('# keys\nauth 2\n1 md5 old\n2 sha1 a key with spaces\n', 'authkeys').value).toEqual({
      index: 2,
      method: 'sha1',
      key: 'a key with spaces',
    });
  });

  it.each([
    ['1 sha256 k\n', 'authkeys: no "auth N" line: name the key to use (auth 1)'],
    ['auth 3\n1 sha256 k\n', 'authkeys:1: auth 3: there is no key 3 line'],
    ['auth 1\n1 sha512 k\n', 'authkeys:2: key 1: unknown method "sha512" (sha256, sha1, md5 or crc)'],
    ['auth 1\n1 sha1\n', 'authkeys:2: key 1: sha1 needs a key after the method'],
    ['auth 1\n1 crc\n', 'authkeys:2: crc authenticates nothing'],
  ])('refuses %j', (text, message) => {
    expect(() => parseAuthkeys(text, 'authkeys')).toThrow(message);
  });

  it('accepts crc only when opted in, with a warning', () => {
    const r = parseAuthkeys('auth 1\n1 crc\n', 'authkeys', { allowCrc: true });
    expect(r.value.method).toBe('crc');
    expect(r.warnings[0]?.message).toBe('crc: cluster messages are NOT authenticated');
  });
});

describe('loadClusterConfig', () => {
  let dir = '';
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const setup = () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-cfg-'));
    made.push(dir);
    writeFileSync(join(dir, 'ha.cf'), 'keepalive 200ms\ndeadtime 1\nbcast eth0\nnode n1 n2 n3\n');
    writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha256 secret\n', { mode: 0o600 });
  };

  it('refuses authkeys readable by others, as Heartbeat does', () => {
    setup();
    chmodSync(join(dir, 'authkeys'), 0o644);
    expect(() => loadClusterConfig(dir)).toThrow(
      `${join(dir, 'authkeys')}: mode 0644: others may read the cluster key; chmod 600 ${join(dir, 'authkeys')}`,
    );
    chmodSync(join(dir, 'authkeys'), 0o600);
    expect(loadClusterConfig(dir)).toMatchObject({
      source: 'ha.cf',
      auth: { method: 'sha256', key: 'secret' },
      config: { keepaliveMs: 200, nodes: ['n1', 'n2', 'n3'] },
    });
  });

  it('reads cluster.json with the same settings and refuses both files at once', () => {
    setup();
    const json = {
      keepalive: '200ms',
      deadtime: 1,
      media: [{ kind: 'bcast', interface: 'eth0' }],
      nodes: ['n1', 'n2', 'n3'],
      auth: { key: 'secret' },
    };
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(json), { mode: 0o600 });
    expect(() => loadClusterConfig(dir)).toThrow('holds both ha.cf and cluster.json; keep one');
    rmSync(join(dir, 'ha.cf'));
    const fromJson = loadClusterConfig(dir);
    rmSync(join(dir, 'cluster.json'));
    setup();
    expect(fromJson.config).toEqual(loadClusterConfig(dir).config);
    expect(fromJson.auth.method).toBe('sha256');
  });

  it('names the JSON field of a bad value', () => {
    setup();
    rmSync(join(dir, 'ha.cf'));
    writeFileSync(
      join(dir, 'cluster.json'),
      JSON.stringify({ keepalive: 'soon', media: [{ kind: 'bcast', interface: 'eth0' }], nodes: ['a'], auth: { key: 'k' } }),
      { mode: 0o600 },
    );
    expect(() => loadClusterConfig(dir)).toThrow(`${join(dir, 'cluster.json')}: keepalive: keepalive "soon" is not a time`);
  });
});
