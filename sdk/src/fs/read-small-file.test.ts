import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSmallFile } from './read-small-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-small-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readSmallFile', () => {
  it('reads a small regular file and treats a missing one as undefined', () => {
    writeFileSync(join(dir, 'pid'), '4711\n');
    expect(readSmallFile(join(dir, 'pid'))).toBe('4711\n');
    expect(readSmallFile(join(dir, 'none'))).toBeUndefined();
  });

  it('refuses /dev/zero, a FIFO without a writer (no hang) and an oversized file, naming the file', () => {
    expect(() => readSmallFile('/dev/zero')).toThrow('/dev/zero is not a regular file');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readSmallFile(fifo)).toThrow(`${fifo} is not a regular file`);
    writeFileSync(join(dir, 'big'), 'x'.repeat(100));
    expect(() => readSmallFile(join(dir, 'big'), 64)).toThrow(`${join(dir, 'big')} is 100 bytes; at most 64 expected`);
    expect(() => readSmallFile(dir)).toThrow(`${dir} is not a regular file`);
  });
});
