import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ExecResult } from './docker-nodes';

/** Runs a command to completion (no shell) and returns its stdout; throws with its stderr when it fails. */
export function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Whether a named network namespace exists (`ip netns add` made it). */
export const namespaceExists = (name: string): boolean => existsSync(`/run/netns/${name}`);

/** Kills every process in a named network namespace (SIGKILL), then deletes it; a missing one is fine. */
export function removeNamespace(name: string): void {
  if (!namespaceExists(name)) return;
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawnSync('ip', ['netns', 'del', name]);
}

/** A fresh named network namespace with its loopback up (a leftover of the same name is removed first). */
export function addNamespace(name: string): void {
  removeNamespace(name);
  sh('ip', ['netns', 'add', name]);
  sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/**
 * Runs argv (no shell) with a deadline: past it the command is killed and the result is exit 124
 * with "timed out" on stderr, as DockerNodes.exec reports it.
 */
export function runCommand(
  argv: readonly string[],
  o: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  const timeoutMs = o.timeoutMs ?? 30_000;
  return new Promise((res) => {
    const c = spawn(cmd as string, args, { env: o.env ?? process.env, cwd: o.cwd ?? '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      c.kill('SIGKILL');
    }, timeoutMs);
    c.on('error', (err) => {
      clearTimeout(timer);
      res({ code: 127, stdout, stderr: `${cmd}: ${err.message}` });
    });
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) res({ code: 124, stdout, stderr: `timed out after ${timeoutMs} ms: ${argv.join(' ')}` });
      else res({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
