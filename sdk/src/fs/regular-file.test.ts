import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFailure, readRegularFile } from './regular-file';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-regular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file whole; a missing one is ENOENT as from readFileSync', () => {
    writeFileSync(join(dir, 'cib.xml'), '<cib/>\n');
    expect(readRegularFile(join(dir, 'cib.xml')).toString('utf8')).toBe('<cib/>\n');
    expect(() => readRegularFile(join(dir, 'none'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('refuses /dev/zero, a FIFO without a writer and a directory at once, naming them', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFile('/dev/zero')).toThrow('/dev/zero is not a regular file');
    expect(() => readRegularFile(fifo)).toThrow(`${fifo} is not a regular file`);
    expect(() => readRegularFile(dir)).toThrow(`${dir} is not a regular file`);
  });

  it('says why, without the path, for messages that name the file themselves', () => {
    const fifo = join(dir, 'fifo2');
    execFileSync('mkfifo', [fifo]);
    const why = (path: string) => {
      try {
        readRegularFile(path);
      } catch (err) {
        return readFailure(err);
      }
      return 'read';
    };
    expect(why('/dev/zero')).toBe('not a regular file (a character device)');
    expect(why(fifo)).toBe('not a regular file (a FIFO)');
    expect(why(dir)).toBe('not a regular file (a directory)');
    expect(why(join(dir, 'none'))).toBe('ENOENT (no such file or directory)');
  });
});
