import { renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { readFailure, readRegularFile } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { exportCib } from '../cib/export.js';
import { importCib } from '../cib/import.js';
import { flattenSets, parseDurationMs } from '../core/nvsets.js';
import { fenceDevicesFromCib } from '../fencing/cib-devices';
import { delayBaseWarnings } from '../fencing/device';
import type { FenceAction, HistoryEntry } from '../fencing/fencer';
import { formatHistory, loadHistory, saveHistory } from '../fencing/history-file';
import { mergeHistoryEntries } from '../fencing/history-store';
import { recordFenced } from '../fencing/record';
import { FenceRunner } from '../fencing/runner';
import { FencingService } from '../fencing/service';
import { readTopology } from '../fencing/topology';
import { adminCall, runDirOf } from '../node/admin-client.js';

/** Where `ocfkit fence` keeps the fencing history unless `--history` says otherwise. */
export const DEFAULT_HISTORY = '/var/lib/ocfkit/fencing-history.json';

const OPTIONS = {
  reboot: { type: 'boolean', description: 'reboot NODE (the default; stonith-action in the CIB is not consulted)' },
  off: { type: 'boolean', description: 'power NODE off' },
  on: { type: 'boolean', description: 'power NODE on (unfencing)' },
  cib: { type: 'string', short: 'c', value: 'FILE', description: 'the cib.xml with the fence devices (and fencing-topology)' },
  node: {
    type: 'string',
    short: 'N',
    value: 'NAME',
    defaultText: 'the host name',
    description: "this node's name, never chosen to fence itself unless it must",
  },
  timeout: {
    type: 'string',
    value: 'DURATION',
    defaultText: 'stonith-timeout from the CIB, else 60s',
    description: 'per-device timeout',
  },
  'agent-dir': { type: 'string', value: 'DIR', defaultText: '/usr/sbin', description: 'where fence agents live' },
  record: { type: 'boolean', description: 'on success, mark NODE down in FILE with its resources stopped' },
  history: { type: 'string', value: 'FILE', defaultText: DEFAULT_HISTORY, description: 'the fencing history' },
  'run-dir': {
    type: 'string',
    value: 'DIR',
    defaultText: '$OCFKIT_RUN_DIR, else /run/ocfkit',
    description: 'history: the node daemon to ask',
  },
  json: { type: 'boolean', description: 'history: print JSON' },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit fence NODE [--reboot | --off | --on] --cib FILE [options]
       ocfkit fence history [NODE] [--history FILE] [--json]

Fences NODE with the fence devices (stonith: primitives) of a cib.xml, the way pacemaker-fenced
does: fencing-topology levels in order (all devices of a level must succeed), otherwise each
device that may reach NODE in turn (pcmk_host_list / pcmk_host_map / pcmk_host_check), with
pcmk_*_action, pcmk_*_timeout, pcmk_*_retries and pcmk_delay_base/pcmk_delay_max applied. This
host runs the devices itself (as --node). Prints each attempt and the result; exits 0 only when
NODE was fenced. Every operation is recorded in the fencing history.

\`history\` prints that history, newest first (like stonith_admin --history), together with the
running node daemon's (its cluster's fencing operations, kept across restarts) unless --history
names a file.`,
  OPTIONS,
);

function readCib(file: string) {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${readFailure(err)}`);
  }
  return importCib(text);
}

async function fence(target: string, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const actions = (['reboot', 'off', 'on'] as const).filter((a) => values[a]);
  if (actions.length > 1) throw new UsageError(`choose one of --reboot, --off, --on (got ${actions.map((a) => `--${a}`).join(' ')})`);
  const action: FenceAction = actions[0] ?? 'reboot';
  if (typeof values.cib !== 'string') throw new UsageError('--cib FILE is required: the fence devices come from it');
  const cibFile = values.cib;
  const cib = readCib(cibFile);
  const self = typeof values.node === 'string' ? values.node : hostname();
  const options = flattenSets(cib.crmConfig);
  const timeoutText = typeof values.timeout === 'string' ? values.timeout : options.get('stonith-timeout');
  const timeoutMs = timeoutText === undefined ? 60_000 : parseDurationMs(timeoutText);
  if (timeoutMs === undefined || timeoutMs <= 0)
    throw new UsageError(`timeout ${JSON.stringify(timeoutText)} is not a duration (e.g. 60s, 2min)`);
  // Standalone, every device is usable from this host; the node daemon registers them where the scheduler places them.
  const { registrations, errors } = fenceDevicesFromCib(
    cib,
    cib.resources.flatMap((r) =>
      r.kind === 'primitive' && r.class === 'stonith' ? [{ rsc: r.id, role: 'Started' as const, node: self, nodes: [self] }] : [],
    ),
  );
  for (const e of errors) io.err(`warning: ${e}\n`);
  const names = [...new Set([...cib.nodes.map((n) => n.uname), target])];
  for (const r of registrations) for (const w of delayBaseWarnings(r.device, names)) io.err(`warning: ${w}\n`);
  const historyFile = typeof values.history === 'string' ? values.history : DEFAULT_HISTORY;
  const history = loadHistory(historyFile);
  const runner = new FenceRunner({
    ...(typeof values['agent-dir'] === 'string' ? { agentDir: values['agent-dir'] } : {}),
    log: (l) => io.err(`${l}\n`),
  });
  const service = new FencingService({
    config: { self, members: [self], devices: registrations, levels: readTopology(cib), stonithTimeoutMs: timeoutMs },
    runner,
    log: (l) => io.err(`${l}\n`),
    onHistory: (e) => {
      const i = history.findIndex((h) => h.id === e.id);
      if (i >= 0) history[i] = e;
      else history.push(e);
      saveHistory(historyFile, history.slice(-500));
    },
  });
  io.err(`fencing ${target} (${action}) with ${registrations.map((r) => r.device.id).join(', ') || 'no devices'}...\n`);
  const entry = await service.fence(target, action, self);
  service.stop();
  if (entry.state !== 'success') {
    io.err(`fencing ${target} failed: ${entry.reason}\n`);
    return 1;
  }
  io.out(`${action} of ${target} successful (devices: ${entry.devices.join(', ')}, delegate: ${entry.delegate})\n`);
  if (values.record) {
    const tmp = `${cibFile}.tmp-${process.pid}`;
    writeFileSync(tmp, exportCib(recordFenced(cib, target)));
    renameSync(tmp, cibFile);
    io.err(`recorded ${target} as fenced in ${cibFile}\n`);
  }
  return 0;
}

async function showHistory(node: string | undefined, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  let all: HistoryEntry[];
  if (typeof values.history === 'string') all = loadHistory(values.history);
  else {
    // the daemon's history (a cluster's operations), with this host's own `ocfkit fence` runs
    const runDir = runDirOf(typeof values['run-dir'] === 'string' ? values['run-dir'] : undefined);
    const fromDaemon = await adminCall(runDir, { op: 'fence-history' }).then(
      (r) => r.history ?? [],
      (err: Error) => {
        if (!/no node daemon is running/.test(err.message)) io.err(`warning: ${err.message}\n`);
        return [];
      },
    );
    all = mergeHistoryEntries(loadHistory(DEFAULT_HISTORY), fromDaemon).merged;
  }
  const entries = all.filter((e) => node === undefined || e.target.toLowerCase() === node.toLowerCase());
  if (values.json) io.out(`${JSON.stringify(entries, null, 2)}\n`);
  else if (entries.length === 0) io.out(`no fencing history${node ? ` for ${node}` : ''}\n`);
  else io.out(`${formatHistory(entries).join('\n')}\n`);
  return 0;
}

export const fenceCommand: Command = {
  summary: 'fence a node with the fence devices of a CIB; show the fencing history',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv, io) {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    const [first, ...rest] = positionals;
    if (first === undefined) throw new UsageError('expected NODE or "history" (see ocfkit fence --help)');
    if (first === 'history') {
      if (rest.length > 1) throw new UsageError('history takes at most one NODE');
      return showHistory(rest[0], values, io);
    }
    if (rest.length > 0) throw new UsageError(`expected exactly one NODE, got ${positionals.join(' ')}`);
    return fence(first, values, io);
  },
};
