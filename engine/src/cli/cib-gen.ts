import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readFailure, readRegularFile } from '@ocfkit/sdk';
import { commandHelp, type Io, type OptionSpecs, parse, UsageError } from '@ocfkit/sdk/cli';
import { generate, type OutputFormat } from '../cib/gen/generate.js';

/** The options of `ocfkit cib gen`. */
export const CIB_GEN_OPTIONS = {
  output: { type: 'string', short: 'o', value: 'FILE', defaultText: 'standard output', description: 'write to FILE' },
  format: {
    type: 'string',
    short: 'f',
    value: 'FORMAT',
    description:
      "xml (a complete cib.xml, the default), crm (crm shell text, like pm_crmgen), pcs (pcs commands; run them with pcs -f FILE to fill a CIB file), yaml (this tool's YAML)",
  },
  'no-colocation': { type: 'boolean', description: 'do not add the colocation a ping/diskd Location column implies (pm_crmgen -C)' },
  'no-order': { type: 'boolean', description: 'do not add the order a ping/diskd Location column implies (pm_crmgen -O)' },
  'ocf-root': {
    type: 'string',
    multiple: true,
    value: 'DIR',
    description:
      'also look for agents under DIR/resource.d (searched before ./dist/ocf, what ocfkit build writes, and $OCF_ROOT or /usr/lib/ocf)',
  },
  'no-agent-check': { type: 'boolean', description: 'do not look agents up nor check their parameters' },
  'no-verify': { type: 'boolean', description: 'do not run crm_verify on the cib.xml (it runs when installed)' },
} as const satisfies OptionSpecs;

const CIB_GEN_HELP = commandHelp(
  `Usage: ocfkit cib gen SHEET.csv|cluster.yaml|cib.xml [-o FILE] [--format xml|crm|pcs|yaml]

Generates a cluster configuration from a spreadsheet in pm_crmgen's layout (saved as CSV, UTF-8
or Shift_JIS), from a YAML file (see engine/src/cib/gen/cluster.schema.json), or from a cib.xml
(to convert it). The successor of Linux-HA Japan's hb-cibgen / pm_crmgen.

Sheet tables (name in column B; the next row names the columns; rows starting with # in column A
are comments): Node, Property, RscDefaults, OpDefaults, Resources, Rsc_Attributes, Primitive (with
its p / a / o sub-tables), Location (rsc, score:SCORE, pingd:ATTR:VALUE, ping:ATTR:VALUE,
diskd:ATTR), Location_Expert, Colocation, Order. As pm_crmgen does, a diskd:ATTR (or ping) column
set to yes adds the rule "-INFINITY: not_defined ATTR or ATTR eq ERROR" (ping: "lt VALUE"), a
colocation (INFINITY) with the clone that sets ATTR and an order (0, symmetrical=false) after it.

Every agent is looked up (OCF_ROOT, --ocf-root) and its parameters are checked against its
meta-data; a cib.xml must load in the bundled engine and pass crm_verify (when installed).
Messages name the file, the line and the cell (C12) or YAML field. Exit status: 0 clean, 1 on
errors (nothing is written), 2 on warnings only (the output is written).`,
  CIB_GEN_OPTIONS,
);

const FORMATS: OutputFormat[] = ['xml', 'crm', 'pcs', 'yaml'];

/**
 * `ocfkit cib gen`: a cib.xml (or crm shell text, pcs commands, YAML) from a sheet or YAML file.
 *
 * @example
 * await cibGen(['cluster.csv', '-o', 'cib.xml'], processIo);
 */
export async function cibGen(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, CIB_GEN_OPTIONS);
  if (values.help) {
    io.out(CIB_GEN_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected exactly one input file (a .csv sheet, a .yaml file or a cib.xml)');
  const file = positionals[0] as string;
  const format = (values.format ?? 'xml') as OutputFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: "${values.format}" is not one of ${FORMATS.join(', ')}`);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (err) {
    throw new Error(`cannot read ${file}: ${readFailure(err)}`);
  }
  const result = await generate(bytes, file, {
    format,
    colocation: !values['no-colocation'],
    order: !values['no-order'],
    agentCheck: !values['no-agent-check'],
    verify: !values['no-verify'],
    ocfRoots: values['ocf-root'] ?? [],
  });
  for (const line of result.messages) io.err(`${line}\n`);
  if (result.output === undefined) {
    io.err(`ocfkit cib gen: ${result.errors} error(s), ${result.warnings} warning(s); nothing written\n`);
    return 1;
  }
  if (values.output !== undefined) {
    // Written whole or not at all: a temporary file beside it, then a rename.
    const tmp = join(dirname(values.output), `.${basename(values.output)}.${process.pid}.tmp`);
    writeFileSync(tmp, result.output, { mode: 0o600 });
    renameSync(tmp, values.output);
  } else io.out(result.output);
  if (result.warnings > 0) io.err(`ocfkit cib gen: ${result.warnings} warning(s)\n`);
  return result.warnings > 0 ? 2 : 0;
}
