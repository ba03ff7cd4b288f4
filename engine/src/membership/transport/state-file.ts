import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateDir } from '../../attrd/persist';
import type { Persisted } from '../protocol/messages';

/**
 * Writes `value` as JSON atomically (temporary file 0600, fsync, rename) in a 0700 directory: a
 * crash leaves the old or the new file, never a torn one. Membership must persist its generation,
 * promise and CIB copy before it sends anything that depends on them. `fsync: false` for what a
 * crash may lose (status.json, rewritten every second): an fsync on a busy disk blocks the event
 * loop, heartbeats included, for tens of milliseconds or more.
 *
 * @example
 * writeJsonAtomic('/var/lib/ocfkit/membership.json', persisted);
 */
export function writeJsonAtomic(file: string, value: unknown, o: { fsync?: boolean } = {}): void {
  privateDir(dirname(file));
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value)}\n`);
    if (o.fsync !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Reads a node's persisted membership state; undefined when there is none yet. Throws naming the
 * file when it is malformed or readable by others.
 */
export function readPersisted<C>(file: string): Persisted<C> | undefined {
  if (!existsSync(file)) return undefined;
  if ((statSync(file).mode & 0o077) !== 0) throw new Error(`${file}: readable by others; it must be mode 0600`);
  const v = JSON.parse(readFileSync(file, 'utf8')) as Persisted<C>;
  if (typeof v?.generation !== 'number' || typeof v.copy?.version?.epoch !== 'number')
    throw new Error(`${file}: not a membership state file`);
  return v;
}
