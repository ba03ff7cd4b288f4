import { ATTRD_SOCKET_ENV, type AttributeRecord, attrdCall, DEFAULT_ATTRD_SOCKET, parseDuration } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { startAttrd } from '../attrd/server';
import { untilTerminated } from './until-terminated';

const OPTIONS = {
  socket: {
    type: 'string',
    short: 'S',
    value: 'PATH',
    defaultText: `$${ATTRD_SOCKET_ENV}, else ${DEFAULT_ATTRD_SOCKET}`,
    description: 'the attrd socket',
  },
  node: { type: 'string', short: 'N', value: 'NODE', defaultText: "the attrd's own node", description: 'the node' },
  dampen: { type: 'string', short: 'd', value: 'DURATION', description: 'dampening: 5s, 500ms, 2min or bare seconds' },
  committed: { type: 'boolean', description: 'get: print the committed value instead of the latest' },
  json: { type: 'boolean', description: 'list: print JSON' },
  state: { type: 'string', value: 'FILE', defaultText: 'memory only', description: 'serve: persist attributes in FILE (mode 0600)' },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit attr set NAME VALUE [--node NODE] [--dampen DURATION]
       ocfkit attr get NAME [--node NODE] [--committed]
       ocfkit attr delete NAME [--node NODE] [--dampen DURATION]
       ocfkit attr list [--node NODE] [--json]
       ocfkit attr serve [--state FILE] [--node NODE]

Node attributes in the bundled engine's attrd (what \`attrd_updater\` does for Pacemaker).
A value set with a dampening becomes the committed value (the one placement rules see) once it
has stayed unchanged that long.

  set      set NAME to VALUE; --dampen also sets the attribute's dampening (like attrd_updater -B)
  get      print the latest value (or, with --committed, the committed one); exit 1 when unset
  delete   remove NAME
  list     one line per attribute: node, name, value, committed value, dampening, pending commit
  serve    run an attrd in the foreground until SIGTERM/SIGINT`,
  OPTIONS,
);

function dampenMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--dampen ${JSON.stringify(text)} is not a duration (e.g. 5s, 500ms, 2min)`);
  return ms;
}

function show(v: string | null): string {
  return v === null ? '(unset)' : JSON.stringify(v);
}

function formatRecord(r: AttributeRecord): string {
  const pending = r.commitAt === null ? '' : ` pending-until=${new Date(r.commitAt).toISOString()}`;
  return `${r.node} ${r.name} value=${show(r.value)} committed=${show(r.committed)} dampen=${r.dampenMs}ms${pending}`;
}

async function serve(socket: string, state: string | undefined, node: string | undefined, io: Io): Promise<number> {
  const attrd = await startAttrd({ socket, ...(state !== undefined ? { stateFile: state } : {}), ...(node !== undefined ? { node } : {}) });
  io.out(`attrd for node ${attrd.node} listening on ${socket}\n`);
  attrd.onCommit((e) => io.out(`${e.node} ${e.name}: ${show(e.previous)} -> ${show(e.committed)}\n`));
  await untilTerminated();
  await attrd.close();
  return 0;
}

/**
 * `ocfkit attr`: set, get, delete and list node attributes in the bundled attrd, or run one.
 *
 * @example
 * await attrCommand.run(['set', 'diskcheck_status', 'normal', '--dampen', '5s'], processIo);
 */
export const attrCommand: Command = {
  summary: 'node attributes in the bundled attrd',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const [sub, name, value] = positionals;
    const socket = values.socket ?? process.env[ATTRD_SOCKET_ENV] ?? DEFAULT_ATTRD_SOCKET;
    const node = values.node !== undefined ? { node: values.node } : {};
    const need = (n: number, usage: string) => {
      if (positionals.length !== n) throw new UsageError(`expected: ocfkit attr ${usage}`);
    };
    switch (sub) {
      case 'set': {
        need(3, 'set NAME VALUE');
        const d = dampenMs(values.dampen);
        const r = await attrdCall(socket, {
          op: 'update',
          name: name as string,
          value: value as string,
          ...node,
          ...(d !== undefined ? { dampenMs: d } : {}),
        });
        if (r.attribute) io.out(`${formatRecord(r.attribute)}\n`);
        return 0;
      }
      case 'delete': {
        need(2, 'delete NAME');
        const d = dampenMs(values.dampen);
        await attrdCall(socket, { op: 'update', name: name as string, value: null, ...node, ...(d !== undefined ? { dampenMs: d } : {}) });
        return 0;
      }
      case 'get': {
        need(2, 'get NAME');
        const r = await attrdCall(socket, { op: 'query', name: name as string, ...node });
        const v = values.committed ? r.attribute?.committed : r.attribute?.value;
        if (v === undefined || v === null) {
          io.err(`ocfkit attr: ${name} is not set${values.node ? ` on ${values.node}` : ''}\n`);
          return 1;
        }
        io.out(`${v}\n`);
        return 0;
      }
      case 'list': {
        need(1, 'list');
        const list: AttributeRecord[] = [];
        for (let offset: number | undefined = 0; offset !== undefined; ) {
          const r = await attrdCall(socket, { op: 'list', ...node, offset });
          list.push(...(r.attributes ?? []));
          offset = r.next;
        }
        io.out(values.json ? `${JSON.stringify(list, null, 2)}\n` : list.map((a) => `${formatRecord(a)}\n`).join(''));
        return 0;
      }
      case 'serve':
        need(1, 'serve');
        return serve(socket, values.state, values.node, io);
      default:
        throw new UsageError(
          sub === undefined ? 'expected a subcommand: set, get, delete, list or serve' : `unknown subcommand ${JSON.stringify(sub)}`,
        );
    }
  },
};
