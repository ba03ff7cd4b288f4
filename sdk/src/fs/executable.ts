import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether `path` is a regular file this process may execute (`access(X_OK)`: for root, any
 * execute bit). Directories, missing files and unreadable paths are not.
 *
 * @example
 * isExecutableFile('/bin/sh') // true
 * isExecutableFile('/bin')    // false
 */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `which` over a list of directories: the first `<dir>/<name>` that is an executable file (an
 * empty entry means the current directory, as in `PATH`).
 *
 * @example
 * findExecutable('sh', (process.env.PATH ?? '').split(':')) // '/usr/bin/sh'
 */
export function findExecutable(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const file = join(dir || '.', name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}
