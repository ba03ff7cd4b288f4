import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegularFile } from './regular-file';

/** The default cap of {@link readSmallFile}: state and pid files are a few bytes. */
export const SMALL_FILE_MAX_BYTES = 64 * 1024;

/**
 * Reads a small state or pid file safely: opened non-blocking (a FIFO cannot hang the agent),
 * refused unless it is a regular file, and refused past `maxBytes` (`/dev/zero` cannot exhaust
 * memory). Returns `undefined` when the file does not exist; throws an Error naming the file
 * otherwise (`readFailure(err)` gives the reason without the path), which the runtime reports as
 * the exit reason.
 *
 * @example
 * const pid = readSmallFile('/run/resource-agents/diskcheck-disk.pid'); // '4711\n' or undefined
 */
export function readSmallFile(path: string, maxBytes = SMALL_FILE_MAX_BYTES): string | undefined {
  let fd: number;
  try {
    fd = openRegularFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (st.size > maxBytes) throw new Error(`${path} is ${st.size} bytes; at most ${maxBytes} expected`);
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n <= maxBytes; n += got) got = readSync(fd, buf, n, maxBytes + 1 - n, null);
    if (n > maxBytes) throw new Error(`${path} is more than ${maxBytes} bytes`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
