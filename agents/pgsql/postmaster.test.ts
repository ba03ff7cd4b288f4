import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aliveAs, isPostmaster, postmasterPid, procInfo, serverProcesses } from './postmaster';

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-pm-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function started(cmd: string, args: string[], cwd = dir): Promise<ChildProcess> {
  const c = spawn(cmd, args, { cwd, stdio: 'ignore' });
  children.push(c);
  return new Promise((resolve, reject) => {
    c.once('spawn', () => resolve(c));
    c.once('error', reject);
  });
}

const uid = process.getuid?.() ?? 0;

describe('postmasterPid', () => {
  it('reads the first line of postmaster.pid', () => {
    writeFileSync(join(dir, 'postmaster.pid'), '4711\n/var/lib/pg\n1700000000\n5432\n');
    expect(postmasterPid(dir)).toBe(4711);
  });

  it('is undefined without a file, without a directory, or with garbage', () => {
    expect(postmasterPid(dir)).toBeUndefined();
    expect(postmasterPid(join(dir, 'missing'))).toBeUndefined();
    writeFileSync(join(dir, 'file'), '');
    expect(postmasterPid(join(dir, 'file'))).toBeUndefined();
    writeFileSync(join(dir, 'postmaster.pid'), 'x12\n');
    expect(postmasterPid(dir)).toBeUndefined();
  });
});

describe('procInfo and aliveAs', () => {
  it('sees a live process of its owner only', async () => {
    const c = await started('sleep', ['30']);
    const pid = c.pid as number;
    expect(procInfo(pid)).toMatchObject({ pid, uid, name: 'sleep' });
    expect(aliveAs(pid, uid)).toBe(true);
    expect(aliveAs(pid, uid + 1)).toBe(false);
  });

  it('counts a zombie and a vanished pid as dead', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 30` and never reaps it: a real zombie.
    const c = await started('sh', ['-c', 'sleep 0 & exec sleep 30']);
    let zombie: number | undefined;
    for (let i = 0; i < 50 && zombie === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const kids = childrenOf(c.pid as number);
      zombie = kids.find((k) => procInfo(k)?.state === 'Z');
    }
    expect(zombie).toBeDefined();
    expect(aliveAs(zombie as number, uid)).toBe(false);
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    expect(procInfo(c.pid as number)).toBeUndefined();
    expect(aliveAs(c.pid as number, uid)).toBe(false);
  });
});

/** Direct children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('serverProcesses', () => {
  it('finds live processes of the owner working in the data directory, by name', async () => {
    const inside = await started('sleep', ['30']);
    mkdirSync(join(dir, 'other'));
    await started('sleep', ['30'], join(dir, 'other'));
    expect(serverProcesses(dir, uid, /^sleep$/)).toEqual([inside.pid]);
    expect(serverProcesses(dir, uid)).toEqual([]);
    expect(serverProcesses(dir, uid + 1, /^sleep$/)).toEqual([]);
    expect(serverProcesses(join(dir, 'missing'), uid, /^sleep$/)).toEqual([]);
  });
});

describe('isPostmaster', () => {
  it('needs the owner, the name and the data directory as working directory', async () => {
    const inside = (await started('sleep', ['30'])).pid as number;
    mkdirSync(join(dir, 'other'));
    const outside = (await started('sleep', ['30'], join(dir, 'other'))).pid as number;
    expect(isPostmaster(inside, uid, dir, /^sleep$/)).toBe(true);
    expect(isPostmaster(inside, uid, dir)).toBe(false);
    expect(isPostmaster(inside, uid + 1, dir, /^sleep$/)).toBe(false);
    expect(isPostmaster(outside, uid, dir, /^sleep$/)).toBe(false);
    expect(isPostmaster(inside, uid, join(dir, 'missing'), /^sleep$/)).toBe(false);
  });
});
