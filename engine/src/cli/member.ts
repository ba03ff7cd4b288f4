import { join } from 'node:path';
import { readFailure, readRegularFile } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { controlCall, serveControl } from '../membership/transport/control-socket';
import { startMemberDaemon } from '../membership/transport/member-daemon';
import { untilTerminated } from './until-terminated';

const OPTIONS = {
  name: { type: 'string', short: 'n', value: 'NODE', description: "this node's name in ha.cf's node lines" },
  'config-dir': { type: 'string', short: 'c', value: 'DIR', default: '/etc/ha.d', description: 'ha.cf + authkeys, or cluster.json' },
  'state-dir': {
    type: 'string',
    short: 's',
    value: 'DIR',
    defaultText: '/var/lib/ocfkit/member',
    description: 'membership.json, status.json and member.sock',
  },
  resource: {
    type: 'string',
    short: 'r',
    multiple: true,
    value: 'NAME',
    description:
      'serve: a placeholder resource for the built-in placement (one instance, on the first member by name, sticky, stopped without quorum); its start and stop do nothing but are reported like real ops (a real controller replaces this)',
  },
  json: { type: 'boolean', description: 'status: print JSON' },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit member serve --name NODE [--config-dir DIR] [--state-dir DIR] [--resource NAME]...
       ocfkit member status [--state-dir DIR] [--json]
       ocfkit member set NAME VALUE [--state-dir DIR]
       ocfkit member get NAME [--state-dir DIR]

Cluster membership on its own (Heartbeat-style heartbeats, authenticated messages, DC election,
replication, quorum), until the node daemon hosts it. The replicated document is a set of cluster
properties (name=value): updates go through the DC and are committed on a majority.

  serve    run a member in the foreground (reads ha.cf + authkeys, or cluster.json, from --config-dir)
  status   this node's view: role, DC, term, quorum, alive nodes, members, CIB version, drop counters
  set      set a property through the DC (fails without quorum)
  get      a property from this node's copy`,
  OPTIONS,
);

type Props = Record<string, string>;

async function serve(name: string, configDir: string, stateDir: string, resources: string[], io: Io): Promise<number> {
  const d = await startMemberDaemon<Props, { name: string; value: string | null }>({
    configDir,
    stateDir,
    name,
    resources,
    runOp: async () => true,
    emptyContent: {},
    apply: (c, op) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(op.name))
        return { ok: false, error: `property name ${JSON.stringify(op.name)} may hold only letters, digits, _ . -` };
      const next = { ...c };
      if (op.value === null) delete next[op.name];
      else next[op.name] = op.value;
      return { ok: true, content: next };
    },
    log: (level, msg) => io.err(`${new Date().toISOString()} ${name} ${level}: ${msg}\n`),
  });
  const server = await serveControl(join(stateDir, 'member.sock'), async (req) => {
    if (req.op === 'view') return { ok: true, view: d.view() };
    if (req.op === 'set') {
      await d.update({ name: req.name, value: req.value });
      return { ok: true };
    }
    return { ok: false, error: 'unknown op' };
  });
  io.out(`member ${name} running (state in ${stateDir})\n`);
  await untilTerminated();
  server.close();
  await d.stop();
  return 0;
}

/**
 * `ocfkit member`: run cluster membership and look at it.
 *
 * @example
 * await memberCommand.run(['status', '--state-dir', '/var/lib/ocfkit/member'], processIo);
 */
/** status.json as the member daemon writes it; refuses a FIFO or a device there (it cannot hang us). */
function readMemberStatus(stateDir: string) {
  const file = join(stateDir, 'status.json');
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${readFailure(err)} (is \`ocfkit member serve\` running with --state-dir ${stateDir}?)`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

export const memberCommand: Command = {
  summary: 'Heartbeat-style cluster membership: serve, status, set, get',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const stateDir = values['state-dir'] ?? '/var/lib/ocfkit/member';
    const [sub, key, value] = positionals;
    switch (sub) {
      case 'serve':
        if (!values.name) throw new UsageError('serve needs --name NODE (this node as ha.cf names it)');
        return serve(values.name, values['config-dir'], stateDir, values.resource ?? [], io);
      case 'status': {
        const v = readMemberStatus(stateDir);
        if (values.json) io.out(`${JSON.stringify(v, null, 2)}\n`);
        else
          io.out(
            `${v.name}: ${v.role}${v.dc ? `, DC ${v.dc}` : ', no DC'}${v.term ? ` (term ${v.term.n})` : ''}, ${v.quorate ? 'quorate' : 'WITHOUT quorum'}\n` +
              `alive: ${v.alive.join(' ')}${v.members.length ? `\nmembers: ${v.members.join(' ')}` : ''}\n` +
              `CIB: ${v.copy.version.adminEpoch}.${v.copy.version.epoch}.${v.copy.version.numUpdates}\n` +
              `dropped: ${v.drops.forged} forged, ${v.drops.replayed} replayed, ${v.drops.unknownSender} from unknown nodes\n`,
          );
        return 0;
      }
      case 'set':
        if (key === undefined || value === undefined) throw new UsageError('expected: ocfkit member set NAME VALUE');
        await controlCall(join(stateDir, 'member.sock'), { op: 'set', name: key, value });
        return 0;
      case 'get': {
        if (key === undefined) throw new UsageError('expected: ocfkit member get NAME');
        const v = readMemberStatus(stateDir);
        const got = v.copy.content[key];
        if (got === undefined) {
          io.err(`ocfkit member: ${key} is not set\n`);
          return 1;
        }
        io.out(`${got}\n`);
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? 'expected a subcommand: serve, status, set or get' : `unknown subcommand ${JSON.stringify(sub)}`,
        );
    }
  },
};
