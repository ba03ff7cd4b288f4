import { OCF } from '../codes';
import { OcfError } from '../errors';
import type { Logger } from '../log/logger';
import { redact } from '../params/private';
import { MAX_TIMER_MS } from '../runtime/deadline';
import { killTree } from './kill-tree';
import type { Exec, ExecOptions, ExecResult } from './types';

export interface ExecDeps {
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: Logger;
  /** Values redacted in every trace and error, on top of each command's own `redact`. */
  secrets?: readonly string[];
  /** Variables of `env` the children do not get (the `OCF_RESKEY_*` of private parameters). */
  hiddenEnv?: readonly string[];
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}

type ZxCore = typeof import('zx/core');
let zx: Promise<ZxCore> | undefined;

/**
 * Creates the deadline-aware exec helper. zx is imported on the first command only, so agents
 * that run no command never pay for it. Every child stays in the agent's process group (so
 * Pacemaker's group SIGKILL reaches it) and is killed, with its descendants, when the deadline
 * signal aborts. Arguments are quoted by zx, never pasted raw into the shell string; stdin is
 * /dev/null unless `input` is given, which also keeps bash from reading rc files.
 */
export function createExec(deps: ExecDeps): Exec {
  return async (file, args = [], options: ExecOptions = {}) => {
    const argv = options.user ? ['runuser', '-u', options.user, '--', file, ...args] : [file, ...args];
    const secrets = [...(deps.secrets ?? []), ...(options.redact ?? [])];
    const shown = redact(argv.join(' '), secrets);
    deps.log.trace(`exec ${shown}`);
    if (deps.signal.aborted) throw new OcfError(OCF.ERR_GENERIC, `deadline passed before running ${file}`);
    zx ??= import('zx/core');
    const { $ } = await zx;
    const started = Date.now();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(deps.env)) if (v !== undefined) env[k] = v;
    for (const k of deps.hiddenEnv ?? []) delete env[k];
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const p = $({
      env,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.input !== undefined ? { input: options.input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
      nothrow: true,
      quiet: true,
      verbose: false,
      killSignal: 'SIGKILL',
      prefix: '',
      postfix: '',
    })`exec ${argv}`;
    // Not zx's `signal` option: it kills only the direct child, orphaning grandchildren.
    const onAbort = () => {
      if (p.pid !== undefined) killTree(p.pid);
    };
    deps.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              onAbort();
            },
            Math.min(MAX_TIMER_MS, options.timeoutMs),
          );
    let out: Awaited<typeof p>;
    try {
      out = await p;
    } finally {
      deps.signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    }
    if (deps.signal.aborted) throw new OcfError(OCF.ERR_GENERIC, `${file} killed: action deadline reached`);
    const okCodes = options.okCodes ?? [0];
    const result: ExecResult = {
      command: argv,
      exitCode: out.exitCode,
      signal: out.signal,
      stdout: out.stdout,
      stderr: out.stderr,
      durationMs: Date.now() - started,
      timedOut,
      ok: out.exitCode !== null && okCodes.includes(out.exitCode),
    };
    deps.log.trace(`exit ${result.exitCode ?? result.signal} after ${result.durationMs} ms: ${file}`);
    if (options.check === false || result.ok) return result;
    if (result.exitCode === 127) throw new OcfError(OCF.ERR_INSTALLED, `command not found: ${file}`);
    if (result.exitCode === 126) throw new OcfError(OCF.ERR_PERM, `cannot execute ${file}: permission denied`);
    const why = timedOut ? `timed out after ${options.timeoutMs} ms` : `exited ${result.exitCode ?? `on ${result.signal}`}`;
    const detail = redact(lastLine(result.stderr) || lastLine(result.stdout), secrets);
    throw new OcfError(OCF.ERR_GENERIC, `${shown} ${why}${detail ? `: ${detail}` : ''}`);
  };
}
