import type { Command } from '@ocfkit/sdk/cli';
import { attrCommand } from './attr';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = {
  attr: attrCommand,
};
