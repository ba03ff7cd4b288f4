import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartMs, readProcStat } from '@ocfkit/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataDirArg, identifyPid, identifyPostmaster, parseLockFile, serverProcesses } from './postmaster';
import { postmasterPid } from './test/postmaster-pid';

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
const SLEEP = /^sleep$/;

describe('postmaster.pid', () => {
  it('parses every line PostgreSQL writes', () => {
    const text = '4711\n/var/lib/pg\n1700000000\n5432\n/run/postgresql\n*\n  5432001     32768\nready   \n';
    expect(parseLockFile(text)).toEqual({
      pid: 4711,
      dataDir: '/var/lib/pg',
      startSec: 1700000000,
      port: 5432,
      socketDir: '/run/postgresql',
      shmKey: 5432001,
      shmId: 32768,
      status: 'ready',
    });
    // While the postmaster starts, only the first lines exist.
    expect(parseLockFile('4711\n/var/lib/pg\n')).toEqual({ pid: 4711, dataDir: '/var/lib/pg' });
  });

  it('postmasterPid reads the first line; undefined without a file, a directory, or with garbage', () => {
    expect(postmasterPid(dir)).toBeUndefined();
    writeFileSync(join(dir, 'postmaster.pid'), '4711\n/var/lib/pg\n1700000000\n5432\n');
    expect(postmasterPid(dir)).toBe(4711);
    expect(postmasterPid(join(dir, 'missing'))).toBeUndefined();
    writeFileSync(join(dir, 'file'), '');
    expect(postmasterPid(join(dir, 'file'))).toBeUndefined();
    writeFileSync(join(dir, 'postmaster.pid'), 'x12\n');
    expect(postmasterPid(dir)).toBeUndefined();
    writeFileSync(join(dir, 'postmaster.pid'), '0\n');
    expect(postmasterPid(dir)).toBeUndefined();
  });

  it('dataDirArg finds -D in both spellings', () => {
    expect(dataDirArg(['/usr/lib/postgresql/15/bin/postgres', '-D', '/d', '-c', 'x=y'])).toBe('/d');
    expect(dataDirArg(['postgres', '-D/d'])).toBe('/d');
    expect(dataDirArg(['postgres', '-c', 'config_file=/etc/pg.conf'])).toBeUndefined();
  });
});

describe('identifyPostmaster (with ptrace access: the working directory decides)', () => {
  it('is live for a process of the owner, with the name, working in the data directory', async () => {
    const pid = (await started('sleep', ['30'])).pid as number;
    writeFileSync(join(dir, 'postmaster.pid'), `${pid}\n${dir}\n`);
    expect(identifyPostmaster(dir, uid, SLEEP)).toEqual({ kind: 'live', pid, how: 'working directory' });
  });

  it('is gone without a file, for a vanished pid, another uid, another name or another directory', async () => {
    expect(identifyPostmaster(dir, uid, SLEEP)).toEqual({ kind: 'gone', why: 'no postmaster.pid' });
    mkdirSync(join(dir, 'other'));
    const outside = (await started('sleep', ['30'], join(dir, 'other'))).pid as number;
    const inside = (await started('sleep', ['30'])).pid as number;
    const lock = (pid: number) => ({ pid });
    expect(identifyPid(lock(inside), dir, uid + 1, SLEEP)).toMatchObject({ kind: 'gone', why: `pid ${inside} now belongs to uid ${uid}` });
    expect(identifyPid(lock(inside), dir, uid)).toMatchObject({ kind: 'gone', why: `pid ${inside} is now sleep` });
    expect(identifyPid(lock(outside), dir, uid, SLEEP)).toMatchObject({
      kind: 'gone',
      why: `pid ${outside} works in ${join(dir, 'other')}, not ${dir}`,
    });
    const c = children.pop() as ChildProcess;
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    expect(identifyPid(lock(inside), dir, uid, SLEEP)).toMatchObject({ kind: 'gone', why: `postmaster ${inside} is gone` });
  });

  it('is gone for a zombie', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 30` and never reaps it: a real zombie.
    const c = await started('sh', ['-c', 'sleep 0 & exec sleep 30']);
    let zombie: number | undefined;
    for (let i = 0; i < 50 && zombie === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      zombie = childrenOf(c.pid as number).find((k) => readProcStat(k)?.state === 'Z');
    }
    expect(zombie).toBeDefined();
    expect(identifyPid({ pid: zombie as number }, dir, uid, SLEEP)).toMatchObject({ kind: 'gone', zombie: true });
  });
});

describe('identifyPostmaster evidence order', () => {
  // An unreadable cwd needs another user's process and no CAP_SYS_PTRACE: test/no-ptrace.test.ts
  // runs those cases for real. Here: a readable cwd outranks every weaker sign.
  it('a readable working directory elsewhere wins over a matching name and start time', async () => {
    // A "postgres" that is really sleep: comm comes from the file name exec'd.
    symlinkSync('/bin/sleep', join(dir, 'postgres'));
    const pid = (await started(join(dir, 'postgres'), ['30'], '/')).pid as number;
    const startSec = Math.floor((processStartMs(pid) as number) / 1000);
    // cwd readable ('/', not the data directory) → gone, whatever else matches.
    expect(identifyPid({ pid, startSec }, dir, uid)).toMatchObject({ kind: 'gone', why: `pid ${pid} works in /, not ${dir}` });
  });
});

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
    expect(serverProcesses(dir, uid, SLEEP)).toEqual([inside.pid]);
    expect(serverProcesses(dir, uid)).toEqual([]);
    expect(serverProcesses(dir, uid + 1, SLEEP)).toEqual([]);
    expect(serverProcesses(join(dir, 'missing'), uid, SLEEP)).toEqual([]);
  });
});
