import { readFileSync, writeFileSync } from 'node:fs';
import { readFailure, readRegularFile } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { adminCall, runDirOf } from '../node/admin-client.js';
import { RUN_DIR_ENV } from '../node/admin-protocol.js';
import { CIB_GEN_OPTIONS, cibGen } from './cib-gen.js';

const OPTIONS = {
  scope: {
    type: 'string',
    short: 'o',
    value: 'SECTION',
    description: 'configuration, crm_config, nodes, resources, constraints, rsc_defaults, op_defaults (and status, for query)',
  },
  output: { type: 'string', short: 'O', value: 'FILE', description: 'query: write to FILE instead of standard output' },
  'run-dir': { type: 'string', value: 'DIR', defaultText: `$${RUN_DIR_ENV}, else /run/ocfkit`, description: "the daemon's run directory" },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit cib query [--scope SECTION] [-O FILE] [--run-dir DIR]
       ocfkit cib replace FILE|- [--scope SECTION] [--run-dir DIR]
       ocfkit cib patch FILE|- [--run-dir DIR]
       ocfkit cib gen SHEET.csv|cluster.yaml [-o cib.xml] [--format xml|crm|pcs|yaml]

The running node's CIB, as cibadmin reads and writes it. Every change is validated before it is
committed and refused with a message naming the element; a refused change changes nothing.

  query    print the CIB (or one section of it)
  replace  replace the configuration (or one section) with FILE ("-": standard input). The
           status section stays the controller's. A CIB older than the current one (admin_epoch,
           epoch) is refused: start from \`ocfkit cib query\`.
  patch    apply a patch set in format 2 — what \`crm_diff -o OLD -n NEW\` writes and
           \`cibadmin --patch\` applies; its source version must match admin_epoch and epoch
  gen      generate a cib.xml (or crm shell text, pcs commands) from a pm_crmgen sheet or a
           YAML file, offline: see \`ocfkit cib gen --help\``,
  OPTIONS,
);

function readInput(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file === '-' ? 'standard input' : file}: ${readFailure(err)}`);
  }
}

/**
 * `ocfkit cib`: query, replace and patch the running node's CIB (cibadmin).
 *
 * @example
 * await cibCommand.run(['replace', 'cib.xml'], processIo);
 */
export const cibCommand: Command = {
  summary: "query, replace and patch the node's CIB (like cibadmin)",
  help: HELP,
  optionSets: [
    { after: [], options: OPTIONS },
    { after: ['gen'], options: CIB_GEN_OPTIONS },
  ],
  async run(argv, io: Io) {
    // gen works offline and has its own options (-o is its output file there).
    if (argv[0] === 'gen') return cibGen(argv.slice(1), io);
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const [sub, file, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const runDir = runDirOf(values['run-dir']);
    const scope = values.scope !== undefined ? { scope: values.scope } : {};
    switch (sub) {
      case 'query': {
        if (file !== undefined) throw new UsageError('query takes no file; use --output FILE');
        const r = await adminCall(runDir, { op: 'query', ...scope });
        if (values.output !== undefined) writeFileSync(values.output, r.xml ?? '', { mode: 0o600 });
        else io.out(r.xml ?? '');
        return 0;
      }
      case 'replace':
      case 'patch': {
        if (file === undefined) throw new UsageError(`${sub} needs a FILE (or - for standard input)`);
        if (sub === 'patch' && values.scope !== undefined) throw new UsageError('patch takes no --scope: the paths in the patch say where');
        const xml = readInput(file);
        const r = await adminCall(runDir, sub === 'replace' ? { op: 'replace', xml, ...scope } : { op: 'patch', xml });
        io.err(
          r.changed
            ? `CIB ${sub === 'replace' ? 'replaced' : 'patched'}: now at version ${r.version}\n`
            : `no change (version ${r.version})\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? 'expected a subcommand: query, replace, patch or gen' : `unknown subcommand ${JSON.stringify(sub)}`,
        );
    }
  },
};
