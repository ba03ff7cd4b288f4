import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';

/** What `openRegularFile` throws for a FIFO, a device, a socket or a directory. */
class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    /** e.g. 'a FIFO', 'a character device' */
    readonly kind: string,
  ) {
    super(`${path} is not a regular file (${kind})`);
  }
}

function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/**
 * Why a file could not be read, without its path, for messages that name the file themselves:
 * "not a regular file (a FIFO)", "ENOENT (no such file or directory)", or the error's message.
 *
 * @example
 * throw new Error(`cannot read ${file}: ${readFailure(err)}`); // cannot read /dev/zero: not a regular file (a character device)
 */
export function readFailure(err: unknown): string {
  if (err instanceof NotRegularFileError) return `not a regular file (${err.kind})`;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.message === 'string') {
    // Node: "ENOENT: no such file or directory, open '/x'"
    const m = /^[A-Z0-9]+: (.*?)(?:, \w+ '.*')?$/.exec(e.message);
    return m?.[1] ? `${e.code} (${m[1]})` : e.code;
  }
  return err instanceof Error ? err.message : String(err);
}

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
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(path, fileKind(st));
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
