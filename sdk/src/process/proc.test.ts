import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive, listPids, parseProcStat, procCmdline, processLiveness, processStartMs, procLink, procUid, readProcStat } from './proc';

describe('parseProcStat', () => {
  it('reads the fields after a comm holding spaces and parentheses', () => {
    expect(parseProcStat('42 (my (odd) name) S 1 42 42 0 -1 4194560 0 0 0 0 11 12 13 14 20 0 1 0 777 0 0')).toEqual({
      pid: 42,
      comm: 'my (odd) name',
      state: 'S',
      ppid: 1,
      pgrp: 42,
      session: 42,
      startTicks: 777,
      cpuTicks: { user: 11, system: 12, childrenUser: 13, childrenSystem: 14 },
    });
  });

  it('is undefined for a truncated or garbled line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('42 (x')).toBeUndefined();
    expect(parseProcStat('42 (x) S 1 2')).toBeUndefined();
  });
});

describe('this process through /proc', () => {
  it('sees itself: state, uid, argv, cwd, start time', () => {
    const stat = readProcStat(process.pid);
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.ppid).toBe(process.ppid);
    expect(procUid(process.pid)).toBe(process.getuid?.());
    expect(procLink(process.pid, 'cwd')).toEqual({ target: process.cwd() });
    const started = processStartMs(process.pid) as number;
    expect(Math.abs(started - (Date.now() - process.uptime() * 1000))).toBeLessThan(2000);
    expect(listPids()).toContain(process.pid);
    expect(processLiveness(process.pid)).toBe('alive');
  });

  it('a pid that does not exist is gone, everywhere', () => {
    const pid = 2 ** 22 + 1; // above pid_max's ceiling
    expect(processLiveness(pid)).toBe('gone');
    expect(isAlive(pid)).toBe(false);
    expect(readProcStat(pid)).toBeUndefined();
    expect(procLink(pid, 'cwd')).toEqual({ gone: true });
    expect(processLiveness(0)).toBe('gone');
    expect(processLiveness(-1)).toBe('gone');
  });

  it('a child is alive with its argv until it exits and is reaped, then gone', async () => {
    const c = spawn('sh', ['-c', 'read x', 'reader'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((r) => c.once('spawn', r));
    const pid = c.pid as number;
    expect(processLiveness(pid)).toBe('alive');
    expect(procCmdline(pid)).toEqual(['sh', '-c', 'read x', 'reader']);
    c.stdin?.end('\n');
    await new Promise((r) => c.once('exit', r));
    expect(processLiveness(pid)).toBe('gone');
  });
});
