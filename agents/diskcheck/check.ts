import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { procCmdline, processLiveness, readSmallFile } from '@ocfkit/sdk';
import { directReadArgs, type IoOutcome, runIo, syncWriteArgs } from './io';

/** What one health check looks at, and how long it may take. */
interface CheckSpec {
  /** Block device for the direct read check. */
  device?: string | undefined;
  /** Directory for the synchronous write check. */
  writeDir?: string | undefined;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after an I/O error (not after a hang: that would only block another process). */
  retries: number;
  retryDelayMs: number;
  /** The whole check must be over within this many ms (the action's remaining time). */
  budgetMs: number;
  /** Where the pid of a blocked I/O child is kept between checks. */
  stuckFile: string;
  /** Tags the write-check file so nodes sharing a directory never collide. */
  node: string;
}

interface CheckResult {
  healthy: boolean;
  /** What was checked and how it went, for logs and exit reasons. */
  detail: string;
}

/** The pid of a blocked I/O child from an earlier check, if that child still exists. */
function stillBlocked(stuckFile: string): number | undefined {
  const text = readSmallFile(stuckFile);
  if (text === undefined) return undefined;
  const pid = Number.parseInt(text, 10);
  if (processLiveness(pid) === 'alive') {
    const cmd = procCmdline(pid)?.[0];
    // undefined: /proc hides it — cannot tell, so still blocked (never "the disk answered").
    if (cmd === undefined || /(^|\/)(dd|rm)$/.test(cmd)) return pid;
  }
  // gone (the disk answered at last), or the pid now runs something else
  rmSync(stuckFile, { force: true });
  return undefined;
}

function describe(o: IoOutcome, timeoutMs: number): string {
  if (o.kind === 'ok') return 'ok';
  if (o.kind === 'error') return o.detail;
  return `no answer within ${timeoutMs} ms (I/O blocked${o.pid ? `, pid ${o.pid}` : ''})`;
}

async function attempt(spec: CheckSpec, timeoutMs: number): Promise<IoOutcome> {
  if (spec.device !== undefined) return runIo('dd', directReadArgs(spec.device), timeoutMs);
  const file = join(spec.writeDir as string, `.diskcheck-${spec.node}-${process.pid}`);
  const wrote = await runIo('dd', syncWriteArgs(file), timeoutMs);
  if (wrote.kind === 'hung') return wrote;
  const removed = await runIo('rm', ['-f', '--', file], timeoutMs);
  if (wrote.kind === 'error') return wrote;
  return removed.kind === 'error' ? { kind: 'error', detail: `cannot remove ${file}: ${removed.detail}` } : removed;
}

/**
 * One disk health check: a direct read of the device, or a synchronous write (then removal) in
 * the directory, retried after errors. A hang counts as a failure after `timeoutMs` and is
 * remembered: while that I/O is still blocked, later checks fail at once instead of piling up
 * more blocked processes.
 *
 * @example
 * const r = await checkDisk({ device: '/dev/sdb', timeoutMs: 10_000, retries: 1, retryDelayMs: 1000, budgetMs: 30_000, stuckFile, node: 'n1' });
 * r.healthy // false when the read failed or did not return in time
 */
export async function checkDisk(spec: CheckSpec): Promise<CheckResult> {
  const target = spec.device !== undefined ? `read of ${spec.device}` : `write in ${spec.writeDir}`;
  const blocked = stillBlocked(spec.stuckFile);
  if (blocked !== undefined) return { healthy: false, detail: `${target}: an earlier check's I/O (pid ${blocked}) is still blocked` };
  const end = Date.now() + spec.budgetMs;
  let last = 'not attempted';
  for (let i = 0; i <= spec.retries; i++) {
    const timeoutMs = Math.min(spec.timeoutMs, end - Date.now());
    if (timeoutMs <= 0) break;
    const o = await attempt(spec, timeoutMs);
    if (o.kind === 'ok') return { healthy: true, detail: `${target}: ok` };
    last = describe(o, timeoutMs);
    if (o.kind === 'hung') {
      if (o.pid !== undefined) {
        mkdirSync(dirname(spec.stuckFile), { recursive: true, mode: 0o755 });
        writeFileSync(spec.stuckFile, `${o.pid}\n`, { mode: 0o644 });
      }
      break;
    }
    if (i < spec.retries) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(spec.retryDelayMs, end - Date.now() - 1))));
  }
  return { healthy: false, detail: `${target}: ${last}` };
}
