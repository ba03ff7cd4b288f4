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

interface Finished {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The program could not be started (not found, not executable): the child never ran. */
  notStarted?: string;
}

/** How long output may still arrive after the command has exited. */
const EXIT_GRACE_MS = 200;

type ChildProcessModule = typeof import('node:child_process');
let childProcess: Promise<ChildProcessModule> | undefined;

/** What a shell would have said and exited with when the program cannot be started. */
function spawnFailure(file: string, err: NodeJS.ErrnoException): Finished {
  const failed = { signal: null, stdout: '', notStarted: file };
  if (err.code === 'ENOENT') return { ...failed, exitCode: 127, stderr: `${file}: command not found\n` };
  if (err.code === 'EACCES') return { ...failed, exitCode: 126, stderr: `${file}: permission denied\n` };
  return { ...failed, exitCode: 126, stderr: `${file}: ${err.message}\n` };
}

/**
 * Creates the deadline-aware exec helper. Commands run as argv, directly (no shell, so no word of
 * an argument is ever parsed as an option or a command by one, and no bash start-up per command);
 * node:child_process is loaded on the first command only. Every child stays in the agent's process
 * group (so Pacemaker's group SIGKILL reaches it) and is killed, with its descendants, when the
 * deadline signal aborts. stdin is /dev/null unless `input` is given.
 */
export function createExec(deps: ExecDeps): Exec {
  return async (file, args = [], options: ExecOptions = {}) => {
    const argv = options.user ? ['runuser', '-u', options.user, '--', file, ...args] : [file, ...args];
    const secrets = [...(deps.secrets ?? []), ...(options.redact ?? [])];
    const shown = redact(argv.join(' '), secrets);
    deps.log.trace(`exec ${shown}`);
    if (deps.signal.aborted) throw new OcfError(OCF.ERR_GENERIC, `deadline passed before running ${file}`);
    childProcess ??= import('node:child_process');
    const { spawn } = await childProcess;
    const started = Date.now();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(deps.env)) if (v !== undefined) env[k] = v;
    for (const k of deps.hiddenEnv ?? []) delete env[k];
    // With `input`, stdin is a socket pair, and a bash the command is (or starts) at shell level 1
    // with a socket on stdin takes itself for an rshd child and sources ~/.bashrc — which may
    // print, hang (pyenv's rehash lock) or eat the first lines of the input. Level 2 never does.
    if (options.input !== undefined && env.SHLVL === undefined) env.SHLVL = '1';
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const program = argv[0] as string;
    const child = spawn(program, argv.slice(1), {
      env,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const done = new Promise<Finished>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      const finish = (code: number | null, sig: string | null) =>
        resolve({ exitCode: code, signal: sig, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      child.on('error', (e: NodeJS.ErrnoException) => resolve(spawnFailure(program, e)));
      child.on('close', finish);
      // A background process the command left behind may hold its stdout open for ever: once the
      // command itself has exited, what is still in the pipe arrives at once; stop reading after that.
      child.on('exit', (code, sig) => {
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, sig);
        }, EXIT_GRACE_MS).unref();
      });
    });
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading its input (EPIPE)
      child.stdin.end(options.input);
    }
    const p = done;
    // The whole tree: killing only the direct child would orphan grandchildren.
    const onAbort = () => {
      if (child.pid !== undefined) killTree(child.pid);
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
    let out: Finished;
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
    // runuser itself missing is an installation problem, not the command's (nor a permission one).
    const missing = out.notStarted ?? file;
    const via = out.notStarted !== undefined && out.notStarted !== file ? ` (needed to run ${file} as ${options.user})` : '';
    if (result.exitCode === 127) throw new OcfError(OCF.ERR_INSTALLED, `command not found: ${missing}${via}`);
    if (result.exitCode === 126) throw new OcfError(OCF.ERR_PERM, `cannot execute ${missing}${via}: permission denied`);
    const why = timedOut ? `timed out after ${options.timeoutMs} ms` : `exited ${result.exitCode ?? `on ${result.signal}`}`;
    const detail = redact(lastLine(result.stderr) || lastLine(result.stdout), secrets);
    throw new OcfError(OCF.ERR_GENERIC, `${shown} ${why}${detail ? `: ${detail}` : ''}`);
  };
}
