import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/**
 * Opens `path` for reading only if it is a regular file: opened non-blocking (a FIFO cannot hang
 * the caller) and refused, naming the file, when it is a device, a FIFO, a socket or a directory
 * (`/dev/zero` cannot exhaust memory). Open errors are rethrown as they are (`code` 'ENOENT' for
 * a missing file). The caller closes the descriptor.
 *
 * @example
 * const fd = openRegularFile('/var/lib/ocfkit/cib.xml');
 */
export function openRegularFile(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/**
 * Reads a file a user named (a CIB, a sheet, a JSON file) whole, refusing anything but a regular
 * file as `openRegularFile` does: a FIFO cannot hang the caller, `/dev/zero` cannot exhaust memory.
 *
 * @example
 * const text = readRegularFile('cib.xml').toString('utf8');
 */
export function readRegularFile(path: string): Buffer {
  const fd = openRegularFile(path);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
