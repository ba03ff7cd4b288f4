import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MdParam, MetaData } from './metadata-model';
import { deriveSecond, nextAddress } from './second-instance';

const p = (name: string, unique = false): MdParam => ({ name, required: false, unique, options: [] });
const md = (...params: MdParam[]): MetaData => ({ name: 'x', params, actions: [] });
const dir = mkdtempSync(join(tmpdir(), 'ocfkit-second-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'target'), '');
mkdirSync(join(dir, 'mnt'));

describe('deriveSecond', () => {
  it('varies unique parameters by shape: a new path, the next address, an integer + 1', () => {
    expect(deriveSecond(md(p('state', true), p('fake')), { state: '/tmp/a.state', fake: 'f' })).toEqual({
      params: { state: '/tmp/a.state.b', fake: 'f' },
      changed: ['state'],
      mkdirs: [],
    });
    expect(deriveSecond(md(p('ip', true), p('port', true)), { ip: '192.0.2.10', port: '3121' })).toMatchObject({
      params: { ip: '192.0.2.11', port: '3122' },
    });
  });

  it('with no unique parameter (symlink, Filesystem, SendArp, IPv6addr), varies paths the agent creates, directories and addresses', () => {
    // symlink: the link differs, the target (an existing file) is shared
    expect(deriveSecond(md(p('link'), p('target')), { link: join(dir, 'link'), target: join(dir, 'target') })).toEqual({
      params: { link: join(dir, 'link.b'), target: join(dir, 'target') },
      changed: ['link'],
      mkdirs: [],
    });
    // Filesystem: a second mount point, created for the run
    expect(
      deriveSecond(md(p('device'), p('directory'), p('fstype')), { device: 'tmpfs', directory: join(dir, 'mnt'), fstype: 'tmpfs' }),
    ).toEqual({
      params: { device: 'tmpfs', directory: join(dir, 'mnt.b'), fstype: 'tmpfs' },
      changed: ['directory'],
      mkdirs: [join(dir, 'mnt.b')],
    });
    expect(deriveSecond(md(p('ip'), p('nic')), { ip: '192.0.2.1', nic: 'ocfk0' })).toMatchObject({
      params: { ip: '192.0.2.2', nic: 'ocfk0' },
    });
    expect(deriveSecond(md(p('ipv6addr')), { ipv6addr: '2001:db8::10' })).toMatchObject({ params: { ipv6addr: '2001:db8::11' } });
  });

  it('gives the reason, asking for --second, when nothing can tell two instances apart', () => {
    expect(deriveSecond(md(p('name', true)), { name: 'web' })).toMatch(
      /^cannot derive a second value for unique parameter name="web"; .*--second/,
    );
    // AudibleAlarm: no parameters at all
    expect(deriveSecond(md(p('nodelist')), {})).toMatch(/^no parameter tells two instances apart.*--second NAME=VALUE/);
    expect(deriveSecond(md(), { binfile: '/bin/sleep' })).toMatch(/^no parameter tells two instances apart/);
    expect(deriveSecond(undefined, {})).toMatch(/^no usable meta-data/);
  });

  it('nextAddress stays inside the range', () => {
    expect([nextAddress('192.0.2.254'), nextAddress('198.51.100.0/24'), nextAddress('fe80::ffff'), nextAddress('300.1.1.1')]).toEqual([
      '192.0.2.253',
      '198.51.101.0/24', // a route's destination network: the next network, not an address inside it
      'fe80::fffe',
      undefined,
    ]);
  });
});
