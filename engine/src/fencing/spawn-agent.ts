import { spawn } from 'node:child_process';
import { BoundedCapture } from '../lrmd/capture';

/** How one run of a fence agent ended (execd-style two axes: rc and execution status). */
export interface AgentRun {
  /** The agent's exit code; 1 when it could not run or was killed. */
  rc: number;
  execStatus: 'done' | 'timeout' | 'not-installed' | 'error';
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Why it did not run to completion (spawn error, signal, timeout). */
  reason?: string;
}

export interface SpawnRequest {
  /** Absolute path of the fence agent. */
  path: string;
  /** Written to stdin, then stdin is closed (RHCS agents read `key=value` lines until EOF). */
  stdin: string;
  timeoutMs: number;
  /** Extra argv (only `-o metadata` is ever passed; actions go through stdin). */
  args?: string[];
  env?: Record<string, string>;
}

/** Runs a fence agent; the fencing service's only contact with processes (tests inject their own). */
export type SpawnAgent = (req: SpawnRequest) => Promise<AgentRun>;

const CAPTURE = 256 * 1024;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Spawns a fence agent in its own process group with the arguments on stdin, and SIGKILLs the
 * whole group at the timeout, as pacemaker-fenced does through its services library.
 *
 * @example
 * const r = await spawnAgent({ path: '/usr/sbin/fence_dummy', stdin: 'action=monitor\n', timeoutMs: 20_000 });
 * r.rc // 0
 */
export const spawnAgent: SpawnAgent = (req) =>
  new Promise((resolve) => {
    const started = Date.now();
    const out = new BoundedCapture(CAPTURE);
    const err = new BoundedCapture(CAPTURE);
    let timedOut = false;
    let settled = false;
    const child = spawn(req.path, req.args ?? [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: req.env ?? { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
      cwd: '/',
    });
    const finish = (r: Omit<AgentRun, 'stdout' | 'stderr' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, stdout: out.result().text, stderr: err.result().text, durationMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, req.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // an agent that exits without reading stdin
    child.stdin.end(req.stdin);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT' || e.code === 'EACCES';
      finish({ rc: 1, execStatus: missing ? 'not-installed' : 'error', reason: `${req.path}: ${e.code ?? e.message}` });
    });
    child.on('exit', (code, signal) => {
      // Children that hold the pipes open must not keep the result waiting (nor outlive a timeout).
      if (timedOut) killGroup(child.pid);
      const done = () =>
        timedOut
          ? finish({ rc: 1, execStatus: 'timeout', reason: `timed out after ${req.timeoutMs} ms` })
          : signal
            ? finish({ rc: 1, execStatus: 'error', reason: `killed by ${signal}` })
            : finish({ rc: code ?? 1, execStatus: 'done' });
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done();
      }, 200);
      child.on('close', () => {
        clearTimeout(drain);
        done();
      });
    });
  });
