import { spawn } from 'node:child_process';
import { BoundedCapture } from './capture';
import { type ExecutorClock, systemClock, type TimerHandle } from './clock';
import { handTo, type WarmRunner } from './warm';

/** Everything needed to start one agent process. */
interface LaunchOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  uid?: number;
  gid?: number;
  /** Kill the process group after this long (the timer starts at fork, as in execd). */
  timeoutMs: number;
  /** `undefined`: SIGKILL the group at the timeout (execd). A number: SIGTERM, wait, SIGKILL (Heartbeat lrmd). */
  termGraceMs?: number;
  captureBytes: number;
  /** Timestamps and the timeout/grace timers (default: the real clock). */
  clock?: ExecutorClock;
  /**
   * A pre-started warm runner to hand the agent to instead of spawning `command` (which must then
   * be the agent file itself, run with `args`): same process group, pipes, timers and kills.
   */
  warm?: WarmRunner;
}

/** How a launched process ended, before any OCF mapping. */
export interface RawOutcome {
  /** errno code (`ENOENT`, `EACCES`, ...) when the process could not be started at all. */
  spawnError?: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  stdout: string;
  stderr: string;
  /** The tail of dropped stderr, so the last exit-reason line survives truncation. */
  stderrDroppedTail: string;
  truncated: boolean;
  startedAt: number;
  finishedAt: number;
}

/** A running agent process. */
export interface Launched {
  pid: number | undefined;
  done: Promise<RawOutcome>;
  /** SIGKILL the whole process group and report the op as cancelled. */
  cancel(): void;
}

/** After the agent exits, how long to wait for pipes that a leftover child may hold open. */
const DRAIN_MS = 200;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Starts an agent the way execd does: its own process group (Node's `detached` = setsid, so the
 * group id is the pid), stdin from /dev/null, stdout/stderr captured (bounded), no other fds.
 * At the timeout the whole group gets SIGKILL, or SIGTERM then SIGKILL after `termGraceMs`;
 * in that mode the group is also SIGKILLed as soon as the agent itself exits, so no child of a
 * timed-out agent survives. The op ends when the agent exits (not when leftover children close
 * the pipes).
 *
 * @example
 * const p = launch({ command: '/usr/lib/ocf/resource.d/heartbeat/Dummy', args: ['monitor'],
 *   env, cwd: '/', timeoutMs: 20_000, captureBytes: 1 << 20 });
 * const outcome = await p.done;
 */
export function launch(opts: LaunchOptions): Launched {
  const out = new BoundedCapture(opts.captureBytes);
  const err = new BoundedCapture(opts.captureBytes);
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  let timedOut = false;
  let cancelled = false;
  let graceTimer: TimerHandle | undefined;
  const child = opts.warm
    ? handTo(opts.warm, { file: opts.command, args: opts.args, env: opts.env, cwd: opts.cwd })
    : spawn(opts.command, opts.args, {
        env: opts.env,
        cwd: opts.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      });
  const pid = child.pid;
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const timer = clock.setTimer(() => {
    timedOut = true;
    if (opts.termGraceMs === undefined) {
      killGroup(pid, 'SIGKILL');
      return;
    }
    killGroup(pid, 'SIGTERM');
    graceTimer = clock.setTimer(() => killGroup(pid, 'SIGKILL'), opts.termGraceMs);
  }, opts.timeoutMs);

  const done = new Promise<RawOutcome>((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clock.clearTimer(timer);
      clock.clearTimer(graceTimer);
      const o = out.result();
      const e = err.result();
      resolve({
        ...(spawnError !== undefined ? { spawnError } : {}),
        exitCode,
        signal,
        timedOut,
        cancelled,
        stdout: o.text,
        stderr: e.text,
        stderrDroppedTail: e.droppedTail,
        truncated: o.truncated || e.truncated,
        startedAt,
        finishedAt: clock.now(),
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (pid === undefined) finish(null, null, e.code ?? 'UNKNOWN');
    });
    child.on('exit', (code, signal) => {
      if (pid === undefined) return; // a spawn failure: reported by 'error'
      clock.clearTimer(timer);
      // Heartbeat mode: the agent died of (or after) SIGTERM; its children must not outlive it.
      if (timedOut || cancelled) killGroup(pid, 'SIGKILL');
      // (A real timer, not the clock's: it waits for pipes, not for the op.)
      // On a loaded host this timer can be due before the loop has read what the agent wrote:
      // give the poll phase one turn (setImmediate runs after it) before dropping the pipes.
      const drain = setTimeout(
        () =>
          setImmediate(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish(code, signal);
          }),
        DRAIN_MS,
      );
      child.on('close', () => {
        clearTimeout(drain);
        finish(code, signal);
      });
    });
  });

  return {
    pid,
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      killGroup(pid, 'SIGKILL');
    },
  };
}
