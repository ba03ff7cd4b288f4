import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pinCommonJs } from './module-type';

describe('pinning CommonJS for a staging tree', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('pins the tree when it sits inside an ESM package, so the agents are not read as ESM', () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pin-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "acme", "type": "module" }');
    const dest = join(dir, 'root/usr/lib/ocf/resource.d/acme');
    mkdirSync(dest, { recursive: true });
    expect(pinCommonJs(dest, join(dir, 'root/usr/lib/ocf'))).toBe(join(dir, 'root/usr/lib/ocf/package.json'));
    expect(readFileSync(join(dir, 'root/usr/lib/ocf/package.json'), 'utf8')).toBe('{ "type": "commonjs" }\n');
    expect(pinCommonJs(dest, join(dir, 'root/usr/lib/ocf'))).toBeUndefined();
  });

  it('writes nothing under a CommonJS package or none', () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pin-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "acme" }');
    const dest = join(dir, 'root/usr/lib/ocf/resource.d/acme');
    mkdirSync(dest, { recursive: true });
    expect(pinCommonJs(dest, join(dir, 'root/usr/lib/ocf'))).toBeUndefined();
    expect(existsSync(join(dir, 'root/usr/lib/ocf/package.json'))).toBe(false);
  });
});
