import type { Command } from '@ocfkit/sdk/cli';
import { conformanceCommand } from './conformance-command';

/** The `ocfkit` subcommands this package provides, by name. */
export const commands: Record<string, Command> = { conformance: conformanceCommand };
