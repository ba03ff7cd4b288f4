import { type Command, type Io, UsageError } from './args';

/** What `ocfkit` dispatches: every package's command table merged, and the version it reports. */
export interface CliSpec {
  /** Command name → command, in the order the overview lists them. */
  commands: Readonly<Record<string, Command>>;
  /** Printed by `--version` (the CLI package's package.json version). */
  version: string;
}

function overview(commands: CliSpec['commands']): string {
  const lines = ['Usage: ocfkit <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  lines.push('', 'Run `ocfkit <command> --help` for the options of a command.', '');
  return lines.join('\n');
}

/**
 * Runs one `ocfkit` command line against merged command tables: the overview for no command or
 * `--help` (exit 2 and 0), `--version`, usage errors (exit 2, with a `--help` hint), other errors
 * (exit 1). Returns the exit code; only the bin script exits.
 *
 * @example
 * process.exitCode = await runCli({ commands: { ...sdk, ...engine }, version: '0.1.0' }, ['build', '.']);
 */
export async function runCli(spec: CliSpec, argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview(spec.commands));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(`${spec.version}\n`);
    return 0;
  }
  const cmd = Object.hasOwn(spec.commands, name) ? spec.commands[name] : undefined;
  if (!cmd) {
    io.err(`ocfkit: unknown command "${name}"\n\n${overview(spec.commands)}`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`ocfkit ${name}: ${err.message}\nRun \`ocfkit ${name} --help\` for usage.\n`);
      return 2;
    }
    io.err(`ocfkit ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}
