import type { Command } from '@ocfkit/sdk/cli';
import { attrCommand } from './attr';
import { cibCommand } from './cib';
import { engineCommand } from './engine';
import { execCommand } from './exec';
import { fenceCommand } from './fence';
import { memberCommand } from './member';
import { nodeCommand } from './node';
import { resourceCommand } from './resource';
import { statusCommand } from './status';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = {
  attr: attrCommand,
  engine: engineCommand,
  exec: execCommand,
  member: memberCommand,
  // The node daemon and the tools that talk to it.
  node: nodeCommand,
  status: statusCommand,
  cib: cibCommand,
  resource: resourceCommand,
  fence: fenceCommand,
};
