import type { Command } from '@ocfkit/sdk/cli';
import { attrCommand } from './attr';
import { execCommand } from './exec';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = {
  attr: attrCommand,
  exec: execCommand,
};
