import { statSync } from 'node:fs';
import { findAgent } from './agent-path';
import type { ExecutorClock } from './clock';
import { agentEnv, type EnvContext, reportedEnv } from './env';
import { type Launched, launch } from './launch';
import { execErrorVerdict, type Verdict, verdict } from './outcome';
import type { OpRequest, OpResult, ResourceSpec } from './types';
import { launchAs, resolveUser } from './user';
import { type WarmPool, type WarmRunner, warmInterpreter } from './warm';

/** How much `meta-data` output is kept (other actions keep `captureBytes`, 1 MiB by default). */
const META_DATA_CAPTURE_BYTES = 64 << 20;
/** Executor-wide settings one op needs. */
export interface OpSettings extends EnvContext {
  searchPath: readonly string[];
  cwd: string;
  termGraceMs?: number;
  captureBytes: number;
  clock: ExecutorClock;
  /** Ops of `stonith:` resources (see ExecutorOptions.stonith). */
  stonith?: (spec: ResourceSpec, req: OpRequest) => Promise<Verdict>;
  /** Pre-started runners for agents built by `ocfkit build` (ExecutorOptions.warm); absent: every agent is exec'd. */
  warm?: WarmPool;
}

/** A ready warm runner for this op, when the agent is built by `ocfkit build` and runs as the daemon's own user. */
function warmRunnerFor(settings: OpSettings, file: string, req: OpRequest, env: Record<string, string>): WarmRunner | undefined {
  if (!settings.warm || req.user !== undefined) return undefined;
  // A missing cwd fails exec's spawn itself (ENOENT): left to it, so the result is the same.
  try {
    if (!statSync(settings.cwd).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const how = warmInterpreter(file, env);
  return how && settings.warm.take(how.node, how.argv0, env);
}

/** One op being executed: its result, and a way to kill it (reported as cancelled). */
export interface RunningOp {
  result: Promise<OpResult>;
  cancel(): void;
}

/** Where the agent file is, or why it cannot be run. */
function locate(settings: OpSettings, spec: ResourceSpec): { file: string } | { failed: Verdict } {
  if (spec.path !== undefined) {
    try {
      statSync(spec.path);
      return { file: spec.path };
    } catch (err) {
      return { failed: execErrorVerdict((err as NodeJS.ErrnoException).code ?? 'ENOENT') };
    }
  }
  const file = findAgent(settings.searchPath, spec.provider, spec.type);
  if (file !== undefined) return { file };
  const where = settings.searchPath.join(':');
  return {
    failed: {
      rc: 5,
      execStatus: 'not-installed',
      exitReason: `agent ocf:${spec.provider}:${spec.type} not found in ${where}`.slice(0, 128),
    },
  };
}

/**
 * Runs one op now (no queueing): locate the agent, build execd's environment, launch it in its
 * own process group with the timeout, and turn the outcome into an {@link OpResult}.
 *
 * @example
 * const op = runOp(settings, spec, { rsc: 'd1', action: 'monitor' }, 1, settings.clock.now());
 * const r = await op.result;
 */
export function runOp(settings: OpSettings, spec: ResourceSpec, req: OpRequest, callId: number, requestedAt: number): RunningOp {
  const timeoutMs = req.timeoutMs ?? 20_000;
  const env = agentEnv(settings, spec, req);
  const base = {
    rsc: req.rsc,
    ...(req.tag !== undefined ? { tag: req.tag } : {}),
    action: req.action,
    intervalMs: req.intervalMs ?? 0,
    callId,
    env: reportedEnv(env),
  };
  const early = (v: Verdict): RunningOp => {
    const now = settings.clock.now();
    return {
      result: Promise.resolve({
        ...base,
        ...v,
        durationMs: 0,
        queueMs: now - requestedAt,
        stdout: '',
        stderr: '',
        truncated: false,
        startedAt: now,
        finishedAt: now,
      }),
      cancel() {},
    };
  };
  if (spec.class === 'stonith') {
    if (!settings.stonith)
      return early({ rc: 5, execStatus: 'not-installed', exitReason: 'no fencing helper attached for stonith resources' });
    const startedAt = settings.clock.now();
    const result = settings
      .stonith(spec, req)
      .catch((err: Error): Verdict => ({ rc: 1, execStatus: 'error', exitReason: err.message.slice(0, 128) }))
      .then((v): OpResult => {
        const finishedAt = settings.clock.now();
        return {
          ...base,
          ...v,
          durationMs: finishedAt - startedAt,
          queueMs: startedAt - requestedAt,
          stdout: '',
          stderr: '',
          truncated: false,
          startedAt,
          finishedAt,
        };
      });
    return { result, cancel() {} };
  }
  const where = locate(settings, spec);
  if ('failed' in where) return early(where.failed);
  let how: ReturnType<typeof launchAs> = { command: where.file, args: [req.action], viaSetpriv: false };
  if (req.user !== undefined) {
    try {
      how = launchAs(resolveUser(req.user), where.file, req.action);
    } catch (err) {
      return early({ rc: 1, execStatus: 'error', exitReason: (err as Error).message });
    }
  }
  const warm = warmRunnerFor(settings, where.file, req, env);
  const started = settings.clock.now();
  let proc: Launched;
  try {
    proc = launch({
      command: how.command,
      args: how.args,
      env,
      cwd: settings.cwd,
      ...(how.uid !== undefined ? { uid: how.uid, gid: how.gid as number } : {}),
      timeoutMs,
      ...(settings.termGraceMs !== undefined ? { termGraceMs: settings.termGraceMs } : {}),
      // Meta-data is a document, not a log: big ones (10 MB of options) must arrive whole.
      captureBytes: req.action === 'meta-data' ? Math.max(settings.captureBytes, META_DATA_CAPTURE_BYTES) : settings.captureBytes,
      clock: settings.clock,
      ...(warm ? { warm } : {}),
    });
  } catch (err) {
    // spawn throws synchronously for some errors (EPERM on setuid without privileges, a NUL byte in a value)
    const e = err as NodeJS.ErrnoException;
    if (e.code !== undefined && /^E[A-Z]+$/.test(e.code)) return early(execErrorVerdict(e.code));
    return early({ rc: 1, execStatus: 'error', exitReason: e.message.slice(0, 128) });
  }
  const result = proc.done.then((o): OpResult => {
    const v = verdict(o, timeoutMs, how.viaSetpriv);
    return {
      ...base,
      ...v,
      ...(o.signal ? { signal: o.signal } : {}),
      durationMs: o.finishedAt - o.startedAt,
      queueMs: started - requestedAt,
      stdout: o.stdout,
      stderr: o.stderr,
      truncated: o.truncated,
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
    };
  });
  return { result, cancel: () => proc.cancel() };
}
