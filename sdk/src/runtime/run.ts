import type { Agent } from '../define-agent';
import type { ParamSpecs } from '../params/types';
import { type ExecuteOptions, execute } from './execute';

/**
 * The entry point of an agent executable and the only code that exits: reads the action from
 * `argv[2]` and the environment once, runs it, and exits with the OCF code.
 *
 * @example
 * run(agent); // in the generated entry of a built agent
 */
export function run<P extends ParamSpecs>(agent: Agent<P>, options: ExecuteOptions = {}): void {
  execute(
    agent,
    {
      action: process.argv[2],
      env: process.env,
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      tty: process.stdout.isTTY === true,
    },
    options,
  ).then(
    (rc) => {
      process.exitCode = rc;
      // Flush pending writes, then leave even if a handle (a stray timer, a child) is still open.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(rc)));
    },
    (err: unknown) => {
      process.stderr.write(`ocf-exit-reason:internal error: ${String(err).slice(0, 100)}\n`);
      process.exit(1);
    },
  );
}
