import { writeFileSync } from 'node:fs';
import { readFailure, readRegularFile } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { exportCib } from '../cib/export.js';
import { importCib } from '../cib/import.js';
import { applyTransition } from '../core/apply.js';
import { graphToXml } from '../core/graph-xml.js';
import { schedule } from '../core/schedule.js';

const OPTIONS = {
  scores: { type: 'boolean', short: 's', description: 'also print the allocation score of every resource on every node' },
  'save-graph': {
    type: 'string',
    short: 'G',
    value: 'FILE',
    description:
      "write the transition graph: Pacemaker's transition graph XML (what crm_simulate --save-graph writes) unless FILE ends in .json, which gets the engine's own JSON (actions and orderings)",
  },
  'graph-format': { type: 'string', value: 'FMT', description: 'write the graph as "xml" or "json" whatever FILE is called' },
  'save-output': {
    type: 'string',
    short: 'O',
    value: 'FILE',
    description:
      'write the CIB as it would be after the transition completes (like crm_simulate -S -O), so any script can compare placements',
  },
  now: {
    type: 'string',
    short: 't',
    value: 'TIME',
    defaultText: "the input's execution-date, as pe-input files hold it, else the current time",
    description: 'the scheduler\'s "now": seconds since the epoch or an ISO 8601 date; failure-timeout is judged against it',
  },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit engine simulate CIB.xml [--scores] [--save-graph FILE [--graph-format xml|json]]
                                [--save-output FILE] [--now TIME]

Runs the bundled engine's policy engine on a Pacemaker cib.xml (a pe-input file works too) and
prints what it would do, in the style of crm_simulate: current status, transition summary, the
actions, and the status after the transition.

An ordering cycle (a before b before c before a) is reported as an error naming its actions and
the exit status is 1; those actions and everything ordered after them are left out of the
transition (and of the graph it saves), so what remains can run.`,
  OPTIONS,
);

/**
 * Parses `--now`: integer seconds since the epoch, or an ISO 8601 date.
 *
 * @example
 * parseNow('2027-01-15T08:00:00Z') // 1800000000
 */
export function parseNow(text: string | undefined, clock: () => number = Date.now): number {
  if (text === undefined) return Math.floor(clock() / 1000);
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--now: "${text}" is neither seconds since the epoch nor an ISO 8601 date`);
  return Math.floor(ms / 1000);
}

/**
 * The format `--save-graph` writes: `--graph-format` when given, else JSON for a `.json` file
 * and Pacemaker's transition graph XML for anything else.
 *
 * @example
 * graphFormat('graph.json', undefined) // 'json'
 * graphFormat('graph.out', 'xml') // 'xml'
 */
export function graphFormat(file: string, format: string | undefined): 'xml' | 'json' {
  if (format === undefined) return /\.json$/i.test(file) ? 'json' : 'xml';
  if (format === 'xml' || format === 'json') return format;
  throw new UsageError(`--graph-format: "${format}" is not a graph format (expected xml or json)`);
}

/** Score output is written in pieces of about this many characters. */
const SCORE_CHUNK = 64 * 1024;

async function simulate(argv: string[], io: Io): Promise<number> {
  const args = parseCommand(argv, OPTIONS, HELP, io);
  if (!args) return 0;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('expected exactly one CIB file (see ocfkit engine simulate --help)');
  const file = positionals[0] as string;
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${readFailure(err)}`);
  }
  const saveGraph = values['save-graph'];
  if (values['graph-format'] !== undefined && saveGraph === undefined)
    throw new UsageError('--graph-format only applies to --save-graph FILE');
  const format = saveGraph === undefined ? undefined : graphFormat(saveGraph, values['graph-format']);
  const cib = importCib(text);
  // A saved pe-input carries the scheduler's "now" as execution-date (Pacemaker's habit): replay at that time.
  const now = parseNow(values.now ?? cib.attrs['execution-date']);
  // Score lines go out as they are computed, in chunks: never one string or array of them all.
  let pending = '';
  const flush = () => {
    if (pending !== '') io.out(pending);
    pending = '';
  };
  const onScore = (line: string) => {
    pending += `  ${line}\n`;
    if (pending.length >= SCORE_CHUNK) flush();
  };
  if (values.scores) io.out('Allocation scores:\n');
  // As crm_simulate: a change of private parameters alone (masked by crm_report) restarts nothing.
  const result = schedule({ cib, now, sanitized: true, ...(values.scores ? { onScore } : {}) });
  if (values.scores) {
    pending += '\n';
    flush();
  }
  io.out(result.summary);
  for (const w of result.warnings) io.err(`warning: ${w}\n`);
  for (const e of result.errors) io.err(`error: ${e}\n`);
  if (saveGraph !== undefined)
    writeFileSync(saveGraph, format === 'json' ? `${JSON.stringify(result.graph, null, 2)}\n` : graphToXml(result.graph, { cib, now }));
  if (values['save-output']) writeFileSync(values['save-output'], exportCib(applyTransition(cib, result.graph, now)));
  return result.errors.length > 0 ? 1 : 0;
}

export const engineCommand: Command = {
  summary: 'the bundled engine: simulate the policy engine on a cib.xml',
  help: HELP,
  optionSets: [{ after: ['simulate'], options: OPTIONS }],
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '-h' || sub === '--help') {
      io.out(HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'simulate') return simulate(rest, io);
    throw new UsageError(`unknown engine subcommand "${sub}" (see ocfkit engine --help)`);
  },
};
