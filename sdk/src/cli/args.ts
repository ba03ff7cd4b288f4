import { parseArgs } from 'node:util';
import { HELP_OPTION, type OptionSpecs, parserOptions } from './options';

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

/**
 * `parseArgs` over option specs (plus `-h, --help`), with errors turned into {@link UsageError}s
 * that name the bad option.
 */
export function parse<T extends OptionSpecs>(argv: string[], options: T, allowPositionals = true) {
  try {
    const config = parserOptions({ help: HELP_OPTION, ...options }) as { help: typeof HELP_OPTION } & T;
    return parseArgs({ args: argv, options: config, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Options a command parses, and the arguments that select that parser (none for the command's
 * own; `['simulate']` for `ocfkit engine simulate`; `['--rig', 'docker']` for rig conformance).
 */
export interface OptionSet {
  after: readonly string[];
  options: OptionSpecs;
}

/** A subcommand: its help text, the options it parses, and its body (returns the exit code). */
export interface Command {
  summary: string;
  help: string;
  /** Every option set the command parses; its `--help` lists them all (generated from them). */
  optionSets: readonly OptionSet[];
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
export function parseCommand<T extends OptionSpecs>(argv: string[], options: T, help: string, io: Io) {
  const args = parse(argv, options);
  if ((args.values as { help?: boolean }).help) {
    io.out(help);
    return undefined;
  }
  return args;
}
