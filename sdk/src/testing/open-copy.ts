import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

function openDirs(dir: string): void {
  chmodSync(dir, statSync(dir).mode | 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) openDirs(join(dir, e.name));
}

const copies: string[] = [];

/**
 * Removes every directory {@link openCopy} and {@link openTempDir} made in this process so far.
 * They are also removed when the process exits normally; a test runner that ends its workers with a
 * signal (vitest does) never gets there, so run this after each test file (ocfkit's vitest setup does).
 *
 * @example
 * afterAll(removeTempDirs);
 */
export function removeTempDirs(): void {
  for (const c of copies.splice(0)) rmSync(c, { recursive: true, force: true });
}
process.once('exit', removeTempDirs);

/**
 * Copies a fixture directory (agents, scripts) into a fresh temporary directory that every user
 * can traverse, and returns the copy's path. Tests that run agents as another user (meta-data as
 * `nobody`, ops with `user:`) need this: a checkout in /root or in a `mktemp -d` directory (mode
 * 0700) is out of that user's reach. File modes are kept; the copy is removed when the process exits.
 *
 * @example
 * const mutants = openCopy(join(import.meta.dirname, 'mutants'));
 */
export function openCopy(src: string, prefix = 'ocfkit-fixture-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  copies.push(root);
  const dest = join(root, basename(src));
  cpSync(src, dest, { recursive: true });
  openDirs(root);
  return dest;
}

/**
 * A fresh temporary directory every user can traverse (mode 0755), removed when the process exits.
 *
 * @example
 * const out = openTempDir('ocfkit-build-'); // build agents here when another user must run them
 */
export function openTempDir(prefix = 'ocfkit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  copies.push(dir);
  chmodSync(dir, 0o755);
  return dir;
}
