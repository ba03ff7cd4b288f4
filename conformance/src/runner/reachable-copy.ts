import { chmodSync, copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The first directory above `path` that other users cannot search, if any. */
function blockingDirectory(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * When a directory above the agent keeps other users out (a checkout in /root, a `mktemp -d`
 * directory), returns a copy of the agent file, with its own mode kept, in a directory everyone
 * can search — so a check run as `nobody` judges the agent's permissions, not its location.
 * Returns `undefined` when the agent is reachable as it is.
 *
 * @example
 * const copy = reachableCopy('/root/src/dist/ocf/resource.d/ocfkit/Dummy'); // { path, blockedBy: '/root' }
 */
export function reachableCopy(path: string): { path: string; blockedBy: string } | undefined {
  const blockedBy = blockingDirectory(path);
  if (blockedBy === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-conformance-agent-'));
  chmodSync(dir, 0o755);
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  chmodSync(copy, statSync(path).mode & 0o7777);
  return { path: copy, blockedBy };
}
