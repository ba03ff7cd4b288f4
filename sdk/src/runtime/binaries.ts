import { delimiter, isAbsolute, join } from 'node:path';
import { isExecutableFile } from '../fs/executable';

/**
 * `which`: true when `name` (a path, or a command on `PATH`) is an executable file. Always false
 * under ocf-tester's `OCF_TESTER_FAIL_HAVE_BINARY=1`, like `have_binary` in ocf-shellfuncs.
 */
export function haveBinary(name: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.OCF_TESTER_FAIL_HAVE_BINARY === '1') return false;
  const word = name.trim().split(/\s+/)[0] ?? '';
  if (word === '') return false;
  const candidates = isAbsolute(word) || word.includes('/') ? [word] : pathDirs(env).map((d) => join(d, word));
  return candidates.some(isExecutableFile);
}

function pathDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  // ocf-binaries appends the system directories to whatever PATH the daemon had.
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const d of ['/sbin', '/bin', '/usr/sbin', '/usr/bin']) if (!dirs.includes(d)) dirs.push(d);
  return dirs;
}
