import type { Command } from '@ocfkit/sdk/cli';
import { attrCommand } from './attr';
import { engineCommand } from './engine';
import { execCommand } from './exec';
import { fenceCommand } from './fence';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = {
  attr: attrCommand,
  engine: engineCommand,
  exec: execCommand,
  fence: fenceCommand,
};
