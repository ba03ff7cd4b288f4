import { parseDuration } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { importCib } from '../cib/import.js';
import type { HistoryEntry } from '../fencing/fencer';
import { fencingStatusText, loadHistory } from '../fencing/history-file';
import { adminCall, adminWatch, runDirOf } from '../node/admin-client.js';
import { RUN_DIR_ENV } from '../node/admin-protocol.js';
import { type ClusterStatus, clusterStatus } from '../node/status.js';
import { statusText, statusXml } from '../node/status-format.js';
import { DEFAULT_HISTORY } from './fence';

const OPTIONS = {
  'show-node-attributes': { type: 'boolean', short: 'A', description: 'also show node attributes' },
  'output-as': { type: 'string', value: 'FORMAT', description: "text (default), xml (crm_mon's XML) or json" },
  watch: {
    type: 'boolean',
    short: 'w',
    description: 'keep showing the status, refreshed on every CIB change and every --interval; ends with Ctrl-C',
  },
  interval: {
    type: 'string',
    short: 'i',
    value: 'DURATION',
    defaultText: '5s',
    description: 'refresh period with --watch (5s, 500ms, 1min)',
  },
  'one-shot': { type: 'boolean', short: '1', description: "print once and exit (the default without --watch; crm_mon's habit)" },
  'run-dir': { type: 'string', value: 'DIR', defaultText: `$${RUN_DIR_ENV}, else /run/ocfkit`, description: "the daemon's run directory" },
  'fence-history': {
    type: 'boolean',
    short: 'm',
    description: 'show the whole fencing history (failed and pending ones are always shown)',
  },
  'fencing-history': {
    type: 'string',
    value: 'FILE',
    defaultText: "the daemon's, which keeps its cluster's fencing operations across restarts",
    description: 'read the fencing history from FILE',
  },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit status [-A] [--output-as text|xml|json] [--watch [--interval DURATION]] [--run-dir DIR]

The running node's cluster status, as crm_mon shows it: nodes, resources with their roles and
nodes, fail counts (migration summary) and failed actions with their exit reasons. Computed from
the CIB (configuration and status section) with the scheduler's reading of the history.`,
  OPTIONS,
);

/**
 * The fencing history of the daemon at `runDir` (its cluster's operations and `ocfkit fence` runs
 * on its host); a daemon too old to answer: the default history file.
 */
async function daemonFencingHistory(runDir: string): Promise<HistoryEntry[]> {
  try {
    return (await adminCall(runDir, { op: 'fence-history' })).history ?? [];
  } catch (err) {
    if (/unknown op/.test((err as Error).message)) return loadHistory(DEFAULT_HISTORY);
    throw err;
  }
}

/** The status of the daemon at `runDir`, with the controller's name. */
export async function fetchStatus(runDir: string, now: () => number = Date.now): Promise<{ status: ClusterStatus; controller?: string }> {
  const ping = await adminCall(runDir, { op: 'ping' });
  const { xml } = await adminCall(runDir, { op: 'query' });
  return {
    status: clusterStatus(importCib(xml ?? ''), Math.floor(now() / 1000)),
    ...(ping.controller ? { controller: ping.controller } : {}),
  };
}

function render(format: string, s: ClusterStatus, controller: string | undefined, attributes: boolean): string {
  const now = Math.floor(Date.now() / 1000);
  if (format === 'json') return `${JSON.stringify(s, null, 2)}\n`;
  if (format === 'xml') return statusXml(s, { now });
  return statusText(s, { now, attributes, ...(controller ? { controller } : {}) });
}

/**
 * `ocfkit status`: crm_mon for the bundled engine.
 *
 * @example
 * await statusCommand.run(['--output-as', 'json'], processIo);
 */
export const statusCommand: Command = {
  summary: 'cluster status of the running node (like crm_mon)',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io: Io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const format = values['output-as'] ?? 'text';
    if (!['text', 'xml', 'json'].includes(format)) throw new UsageError(`--output-as ${JSON.stringify(format)}: one of text, xml, json`);
    const intervalMs = values.interval === undefined ? 5000 : parseDuration(values.interval);
    if (intervalMs === undefined || intervalMs <= 0)
      throw new UsageError(`--interval ${JSON.stringify(values.interval)} is not a duration (e.g. 5s)`);
    const runDir = runDirOf(values['run-dir']);
    const show = async () => {
      const { status, controller } = await fetchStatus(runDir);
      const text = render(format, status, controller, values['show-node-attributes'] === true);
      if (format !== 'text') return text;
      const file = values['fencing-history'];
      const fencing = file !== undefined ? loadHistory(file) : await daemonFencingHistory(runDir);
      return text + fencingStatusText(fencing, values['fence-history'] === true);
    };
    if (!values.watch) {
      io.out(await show());
      return 0;
    }
    const tty = process.stdout.isTTY === true;
    const draw = async () => io.out(`${tty ? '\x1b[H\x1b[2J' : ''}${await show()}${tty ? '' : '\n'}`);
    return new Promise<number>((resolve, reject) => {
      let busy = Promise.resolve();
      let done = false;
      const redraw = () => {
        busy = busy.then(() => (done ? undefined : draw())).catch((err: Error) => finish(err));
      };
      let timer: NodeJS.Timeout | undefined;
      let stopWatch: (() => void) | undefined;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        stopWatch?.();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (err) reject(err);
        else resolve(0);
      };
      const onSignal = () => finish();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // subscribe before the first frame: a change made once that frame is out must redraw, and a
      // subscription made after it would miss a change that came in between
      adminWatch(runDir, redraw, () => finish(new Error('the node daemon went away')))
        .then((stop) => {
          if (done) return stop();
          stopWatch = stop;
          redraw();
          timer = setInterval(redraw, intervalMs);
        })
        .catch((err: Error) => finish(err));
    });
  },
};
