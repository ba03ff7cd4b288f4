import { isAbsolute } from 'node:path';
import { fail, isExecutableFile } from '@ocfkit/sdk';
import type { Ctx } from './params';

type Which = 'local_start_script' | 'local_stop_script';

/** Why the configured program cannot be run, or undefined when it can (or none is set). */
function problem(ctx: Ctx, which: Which): string | undefined {
  const path = ctx.params[which];
  if (path === undefined || path === '') return undefined;
  if (!isAbsolute(path)) return `parameter "${which}" must be an absolute path, got ${JSON.stringify(path)}`;
  if (!isExecutableFile(path)) return `parameter "${which}": ${JSON.stringify(path)} is not an executable file`;
  return undefined;
}

/**
 * Refuses (6) a configured program that is not an absolute path to an executable file; start and
 * validate-all call it, so a typo is found before the address moves.
 *
 * @example
 * checkLocalScripts(ctx);
 */
export function checkLocalScripts(ctx: Ctx): void {
  for (const which of ['local_start_script', 'local_stop_script'] as const) {
    const why = problem(ctx, which);
    if (why !== undefined) fail.configured(why);
  }
}

/**
 * Runs the configured program for this step, if any. On stop a program that cannot be run is
 * logged and skipped: stop must still release the address.
 *
 * @example
 * await runLocalScript(ctx, 'local_start_script', 'eth0');
 */
export async function runLocalScript(ctx: Ctx, which: Which, nic: string): Promise<void> {
  const path = ctx.params[which];
  if (path === undefined || path === '') return;
  const why = problem(ctx, which);
  if (why !== undefined) {
    ctx.log.warn(`${why}: not run`);
    return;
  }
  const r = await ctx.exec(path, [ctx.params.ip, nic], { check: false });
  const how = r.timedOut ? 'timed out' : r.signal !== null ? `was killed by ${r.signal}` : `exited ${r.exitCode}`;
  const detail = r.stderr.trim() === '' ? '' : `: ${r.stderr.trim().split('\n').slice(-1)[0]}`;
  if (r.exitCode === 0) ctx.log.info(`${which} ${path} ${ctx.params.ip} ${nic} exited 0`);
  else ctx.log.warn(`${which} ${path} ${ctx.params.ip} ${nic} ${how}${detail} (ignored, as heartbeat IPaddr does)`);
}
