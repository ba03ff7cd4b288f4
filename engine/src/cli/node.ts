import { readFileSync } from 'node:fs';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { adminCall, runDirOf } from '../node/admin-client.js';
import { DEFAULT_CONFIG_DIR, DEFAULT_RUN_DIR, DEFAULT_STATE_DIR, RUN_DIR_ENV } from '../node/admin-protocol.js';
import { CONTROLLERS, DEFAULT_CONTROLLER } from '../node/controllers.js';
import { startNode } from '../node/daemon.js';
import { createHaLog } from '../node/ha-log.js';

const OPTIONS = {
  'config-dir': {
    type: 'string',
    value: 'DIR',
    defaultText: DEFAULT_CONFIG_DIR,
    description: 'configuration: with ha.cf + authkeys (or cluster.json) there, the node is a member of that cluster',
  },
  'state-dir': {
    type: 'string',
    value: 'DIR',
    defaultText: DEFAULT_STATE_DIR,
    description: 'persistent state: cib/cib.xml with its digest and backups, pe-inputs (created 0700)',
  },
  'run-dir': {
    type: 'string',
    value: 'DIR',
    defaultText: `$${RUN_DIR_ENV}, else ${DEFAULT_RUN_DIR}`,
    description: "sockets (admin.sock, attrd.sock; 0600) and attrd's state; the other commands find the daemon here",
  },
  cib: { type: 'string', value: 'FILE', description: 'seed CIB, taken on the first start only (an existing CIB is kept)' },
  'node-name': { type: 'string', value: 'NAME', defaultText: 'the host name', description: "this node's name" },
  group: { type: 'string', value: 'GROUP', description: 'let GROUP use the sockets (0660) and read the directories made (0750)' },
  controller: {
    type: 'string',
    value: 'NAME',
    defaultText: DEFAULT_CONTROLLER,
    description: Object.entries(CONTROLLERS)
      .map(([k, v]) => `${k}: ${v.summary}`)
      .join('\n'),
  },
  'agent-path': {
    type: 'string',
    value: 'DIRS',
    defaultText: '/usr/lib/ocf/resource.d',
    description: 'colon-separated OCF agent directories',
  },
  'fence-agent-dir': {
    type: 'string',
    value: 'DIR',
    defaultText: '/usr/sbin',
    description: 'where fence agents are, for a cluster member',
  },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit node start [--config-dir DIR] [--state-dir DIR] [--run-dir DIR] [--cib FILE]
                         [--node-name NAME] [--group GROUP] [--controller NAME] [--agent-path DIRS]
                         [--fence-agent-dir DIR]
       ocfkit node standby [NODE] [--run-dir DIR]
       ocfkit node online [NODE] [--run-dir DIR]

  start     run this node's daemon in the foreground (for systemd, or PID 1 under tini): the CIB,
            the executor, attrd and the controller, with the admin socket the other commands use.
            SIGTERM stops every resource in order, then exits 0. A member told by the fencing
            history that it was fenced while running stops its resources and exits 100
            (Pacemaker's CRM_EX_FATAL: do not respawn it).
  standby   put NODE (default: the daemon's own node) in standby: its resources move away
  online    take NODE out of standby`,
  OPTIONS,
  "Logs go to HA_LOGFILE and/or syslog (HA_LOGFACILITY), else stderr, in the agents' HA format.",
);

/** A group name (from /etc/group) or number as a gid. */
function groupId(group: string, groupFile = '/etc/group'): number {
  if (/^\d+$/.test(group)) return Number(group);
  const line = readFileSync(groupFile, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === group);
  const gid = line?.split(':')[2];
  if (gid === undefined) throw new UsageError(`--group ${JSON.stringify(group)}: no such group in ${groupFile}`);
  return Number(gid);
}

async function start(values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const s = (k: string) => values[k] as string | undefined;
  const controllerName = s('controller') ?? DEFAULT_CONTROLLER;
  const controller = CONTROLLERS[controllerName];
  if (!controller) throw new UsageError(`--controller ${JSON.stringify(controllerName)}: one of ${Object.keys(CONTROLLERS).join(', ')}`);
  const log = createHaLog({ component: 'node' });
  // Signal handlers first: a SIGTERM during start-up stops the node as soon as it is up. They
  // stay installed while it stops, so a second signal cannot kill it half-way.
  let signalled: string | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: string) => {
    if (signalled !== undefined) {
      log.info(`${signal} received: already stopping`);
      return;
    }
    signalled = signal;
    log.info(`${signal} received`);
    wake?.();
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const group = s('group');
  const agentPath = s('agent-path');
  const runDir = runDirOf(s('run-dir'));
  try {
    const node = await startNode({
      configDir: s('config-dir') ?? DEFAULT_CONFIG_DIR,
      stateDir: s('state-dir') ?? DEFAULT_STATE_DIR,
      runDir,
      ...(s('cib') !== undefined ? { cibFile: s('cib') } : {}),
      ...(s('node-name') !== undefined ? { nodeName: s('node-name') } : {}),
      ...(group !== undefined ? { gid: groupId(group) } : {}),
      ...(agentPath !== undefined ? { agentPath: agentPath.split(':').filter(Boolean) } : {}),
      ...(s('fence-agent-dir') !== undefined ? { fenceAgentDir: s('fence-agent-dir') } : {}),
      controller: { name: controllerName, factory: controller.factory },
      log,
    });
    io.out(`ocfkit node ${node.nodeName}: running (run dir ${runDir}, controller ${controllerName})\n`);
    let code: number | undefined;
    if (signalled === undefined)
      code = await Promise.race([
        new Promise<undefined>((resolve) => {
          wake = () => resolve(undefined);
        }),
        node.ended,
      ]);
    if (code === undefined) await node.stop();
    await log.close();
    return code ?? 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
}

/**
 * `ocfkit node`: run the node daemon, or put a node in standby / take it out.
 *
 * @example
 * await nodeCommand.run(['standby', 'n1', '--run-dir', '/tmp/n1/run'], processIo);
 */
export const nodeCommand: Command = {
  summary: 'the node daemon (start) and node standby/online',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const [sub, node, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    switch (sub) {
      case 'start':
        if (node !== undefined) throw new UsageError(`start takes no argument (got ${JSON.stringify(node)}); use --node-name`);
        return start(values, io);
      case 'standby':
      case 'online': {
        for (const k of ['config-dir', 'state-dir', 'cib', 'node-name', 'group', 'controller', 'agent-path', 'fence-agent-dir'] as const)
          if (values[k] !== undefined) throw new UsageError(`--${k} is an option of \`node start\``);
        const r = await adminCall(runDirOf(values['run-dir']), { op: 'node', action: sub, ...(node !== undefined ? { node } : {}) });
        for (const m of r.messages ?? []) io.out(`${m}\n`);
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? 'expected a subcommand: start, standby or online' : `unknown subcommand ${JSON.stringify(sub)}`,
        );
    }
  },
};
