import type { Command } from '@ocfkit/sdk/cli';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = {};
