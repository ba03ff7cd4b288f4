import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands, findToolstack } from './toolstack';

const root = mkdtempSync(join(tmpdir(), 'ocfkit-xen-ts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function bin(dir: string, name: string, mode = 0o755): void {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, name), '#!/bin/sh\n');
  chmodSync(join(root, dir, name), mode);
}

describe('findToolstack', () => {
  it('prefers xl anywhere on PATH over xm', () => {
    bin('a', 'xm');
    bin('b', 'xl');
    expect(findToolstack({ PATH: `${root}/a:${root}/b` })).toEqual({ kind: 'xl', path: `${root}/b/xl` });
  });

  it('falls back to xm; ignores files that are not executable', () => {
    bin('c', 'xl', 0o644);
    bin('d', 'xm');
    expect(findToolstack({ PATH: `${root}/c:${root}/d` })).toEqual({ kind: 'xm', path: `${root}/d/xm` });
  });

  it("is absent under ocf-tester's OCF_TESTER_FAIL_HAVE_BINARY=1", () => {
    expect(findToolstack({ PATH: `${root}/b`, OCF_TESTER_FAIL_HAVE_BINARY: '1' })).toBeUndefined();
  });
});

describe('commands', () => {
  const xl = commands({ kind: 'xl', path: '/usr/sbin/xl' });
  const xm = commands({ kind: 'xm', path: '/usr/sbin/xm' });
  it('xl quotes the name override (config syntax), xm does not', () => {
    expect(xl.create('/etc/xen/a.cfg', 'a', 2048)).toEqual(['create', '/etc/xen/a.cfg', 'name="a"', 'memory=2048']);
    expect(xm.create('/etc/xen/a.cfg', 'a')).toEqual(['create', '/etc/xen/a.cfg', 'name=a']);
  });
  it('xm migrates with --live; xl mem-set carries a unit', () => {
    expect(xl.migrate('a', '10.0.0.2')).toEqual(['migrate', 'a', '10.0.0.2']);
    expect(xm.migrate('a', '10.0.0.2')).toEqual(['migrate', '--live', 'a', '10.0.0.2']);
    expect(xl.memSet('a', 1024)).toEqual(['mem-set', 'a', '1024m']);
    expect(xm.memSet('a', 1024)).toEqual(['mem-set', 'a', '1024']);
    expect(xl.powerButton('a')).toEqual(['trigger', 'a', 'power']);
  });
});
