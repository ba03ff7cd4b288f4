import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The SDK source an agent is bundled with: always the SDK of the CLI doing the build, so a
 * project's agents and its `ocfkit` agree on the contract. TS source in a checkout, else dist.
 */
export function sdkEntry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot locate the @ocfkit/sdk package');
    dir = up;
  }
  const src = join(dir, 'src', 'index.ts');
  return existsSync(src) ? src : join(dir, 'dist', 'index.js');
}
