import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Where Pacemaker looks for OCF agents on this build (`OCF_RA_PATH`). */
export const DEFAULT_SEARCH_PATH: readonly string[] = ['/usr/lib/ocf/resource.d'];

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * Throws unless `value` can be a provider or agent type: one path component, no `..`, no `/`.
 *
 * @example
 * checkAgentName('provider', 'heartbeat'); // ok
 * checkAgentName('type', '../../bin/sh');  // throws: invalid agent type "../../bin/sh"
 */
export function checkAgentName(what: 'provider' | 'type', value: string): void {
  if (!NAME.test(value)) throw new Error(`invalid agent ${what} ${JSON.stringify(value)}: expected one name of [A-Za-z0-9_.+-]`);
}

/**
 * The agent file for `ocf:<provider>:<type>`: the first `<dir>/<provider>/<type>` along the
 * search path that exists (as Pacemaker's `stat()` walk along `OCF_RA_PATH`), or `undefined`.
 *
 * @example
 * findAgent(['/usr/lib/ocf/resource.d'], 'heartbeat', 'Dummy') // '/usr/lib/ocf/resource.d/heartbeat/Dummy'
 */
export function findAgent(searchPath: readonly string[], provider: string, type: string): string | undefined {
  for (const dir of searchPath) {
    const file = join(dir, provider, type);
    try {
      statSync(file);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Throws unless every search-path entry is absolute (a relative one would depend on the cwd).
 *
 * @example
 * checkSearchPath(['/usr/lib/ocf/resource.d', '/opt/agents/dist/ocf/resource.d']);
 */
export function checkSearchPath(searchPath: readonly string[]): void {
  for (const dir of searchPath) if (!isAbsolute(dir)) throw new Error(`searchPath entry ${JSON.stringify(dir)} must be absolute`);
}
