import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstTarFile } from './tar-file';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An archive made by GNU tar in `format`, holding `name` with `text`. */
function tarOf(name: string, text: string | Buffer, format: string): Buffer {
  writeFileSync(join(dir, name), text);
  const r = spawnSync('tar', ['-c', `--format=${format}`, '-C', dir, name], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tar: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('firstTarFile', () => {
  it.each(['ustar', 'gnu', 'pax'])('reads the file out of a %s archive', (format) => {
    const text = 'Dec 07 03:01:02 node1 pacemaker-controld  [61] (log_executor_event)  notice: Result of stop operation\n';
    expect(firstTarFile(tarOf('pacemaker.log', text, format))?.toString()).toBe(text);
  });

  it('skips a long-name entry and reads a file bigger than one block', () => {
    const name = `${'x'.repeat(120)}.log`;
    const text = Buffer.alloc(70_001, 'a');
    const out = firstTarFile(tarOf(name, text, 'gnu'));
    expect(out?.length).toBe(70_001);
    expect(out?.equals(text)).toBe(true);
  });

  it('says undefined for an empty archive, and names a truncated one', () => {
    expect(firstTarFile(Buffer.alloc(1024))).toBeUndefined();
    const whole = tarOf('big.log', Buffer.alloc(5000, 'b'), 'ustar');
    expect(() => firstTarFile(whole.subarray(0, 2048))).toThrow(/truncated: a file of 5000 bytes/);
  });
});
