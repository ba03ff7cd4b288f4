import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDisk } from './check';
import { recordedPid } from './checker';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'diskcheck-check-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const base = { timeoutMs: 5000, retries: 0, retryDelayMs: 10, budgetMs: 20_000, node: 'n1' };

describe('checkDisk (real files and processes; failing disks are in test/)', () => {
  it('write check: writes synchronously, removes its file, healthy', async () => {
    const d = tmp();
    const r = await checkDisk({ ...base, writeDir: d, stuckFile: join(d, 'stuck') });
    expect(r).toEqual({ healthy: true, detail: `write in ${d}: ok` });
    expect(readdirSync(d)).toEqual([]);
  });

  it('a missing directory or device is unhealthy, with dd saying why', async () => {
    const d = tmp();
    const w = await checkDisk({ ...base, retries: 2, writeDir: join(d, 'gone'), stuckFile: join(d, 'stuck') });
    expect(w.healthy).toBe(false);
    expect(w.detail).toMatch(/^write in .*\/gone: dd: failed to open .*No such file or directory$/);
    const r = await checkDisk({ ...base, device: join(d, 'nodev'), stuckFile: join(d, 'stuck') });
    expect(r).toEqual({ healthy: false, detail: `read of ${d}/nodev: dd: failed to open '${d}/nodev': No such file or directory` });
  });

  it('fails at once while an earlier blocked I/O process is still there, and forgets it once gone', async () => {
    const d = tmp();
    const stuck = join(d, 'stuck');
    // A live dd stands in for a blocked one: what matters is that the recorded pid is a dd.
    const { spawn } = await import('node:child_process');
    const dd = spawn('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=1000000000'], { stdio: 'ignore' });
    try {
      writeFileSync(stuck, `${dd.pid}\n`);
      const r = await checkDisk({ ...base, writeDir: d, stuckFile: stuck });
      expect(r).toEqual({ healthy: false, detail: `write in ${d}: an earlier check's I/O (pid ${dd.pid}) is still blocked` });
    } finally {
      dd.kill('SIGKILL');
      await new Promise((r) => dd.on('close', r));
    }
    const r = await checkDisk({ ...base, writeDir: d, stuckFile: stuck });
    expect(r.healthy).toBe(true);
    expect(existsSync(stuck)).toBe(false);
  });

  it('a pid that is not a dd/rm does not count as blocked I/O', async () => {
    const d = tmp();
    const stuck = join(d, 'stuck');
    writeFileSync(stuck, `${process.pid}\n`);
    expect((await checkDisk({ ...base, writeDir: d, stuckFile: stuck })).healthy).toBe(true);
    expect(existsSync(stuck)).toBe(false);
    expect(readFileSync(`/proc/${process.pid}/cmdline`, 'utf8')).not.toMatch(/^dd\0/);
  });
});

describe('recordedPid', () => {
  it('refuses a pidfile that is not a small regular file instead of reading it whole', () => {
    expect(() => recordedPid('/dev/zero')).toThrow('/dev/zero is not a regular file');
    expect(recordedPid('/nonexistent/diskcheck.pid')).toBeUndefined();
  });
});
