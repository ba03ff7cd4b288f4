/** Options for one command. */
export interface ExecOptions {
  /** Throw an OcfError when the command fails (default true): 5 when it is not installed, else 1. */
  check?: boolean;
  /**
   * Extra environment variables, merged over the agent's own environment. A key set to
   * `undefined` is removed from the child's environment (e.g. a password the child must not inherit).
   */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Text written to the command's stdin (otherwise stdin is /dev/null). */
  input?: string;
  /** Kill the command (SIGKILL) after this many ms; the action deadline applies anyway. */
  timeoutMs?: number;
  /** Run as this user through `runuser -u USER --` (argv-safe). */
  user?: string;
  /** Exit codes that count as success when `check` is on (default `[0]`). */
  okCodes?: readonly number[];
  /** Replace these strings with `***` in errors and logs (passwords). */
  redact?: readonly string[];
}

/** A finished command: one flat record. */
export interface ExecResult {
  command: readonly string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  ok: boolean;
}

/**
 * Runs `file` with `args` as separate argv words (never through an unquoted shell string).
 *
 * @example
 * const r = await ctx.exec('ip', ['-o', 'addr', 'show', 'dev', nic]);
 */
export type Exec = (file: string, args?: readonly string[], options?: ExecOptions) => Promise<ExecResult>;
