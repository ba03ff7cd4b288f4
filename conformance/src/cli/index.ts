import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commands as engineCommands } from '@ocfkit/engine/cli';
import { type Command, type Io, processIo, runCli, commands as sdkCommands } from '@ocfkit/sdk/cli';
import { conformanceCommand } from './conformance-command';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = { conformance: conformanceCommand };

/**
 * This package's version, from its package.json: found upwards from this module, which is
 * `src/cli/index.ts` in a checkout and `dist/cli.js` once built.
 */
function packageVersion(): string {
  for (let dir = dirname(new URL(import.meta.url).pathname); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@ocfkit/conformance' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
  }
  throw new Error('the package.json of @ocfkit/conformance was not found above the ocfkit command');
}

/**
 * The `ocfkit` command line: this package sits on top of the others and merges their command
 * tables (`@ocfkit/sdk`: build, install, new, meta; `@ocfkit/engine`: exec, engine, node, ...;
 * this one: conformance). Returns the exit code; only `bin/ocfkit.js` exits.
 *
 * @example
 * process.exitCode = await main(['build', '--provider', 'acme', 'agents']);
 */
export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli({ commands: { ...sdkCommands, ...engineCommands, ...commands }, version: packageVersion() }, argv, io);
}
