import { parseDuration } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { adminCall, adminWatch, runDirOf } from '../node/admin-client.js';
import { type ResourceAction, RUN_DIR_ENV } from '../node/admin-protocol.js';
import { type ClusterStatus, primitivesOf, type ResourceStatus } from '../node/status.js';
import { fetchStatus } from './status.js';

const OPTIONS = {
  node: { type: 'string', short: 'N', value: 'NODE', description: 'the node' },
  force: { type: 'boolean', short: 'f', description: 'move: also ban the resource from its current node' },
  wait: { type: 'boolean', description: 'start/stop: wait until the resource is there' },
  timeout: { type: 'string', short: 'T', value: 'DURATION', defaultText: '2min', description: 'how long --wait and restart wait' },
  'run-dir': { type: 'string', value: 'DIR', defaultText: `$${RUN_DIR_ENV}, else /run/ocfkit`, description: "the daemon's run directory" },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit resource move RSC [NODE] [--force]
       ocfkit resource ban RSC [NODE]
       ocfkit resource clear RSC [NODE]
       ocfkit resource start|stop RSC [--wait] [--timeout DURATION]
       ocfkit resource restart RSC [--timeout DURATION]
       ocfkit resource cleanup RSC [NODE]
       (every form also takes --run-dir DIR; NODE may be given as -N NODE)

Resource commands of the running node, as crm_resource does them:

  move     prefer NODE: a location constraint cli-prefer-RSC (score INFINITY) on NODE; a ban of
           RSC there is removed first. Without NODE: ban RSC from the node it runs on.
           --force also bans it from where it runs now.
  ban      keep RSC off NODE (default: where it runs): cli-ban-RSC-on-NODE, score -INFINITY
  clear    remove the constraints move and ban made for RSC (only those naming NODE, if given)
  start    set the target-role meta attribute to Started (--wait: until it is active)
  stop     set target-role to Stopped (--wait: until it is stopped everywhere)
  restart  stop RSC, wait until it is stopped, restore its target-role, wait until it is active
  cleanup  forget RSC's operation history and fail counts (on NODE, or everywhere), so the
           controller probes it again and recomputes`,
  OPTIONS,
);

function find(resources: ResourceStatus[], id: string): ResourceStatus | undefined {
  for (const r of resources) {
    if (r.id === id) return r;
    const inner = r.kind === 'group' ? find(r.members, id) : r.kind === 'clone' ? find(r.instances, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** Whether every primitive of `rsc` is stopped (`want` = stopped) or some is active (`want` = active). */
function reached(s: ClusterStatus, rsc: string, want: 'stopped' | 'active'): boolean {
  const r = find(s.resources, rsc);
  if (!r) throw new Error(`resource "${rsc}" not found`);
  const prims = primitivesOf(r);
  return want === 'stopped'
    ? prims.every((p) => p.nodes.length === 0)
    : prims.some((p) => p.nodes.length > 0) && !prims.some((p) => p.failed);
}

/** Waits until `rsc` is stopped or active, re-checking on every CIB change (and every second). */
async function waitFor(runDir: string, rsc: string, want: 'stopped' | 'active', timeoutMs: number, io: Io): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  const stop = await adminWatch(
    runDir,
    () => wake(),
    () => wake(),
  );
  try {
    io.err(`Waiting for ${rsc} to be ${want}...\n`);
    for (;;) {
      const { status } = await fetchStatus(runDir);
      if (reached(status, rsc, want)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${rsc} is not ${want} after ${Math.round(timeoutMs / 1000)}s`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(1000, left));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    stop();
  }
}

/**
 * `ocfkit resource`: move, ban, clear, start, stop, restart and clean up resources (crm_resource).
 *
 * @example
 * await resourceCommand.run(['move', 'grp_pgsql', 'n2'], processIo);
 */
export const resourceCommand: Command = {
  summary: 'move, ban, clear, start, stop, restart, clean up resources (like crm_resource)',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const [sub, rsc, nodeArg, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const actions = ['move', 'ban', 'clear', 'start', 'stop', 'restart', 'cleanup'];
    if (sub === undefined || !actions.includes(sub))
      throw new UsageError(
        sub === undefined ? `expected a subcommand: ${actions.join(', ')}` : `unknown subcommand ${JSON.stringify(sub)}`,
      );
    if (rsc === undefined) throw new UsageError(`${sub} needs a resource id`);
    if (nodeArg !== undefined && values.node !== undefined && nodeArg !== values.node)
      throw new UsageError(`two different nodes given: ${JSON.stringify(nodeArg)} and --node ${JSON.stringify(values.node)}`);
    const node = nodeArg ?? values.node;
    if (node !== undefined && ['start', 'stop', 'restart'].includes(sub)) throw new UsageError(`${sub} takes no node`);
    if (values.force && sub !== 'move') throw new UsageError('--force is an option of move');
    const timeoutMs = values.timeout === undefined ? 120_000 : parseDuration(values.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0)
      throw new UsageError(`--timeout ${JSON.stringify(values.timeout)} is not a duration (e.g. 60s)`);
    const runDir = runDirOf(values['run-dir']);
    const call = async (action: ResourceAction, extraFields: { role?: string | null } = {}) => {
      const r = await adminCall(runDir, {
        op: 'resource',
        action,
        rsc,
        ...(node !== undefined ? { node } : {}),
        ...(values.force ? { force: true } : {}),
        ...extraFields,
      });
      for (const m of r.messages ?? []) (m.startsWith('WARNING') || m.startsWith('\t') ? io.err : io.out)(`${m}\n`);
      return r;
    };
    if (sub === 'restart') {
      if (!reached((await fetchStatus(runDir)).status, rsc, 'active'))
        throw new Error(`${rsc} is not active: nothing to restart (use \`ocfkit resource start\`)`);
      const before = (await call('get-target-role')).role ?? null;
      await call('stop');
      try {
        await waitFor(runDir, rsc, 'stopped', timeoutMs, io);
      } finally {
        // Whatever happens, the resource gets its own target-role back (crm_resource does the same).
        await call('set-target-role', { role: before });
      }
      await waitFor(runDir, rsc, 'active', timeoutMs, io);
      io.out(`${rsc} restarted\n`);
      return 0;
    }
    await call(sub as ResourceAction);
    if (values.wait && (sub === 'start' || sub === 'stop'))
      await waitFor(runDir, rsc, sub === 'start' ? 'active' : 'stopped', timeoutMs, io);
    return 0;
  },
};
