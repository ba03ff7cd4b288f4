/**
 * Read-only `ip` queries on the monitor path. They run through node's own `execFile` rather than
 * `ctx.exec`: the SDK's exec loads zx on first use (~+30 % of node's start-up here), and a
 * monitor that only lists addresses must stay within 2x of `node -e 0` (bench/ipaddr.bench.ts).
 * The guarantees are the same for a command with no children: argv only (no shell), stdin
 * closed, in the agent's process group, SIGKILLed when the action's deadline aborts `ctx.signal`.
 * Every change to the system still goes through `ctx.exec`.
 */
import { execFile } from 'node:child_process';
import { OCF, OcfError } from '@ocfkit/sdk';
import type { Ctx } from './params';

/** What a finished read returned. */
export interface ReadResult {
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
export function readIp(ctx: Ctx, args: readonly string[], options: { check?: boolean } = {}): Promise<ReadResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  // As ocf-binaries does: the system directories come after whatever PATH the daemon had.
  env.PATH = [env.PATH, '/sbin', '/bin', '/usr/sbin', '/usr/bin'].filter(Boolean).join(':');
  ctx.log.trace(`exec ip ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ip',
      args,
      { env, signal: ctx.signal, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = (err as (NodeJS.ErrnoException & { code?: unknown }) | null)?.code;
        if (ctx.signal.aborted) return reject(new Error(`ip ${args.join(' ')} killed: action deadline reached`));
        if (typeof code === 'string') {
          return reject(new OcfError(OCF.ERR_INSTALLED, `cannot run ip (${code}): ${(err as Error).message}`));
        }
        const exitCode = typeof code === 'number' ? code : 0;
        if (exitCode !== 0 && options.check !== false) {
          return reject(new OcfError(OCF.ERR_GENERIC, `ip ${args.join(' ')} exited ${exitCode}: ${stderr.trim().split('\n').pop() ?? ''}`));
        }
        resolve({ exitCode, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
