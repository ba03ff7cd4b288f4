import { isAbsolute, resolve } from 'node:path';
import { ATTRD_SOCKET_ENV, MAX_TIMER_MS, ocfCodeName, parseDuration } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parseCommand, UsageError } from '@ocfkit/sdk/cli';
import { DEFAULT_SEARCH_PATH } from '../lrmd/agent-path';
import { inheritedEnv } from '../lrmd/env';
import { Executor } from '../lrmd/executor';
import { localAttrdSocket } from '../lrmd/local-attrd';
import { escapeControls, privateParams, redactResult } from '../lrmd/redact';
import type { OpRequest, OpResult } from '../lrmd/types';

const OPTIONS = {
  param: { type: 'string', short: 'p', multiple: true, value: 'NAME=VALUE', description: 'an instance parameter (OCF_RESKEY_NAME)' },
  meta: { type: 'string', multiple: true, value: 'NAME=VALUE', description: 'an extra CRM_meta_NAME value (e.g. clone_max=2)' },
  interval: {
    type: 'string',
    short: 'i',
    value: 'DURATION',
    description: 'run as one run of a recurring op (sets CRM_meta_interval); e.g. 10s',
  },
  timeout: { type: 'string', short: 't', value: 'DURATION', defaultText: '20s', description: 'CRM_meta_timeout and the kill deadline' },
  'check-level': { type: 'string', short: 'L', value: 'N', description: 'OCF_CHECK_LEVEL (0, 10, 20)' },
  resource: {
    type: 'string',
    short: 'r',
    value: 'ID',
    defaultText: '"test", as crm_resource without -r',
    description: 'OCF_RESOURCE_INSTANCE',
  },
  user: { type: 'string', short: 'u', value: 'USER', description: 'run the agent as USER' },
  'agent-path': {
    type: 'string',
    short: 'A',
    multiple: true,
    value: 'DIR',
    description: `look for agents in DIR/PROVIDER/TYPE first (then ${DEFAULT_SEARCH_PATH.join(':')})`,
  },
  'agent-file': { type: 'string', short: 'f', value: 'FILE', description: 'run FILE as the agent instead of searching' },
  'term-grace': {
    type: 'string',
    value: 'DURATION',
    description:
      'at the timeout send SIGTERM, wait, then SIGKILL (Heartbeat lrmd); default: SIGKILL the process group at once (pacemaker-execd)',
  },
  node: { type: 'string', value: 'NAME', defaultText: "this host's name", description: 'CRM_meta_on_node' },
  'attrd-socket': {
    type: 'string',
    value: 'PATH',
    description:
      "node attributes go to the bundled attrd at PATH (OCFKIT_ATTRD_SOCKET); default: $OCFKIT_ATTRD_SOCKET, else the bundled attrd running on this host (<run-dir>/attrd.sock, run dir $OCFKIT_RUN_DIR or /run/ocfkit) when it answers, else Pacemaker's attrd_updater",
  },
  output: { type: 'string', short: 'o', value: 'FORMAT', description: 'text (default) or json (the whole result record)' },
} as const satisfies OptionSpecs;

const HELP = commandHelp(
  `Usage: ocfkit exec ocf:PROVIDER:TYPE ACTION [options]

Runs one action of an OCF agent through the bundled executor, with the environment, process
group, timeout and result mapping of pacemaker-execd — the equivalent of
\`crm_resource --force-start|--force-check|--force-stop|--validate\`, outside any cluster.
Prints the rc, the execution status, the exit reason and the agent's output; exits with the rc.`,
  OPTIONS,
  `Durations: 20s, 500ms, 2min or bare seconds.

Example:
  ocfkit exec ocf:heartbeat:Dummy start -p state=/run/dummy.state -t 20s`,
);

function pairs(list: string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} expects NAME=VALUE, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function duration(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--${option}: not a duration: ${JSON.stringify(text)} (use 20s, 500ms, 2min)`);
  if (ms > MAX_TIMER_MS) throw new UsageError(`--${option} ${JSON.stringify(text)} is too long: at most ${MAX_TIMER_MS} ms (24.8 days)`);
  return ms;
}

function agentSpec(text: string): { provider: string; type: string } {
  const m = /^ocf:([^:]+):([^:]+)$/.exec(text);
  if (!m) throw new UsageError(`expected an agent as ocf:PROVIDER:TYPE, got ${JSON.stringify(text)}`);
  return { provider: m[1] as string, type: m[2] as string };
}

/**
 * Prints a result the way `crm_resource --force-*` does, plus the execution status.
 *
 * @example
 * io.out(formatResult('ocf:heartbeat:Dummy', r));
 */
function formatResult(agent: string, r: OpResult): string {
  const reason = r.exitReason !== undefined ? `: ${r.exitReason}` : '';
  const lines = [
    `Operation ${r.action} (${agent}) returned ${r.rc} (${ocfCodeName(r.rc)}${escapeControls(reason)})`,
    `status: ${r.execStatus}${r.signal ? ` (${r.signal})` : ''}, ${r.durationMs} ms`,
  ];
  if (r.stdout) lines.push(`${r.action} stdout:`, escapeControls(r.stdout.replace(/\n$/, '')));
  if (r.stderr) lines.push(`${r.action} stderr:`, escapeControls(r.stderr.replace(/\n$/, '')));
  return `${lines.join('\n')}\n`;
}

/** `ocfkit exec`: one agent action through the executor. */
export const execCommand: Command = {
  summary: 'run one agent action through the executor (like crm_resource --force-*)',
  help: HELP,
  optionSets: [{ after: [], options: OPTIONS }],
  async run(argv: string[], io: Io): Promise<number> {
    const args = parseCommand(argv, OPTIONS, HELP, io);
    if (!args) return 0;
    const { values, positionals } = args;
    if (positionals.length !== 2) throw new UsageError('expected ocf:PROVIDER:TYPE and ACTION');
    const [agentText, action] = positionals as [string, string];
    const { provider, type } = agentSpec(agentText);
    const output = values.output ?? 'text';
    if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, got ${JSON.stringify(output)}`);
    const checkLevel = values['check-level'];
    if (checkLevel !== undefined && !/^\d+$/.test(checkLevel))
      throw new UsageError(`--check-level must be a number, got ${JSON.stringify(checkLevel)}`);
    const agentFile = values['agent-file'] !== undefined ? resolve(values['agent-file']) : undefined;
    const extra = (values['agent-path'] ?? []).map((d) => (isAbsolute(d) ? d : resolve(d)));
    const termGraceMs = duration(values['term-grace'], 'term-grace');
    const attrdSocket = values['attrd-socket'] ?? (await localAttrdSocket(process.env));
    const ex = new Executor({
      baseEnv: { ...inheritedEnv(process.env), ...(attrdSocket !== undefined ? { [ATTRD_SOCKET_ENV]: attrdSocket } : {}) },
      searchPath: [...extra, ...DEFAULT_SEARCH_PATH],
      ...(termGraceMs !== undefined ? { termGraceMs } : {}),
      ...(values.node !== undefined ? { nodeName: values.node } : {}),
      // One op per command: a pre-started runner would only ever be started, never used.
      warm: 0,
    });
    try {
      let r: OpResult;
      if (action === 'meta-data') {
        r = await ex.metaData(provider, type, agentFile !== undefined ? { path: agentFile } : {});
      } else {
        const id = values.resource ?? 'test';
        const params = pairs(values.param, 'param');
        ex.register({ id, provider, type, params, ...(agentFile !== undefined ? { path: agentFile } : {}) });
        const timeoutMs = duration(values.timeout, 'timeout') ?? 20_000;
        if (timeoutMs <= 0) throw new UsageError(`--timeout must be more than 0, got ${JSON.stringify(values.timeout)}`);
        const req: OpRequest = { rsc: id, action, timeoutMs };
        const interval = duration(values.interval, 'interval');
        if (interval !== undefined && interval > 0) req.intervalMs = interval;
        const meta = pairs(values.meta, 'meta');
        if (Object.keys(meta).length > 0) req.meta = meta;
        if (checkLevel !== undefined) req.checkLevel = Number(checkLevel);
        if (values.user !== undefined) req.user = values.user;
        r = await ex.run(req);
        if (Object.keys(params).length > 0) {
          const md = await ex.metaData(provider, type, agentFile !== undefined ? { path: agentFile } : {});
          r = redactResult(r, privateParams(md.rc === 0 ? md.stdout : ''), params);
        }
      }
      io.out(output === 'json' ? `${JSON.stringify(r, null, 2)}\n` : formatResult(agentText, r));
      return r.rc;
    } finally {
      await ex.close();
    }
  },
};
