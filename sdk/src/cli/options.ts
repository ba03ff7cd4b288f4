/**
 * One command-line option: what `parseArgs` needs to parse it, and what `--help` says about it.
 * The parser and the help's options section are both made from the same spec, so they cannot
 * drift apart.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  short?: string;
  /** May be given more than once (the value is then an array). */
  multiple?: boolean;
  /** The parser's default; the help appends "(default: VALUE)". */
  default?: string;
  /** The value's name in the help (`--out DIR`); string options only, default VALUE. */
  value?: string;
  /** What the option does. Wrapped to the help's width; a "\n" starts a new line. */
  description: string;
  /** A default the command works out itself (`$DESTDIR, else /`); the help appends "(default: TEXT)". */
  defaultText?: string;
}

/** Options by long name (`'no-minify'` for `--no-minify`). */
export type OptionSpecs = Readonly<Record<string, Readonly<OptionSpec>>>;

/** `--help`/`-h`, which every command accepts. */
export const HELP_OPTION = { type: 'boolean', short: 'h', description: 'show this help' } as const satisfies OptionSpec;

/** Width the help's option descriptions are wrapped to (whole line). */
const WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

/** The left column of an option's help line: `-o, --out DIR` or `    --json`. */
function optionLabel(name: string, spec: Readonly<OptionSpec>): string {
  const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
  return `${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`;
}

/**
 * The lines of a help's options section, `-h, --help` last, aligned in two columns.
 *
 * @example
 * optionsHelp({ out: { type: 'string', short: 'o', value: 'DIR', default: 'dist', description: 'output root' } })
 * // '  -o, --out DIR  output root (default: dist)\n  -h, --help     show this help\n'
 */
function optionsHelp(options: OptionSpecs): string {
  const all: OptionSpecs = { ...options, help: HELP_OPTION };
  const rows = Object.entries(all).map(([name, spec]) => {
    const dflt = spec.default ?? spec.defaultText;
    const repeat = spec.multiple ? '; repeatable' : '';
    const suffix = dflt !== undefined ? ` (default: ${dflt}${repeat})` : repeat ? ` (${repeat.slice(2)})` : '';
    return [optionLabel(name, spec), `${spec.description}${suffix}`] as const;
  });
  const column = Math.min(Math.max(...rows.map(([label]) => label.length)) + 2, 30);
  let out = '';
  for (const [label, text] of rows) {
    const lines = wrap(text, WIDTH - 2 - column);
    const first = label.length + 2 <= column ? `  ${label.padEnd(column)}${lines.shift()}` : `  ${label}`;
    out += `${first}\n`;
    for (const l of lines) out += `${' '.repeat(column + 2)}${l}\n`;
  }
  return out;
}

/**
 * A command's help: the hand-written usage and prose, then "Options:" generated from the specs
 * the command parses, then any closing prose (examples, notes).
 *
 * @example
 * const HELP = commandHelp('Usage: ocfkit new [options] NAME\n\nCreates NAME/agent.ts.\n', OPTIONS);
 */
export function commandHelp(head: string, options: OptionSpecs, tail = ''): string {
  return `${head.replace(/\n*$/, '\n')}\nOptions:\n${optionsHelp(options)}${tail ? `\n${tail.replace(/\n*$/, '\n')}` : ''}`;
}

/** The part of the specs `parseArgs` reads. */
export function parserOptions(options: OptionSpecs) {
  return Object.fromEntries(
    Object.entries(options).map(([name, s]) => [
      name,
      {
        type: s.type,
        ...(s.short ? { short: s.short } : {}),
        ...(s.multiple ? { multiple: true } : {}),
        ...(s.default !== undefined ? { default: s.default } : {}),
      },
    ]),
  );
}
