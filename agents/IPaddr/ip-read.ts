/**
 * Read-only `ip` queries on the monitor path. They run through node's own `spawnSync` rather than
 * `ctx.exec`: its async pipes load node's net/stream
 * machinery; a monitor that only lists addresses must stay within 2x of `node -e 0`
 * (bench/ipaddr.bench.ts). The guarantees are the same for a short command with no children:
 * argv only (no shell), stdin closed (or the commands of an `ip -batch -`), in the agent's process group, SIGKILLed when the action's
 * deadline is reached. Every change to the system still goes through `ctx.exec`.
 */
import { spawnSync } from 'node:child_process';
import { OCF, OcfError } from '@ocfkit/sdk';
import type { Ctx } from './params';

/** What a finished read returned. */
interface ReadResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ip ARGS` and returns its output; `check` (default) turns a non-zero exit into an error
 * naming the command (5 when ip cannot be executed at all).
 *
 * @example
 * const { stdout } = await readIp(ctx, ['-o', '-4', 'addr', 'show']);
 */
export async function readIp(
  ctx: Ctx,
  args: readonly string[],
  options: { check?: boolean /** Standard input (`ip -batch -`'s commands), else none. */; input?: string } = {},
): Promise<ReadResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  // As ocf-binaries does: the system directories come after whatever PATH the daemon had.
  env.PATH = [env.PATH, '/sbin', '/bin', '/usr/sbin', '/usr/bin'].filter(Boolean).join(':');
  const shown = `ip ${args.join(' ')}${options.input === undefined ? '' : ` (${options.input.trim().split('\n').join('; ')})`}`;
  ctx.log.trace(`exec ${shown}`);
  const remaining = ctx.remainingMs();
  if (remaining <= 0) throw new OcfError(OCF.ERR_GENERIC, `deadline passed before running ${shown}`);
  const r = spawnSync('ip', args, {
    env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.input === undefined ? {} : { input: options.input }),
    encoding: 'utf8',
    timeout: remaining,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && ctx.remainingMs() <= 0)) {
    throw new OcfError(OCF.ERR_GENERIC, `${shown} killed: action deadline reached`);
  }
  if (code !== undefined) throw new OcfError(OCF.ERR_INSTALLED, `cannot run ip (${code}): ${r.error?.message}`);
  const exitCode = r.status ?? 1;
  if (exitCode !== 0 && options.check !== false) {
    throw new OcfError(OCF.ERR_GENERIC, `${shown} exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
  return { exitCode, stdout: r.stdout, stderr: r.stderr };
}
