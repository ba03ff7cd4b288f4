import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAttributes, saveAttributes } from './persist';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'attrd-persist-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rec = { node: 'n1', name: 'a', value: 'x', committed: null, dampenMs: 5, commitAt: 9 };

describe('persistence', () => {
  it('round-trips with 0600 files in a 0700 directory', () => {
    const file = join(tmp(), 'state', 'attrd.json');
    saveAttributes(file, [rec]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(loadAttributes(file)).toEqual([rec]);
  });

  it('treats a missing file as empty and rejects loose permissions and foreign content', () => {
    const d = tmp();
    expect(loadAttributes(join(d, 'none.json'))).toEqual([]);
    const loose = join(d, 'loose.json');
    saveAttributes(loose, [rec]);
    chmodSync(loose, 0o644);
    expect(() => loadAttributes(loose)).toThrow(/has mode 644; it must be 600/);
    const foreign = join(d, 'foreign.json');
    writeFileSync(foreign, '{"version":2}', { mode: 0o600 });
    expect(() => loadAttributes(foreign)).toThrow(/not an ocfkit attrd file/);
  });
});
