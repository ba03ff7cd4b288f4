import { readFileSync, writeSync } from 'node:fs';
import { executeFence } from './execute';
import type { FenceAgent } from './types';

function write(fd: number, text: string): void {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

/**
 * The entry point of a fence-agent executable and the only code that exits: options from argv,
 * or (with none) `key=value` lines from stdin, as Pacemaker gives them. SIGTERM aborts the
 * handlers' signal.
 *
 * @example
 * runFenceAgent(agent); // in the generated entry of a built fence agent
 */
export function runFenceAgent(agent: FenceAgent): void {
  process.exitCode = 1;
  const ac = new AbortController();
  process.once('SIGTERM', () => ac.abort());
  executeFence(agent, {
    argv: process.argv.slice(2),
    stdin: () => {
      try {
        return readFileSync(0, 'utf8');
      } catch {
        return '';
      }
    },
    stdout: (t) => write(1, t),
    stderr: (t) => write(2, t),
    signal: ac.signal,
  }).then(
    (rc) => process.exit(rc),
    (err: unknown) => {
      write(2, `ERROR: Failed: internal error: ${String(err).slice(0, 200)}\n`);
      process.exit(1);
    },
  );
}
