import { join } from 'node:path';
import { readLockFile } from '../postmaster';

/**
 * The postmaster pid recorded in `<pgdata>/postmaster.pid` (its first line); undefined when the
 * file is absent or does not start with a pid.
 *
 * @example
 * postmasterPid('/var/lib/postgresql/15/main') // 4711
 */
export function postmasterPid(pgdata: string): number | undefined {
  return readLockFile(join(pgdata, 'postmaster.pid'))?.pid;
}
