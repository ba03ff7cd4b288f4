import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A usage error: printed with the command's help hint, exit 2. */
export class UsageError extends Error {}

/** The streams a command writes to; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** `parseArgs` with errors turned into {@link UsageError}s that name the bad option. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A subcommand: its help text and its body (returns the exit code). */
export interface Command {
  summary: string;
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/**
 * A command's preamble: {@link parse} its argv and, for `--help`, print its help and return
 * undefined (the command then exits 0).
 *
 * @example
 * const args = parseCommand(argv, OPTIONS, HELP, io);
 * if (!args) return 0;
 */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, help: string, io: Io) {
  const args = parse(argv, options);
  if ((args.values as { help?: boolean }).help) {
    io.out(help);
    return undefined;
  }
  return args;
}
