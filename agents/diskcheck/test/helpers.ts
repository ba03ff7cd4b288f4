import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readProcStat } from '@ocfkit/sdk';
import { buildAgent } from '@ocfkit/sdk/build';

/** Repository root (agents/diskcheck/test → ../../..). */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Builds diskcheck into `out` and returns the executable's path. */
export async function buildDiskcheck(out: string, provider = 'ocfkit'): Promise<string> {
  return (await buildAgent(join(ROOT, 'agents/diskcheck/agent.ts'), { out, provider })).output;
}

/**
 * Polls `read` until it returns `want`, at most `limitMs`; returns the milliseconds it took, or
 * throws with the last value seen.
 */
export async function waitForValue<T>(read: () => T | Promise<T>, want: T, limitMs: number): Promise<number> {
  const start = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (last === want) return Date.now() - start;
    if (Date.now() - start > limitMs) throw new Error(`expected ${String(want)} within ${limitMs} ms, still ${String(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Environment without the test runner's OCF variables (and the slow CA bundle). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) base[k] = v;
  delete base.NODE_EXTRA_CA_CERTS;
  return { ...base, ...extra };
}

/** Processes whose command line contains all of `words`, with their state letter. */
export function processes(...words: string[]): { pid: number; state: string }[] {
  const out: { pid: number; state: string }[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (!words.every((w) => argv.some((a) => a.includes(w)))) continue;
      const stat = readProcStat(Number(p));
      if (stat) out.push({ pid: stat.pid, state: stat.state });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Runs a command without blocking this process's event loop (the bundled attrd under test
 * answers from this same process, so spawnSync would starve it).
 */
export function runAsync(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
