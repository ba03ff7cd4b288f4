import { fstatSync, writeSync } from 'node:fs';
import type { Agent } from '../define-agent';
import type { ParamSpecs } from '../params/types';
import { type ExecuteOptions, execute } from './execute';
import { HELPER_ACTION, runHelper } from './helper';

/**
 * Writes straight to a file descriptor. `process.stdout`/`stderr` would build stream objects on
 * first use (~5 ms per start); an agent writes a few lines at most. Retries while a non-blocking
 * pipe is full.
 */
function writeFd(fd: number, text: string): void {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * `isatty(fd)` without `node:tty`, which loads `net` and the whole streams stack (~25 modules, a
 * few ms per start): on Linux a terminal is a character device with a tty major number
 * (4 and 5: consoles and /dev/tty; 136-143: pseudo-terminals).
 */
export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    const major = Math.floor(st.rdev / 256) & 0xfff;
    return major === 4 || major === 5 || (major >= 136 && major <= 143);
  } catch {
    return false;
  }
}

/**
 * The entry point of an agent executable and the only code that exits: reads the action from
 * `argv[2]` and the environment once, runs it, and exits with the OCF code.
 *
 * @example
 * run(agent); // in the generated entry of a built agent
 */
export function run<P extends ParamSpecs>(agent: Agent<P>, options: ExecuteOptions = {}): void {
  // Should the event loop ever empty before a verdict, Node must not exit 0 ("running").
  process.exitCode = 1;
  if (process.argv[2] === HELPER_ACTION) {
    void runHelper(agent, process.argv[3], process.argv.slice(4), process.env, (t) => writeFd(2, t)).then((rc) => process.exit(rc));
    return;
  }
  execute(
    agent,
    {
      action: process.argv[2],
      env: process.env,
      stdout: (t) => writeFd(1, t),
      stderr: (t) => writeFd(2, t),
      tty: isTerminal(1),
    },
    options,
  ).then(
    // Leave even if a handle (a stray timer, a child) is still open: the action is over.
    (rc) => process.exit(rc),
    (err: unknown) => {
      writeFd(2, `${process.env.OCF_EXIT_REASON_PREFIX || 'ocf-exit-reason:'}internal error: ${String(err).slice(0, 100)}\n`);
      process.exit(1);
    },
  );
}
