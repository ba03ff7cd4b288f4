import type { Command } from './args';
import { buildCommand } from './build';
import { installCommand } from './install';
import { metaCommand } from './meta';
import { newCommand } from './new';

export type { Command, Io, OptionSet } from './args';
export { parse, parseCommand, processIo, UsageError } from './args';
export { commandHelp, type OptionSpec, type OptionSpecs } from './options';
export { type CliSpec, runCli } from './run-cli';

/**
 * The `ocfkit` subcommands this package provides, by name. The `ocfkit` command itself lives in
 * the package on top, `@ocfkit/conformance`, which merges this table with the engine's and its own.
 */
export const commands: Record<string, Command> = {
  build: buildCommand,
  install: installCommand,
  new: newCommand,
  meta: metaCommand,
};
