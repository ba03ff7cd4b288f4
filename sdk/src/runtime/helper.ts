import type { Agent } from '../define-agent';
import { createExec } from '../exec/exec';
import type { Exec } from '../exec/types';
import { createLogger, type Logger } from '../log/logger';
import type { ParamSpecs } from '../params/types';

/**
 * `argv[2]` that makes an agent executable run one of its helpers instead of an OCF action:
 * `<agent> ocfkit-helper NAME ARGS...`. Pacemaker never passes it; a single-file agent has no
 * second file, so a long-lived helper process (diskcheck's checker) is the agent itself.
 */
export const HELPER_ACTION = 'ocfkit-helper';

/** What a helper gets: its arguments, the environment, a logger and the argv-only exec. */
export interface HelperContext {
  /** The words after the helper's name. */
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** As `ctx.exec`; bounded by `signal` and each call's own `timeoutMs`. */
  exec: Exec;
  /** Aborted by SIGTERM/SIGINT: the helper should finish and resolve. */
  signal: AbortSignal;
}

/** A helper process body: resolves when the helper is done (exit 0), rejects on failure (exit 1). */
export type Helper = (h: HelperContext) => Promise<void>;

/**
 * Runs helper `name` of `agent` until it settles and returns the exit code: 0 when it resolved,
 * 1 when it rejected (the error logged) or no such helper exists (2).
 *
 * @example
 * const rc = await runHelper(agent, 'checker', ['a', 'b'], process.env, (t) => process.stderr.write(t));
 */
export async function runHelper<P extends ParamSpecs>(
  agent: Agent<P>,
  name: string | undefined,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  stderr: (text: string) => void,
): Promise<number> {
  const log = createLogger({ env, tag: `${agent.name}(${name ?? '?'})[${process.pid}]`, writeStderr: stderr });
  const helper = name === undefined ? undefined : agent.helpers?.[name];
  if (helper === undefined) {
    log.error(`${agent.name} has no helper ${JSON.stringify(name)}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('terminated'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await helper({ args, env, log, exec: createExec({ env, signal: controller.signal, log }), signal: controller.signal });
    return 0;
  } catch (err) {
    log.error(`helper ${name}: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
