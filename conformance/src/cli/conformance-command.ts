import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isExecutableFile, readFailure, readRegularFile } from '@ocfkit/sdk';
import { type Command, commandHelp, type Io, type OptionSpecs, parse, UsageError } from '@ocfkit/sdk/cli';
import { type AgentConfig, loadAgentConfig } from '../config/agent-config';
import { type ProfileName, profileByName } from '../profiles/profiles';
import { formatJson } from '../report/json';
import { formatJunit } from '../report/junit';
import { closingLine, formatText, progressLine } from '../report/text';
import { type AgentOutcome, runConfiguredAgent } from '../run-agent';
import { RIG_HELP, RIG_OPTIONS, runRigConformance } from '../scenarios/cli';
import type { SuiteReport } from '../suite';
import { type AgentTarget, resolveTarget } from '../target';
import { fenceConformance, isFenceTarget } from './fence-conformance';

const OPTIONS = {
  param: { type: 'string', short: 'p', multiple: true, value: 'NAME=VALUE', description: 'instance parameter' },
  params: {
    type: 'string',
    value: 'FILE',
    description: 'JSON: {"name": "value", ...} or a conformance.json (params, second, invalid, requires, netns; see conformance/README.md)',
  },
  second: {
    type: 'string',
    multiple: true,
    value: 'NAME=VALUE',
    defaultText: 'derived',
    description: 'parameter of the second instance',
  },
  invalid: { type: 'string', multiple: true, value: 'NAME=VALUE', description: 'a value validate-all must reject' },
  promotable: { type: 'boolean', description: 'run it as a promotable clone (promotable.cycle; Pacemaker promotes nothing else)' },
  clone: { type: 'boolean', description: 'run it as a clone (notifications with clone meta)' },
  netns: {
    type: 'string',
    value: 'ADDR/PREFIX',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NIC} is what users write in values
    description: 'run the agent inside a private network namespace whose dummy interface (${NIC} in values) carries this address',
  },
  profile: { type: 'string', value: 'P', default: 'execd', description: 'environment: execd, crm_resource, ocf-tester' },
  budget: {
    type: 'string',
    value: 'SECONDS',
    defaultText: '600',
    description: "time budget of each agent's run: once spent, the checks not yet run are skipped and suite.budget fails",
  },
  all: {
    type: 'boolean',
    description: 'every agent built under DIR/dist/ocf/resource.d/ocfkit/, each with DIR/<Name>/conformance.json',
  },
  'agents-dir': { type: 'string', value: 'DIR', default: 'agents', description: 'where --all looks' },
  json: { type: 'boolean', description: 'print the report as JSON (no progress)' },
  junit: { type: 'string', value: 'FILE', description: 'also write a JUnit XML report' },
  quiet: { type: 'boolean', short: 'q', description: 'no per-op progress' },
  plug: { type: 'string', value: 'PLUG', description: 'fence agents: the target to power off and on (a test machine!)' },
} as const satisfies OptionSpecs;

const HELP = `${commandHelp(
  `Usage: ocfkit conformance <AGENT | ocf:PROVIDER:TYPE> [options]
       ocfkit conformance <stonith:fence_NAME | path/to/fence_NAME> [-p NAME=VALUE]... [--plug PLUG]
       ocfkit conformance --all [--agents-dir DIR] [options]

Runs the single-agent OCF contract checks (meta-data and its three grammars, validate-all, the
lifecycle from stopped, probes with binaries hidden, promote/demote, reload-agent, migration,
notify, unknown actions, timeouts, exit reasons, orphaned processes, SIGKILL during start, two
instances) through ocfkit's executor, which runs agents the way pacemaker-execd does. Works on
any OCF agent, shell or ocfkit-built. Exit status 1 when an error-level rule fails.`,
  OPTIONS,
  `A fence agent (stonith:fence_*, or a file named fence_*) gets the fence-agents checks instead:
meta-data (pcs's ocf-1.0.rng, stonith_admin --metadata), monitor/list/status codes, off verified
by status afterwards, on, reboot, the command line against stdin, unknown actions, timeouts.`,
)}
${RIG_HELP}`;

function pairs(list: string[] | undefined, what: string): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${what} ${JSON.stringify(item)} must be NAME=VALUE`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

function paramsFile(file: string): AgentConfig {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new UsageError(`--params ${file}: ${readFailure(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--params ${file}: not valid JSON: ${(err as Error).message}`);
  }
  const flat = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === 'string');
  return flat ? { params: raw as Record<string, string> } : loadAgentConfig(file);
}

interface Job {
  target: AgentTarget;
  cfg: AgentConfig;
}

function allJobs(agentsDir: string): Job[] {
  const built = join(agentsDir, 'dist', 'ocf', 'resource.d', 'ocfkit');
  if (!existsSync(built)) throw new Error(`no agents built under ${built} (run npm run build first)`);
  return readdirSync(built)
    .sort()
    .filter((name) => isExecutableFile(join(built, name)))
    .map((name) => ({ target: resolveTarget(join(built, name)), cfg: loadAgentConfig(join(agentsDir, name, 'conformance.json')) }));
}

/** `ocfkit conformance`: checks one agent, or every built reference agent with `--all`. */
export const conformanceCommand: Command = {
  summary: 'check agents against the OCF contract',
  help: HELP,
  optionSets: [
    { after: [], options: OPTIONS },
    { after: ['--rig', 'docker'], options: RIG_OPTIONS },
  ],
  async run(argv: string[], io: Io): Promise<number> {
    if (argv.some((a) => /^--(rig|scenario)(=|$)/.test(a))) return runRigConformance(argv, io);
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const profile = profileByName(values.profile).name as ProfileName;
    if (values.budget !== undefined && !/^[1-9]\d{0,6}$/.test(values.budget))
      throw new UsageError(`--budget ${JSON.stringify(values.budget)}: expected whole seconds, 1 to 9999999`);
    const budgetMs = values.budget === undefined ? undefined : Number(values.budget) * 1000;
    let jobs: Job[];
    if (values.all) {
      if (positionals.length > 0) throw new UsageError('--all takes no AGENT');
      jobs = allJobs(resolve(values['agents-dir']));
    } else {
      if (positionals.length !== 1) throw new UsageError('expected exactly one AGENT (a path or ocf:PROVIDER:TYPE), or --all');
      if (isFenceTarget(positionals[0] as string)) {
        const params = { ...(values.params ? paramsFile(values.params).params : {}), ...pairs(values.param, '--param') };
        const fence = { params, json: values.json ?? false, quiet: values.quiet ?? false, ...(values.plug ? { plug: values.plug } : {}) };
        return fenceConformance(positionals[0] as string, fence, io);
      }
      const cfg: AgentConfig = values.params ? paramsFile(values.params) : {};
      const p = pairs(values.param, '--param');
      const second = pairs(values.second, '--second');
      const invalid = pairs(values.invalid, '--invalid');
      if (p) cfg.params = { ...cfg.params, ...p };
      if (second) cfg.second = second;
      if (invalid) cfg.invalid = invalid;
      if (values.promotable) cfg.promotable = true;
      if (values.clone) cfg.clone = true;
      if (values.netns) cfg.netns = { address: values.netns };
      jobs = [{ target: resolveTarget(positionals[0] as string), cfg }];
    }
    const progress = !values.json && !values.quiet;
    const reports: SuiteReport[] = [];
    const skipped: { agent: string; reason: string }[] = [];
    const setupFailures: { agent: string; reason: string }[] = [];
    let ciFailure = false;
    for (const job of jobs) {
      const name = `ocf:${job.target.provider}:${job.target.type}`;
      if (progress) io.out(`== ${name} (${job.target.path})\n`);
      if (values.all && !job.cfg.params && !values.json)
        io.out(`note: ${name} has no conformance.json params: running it without parameters\n`);
      const out: AgentOutcome = await runConfiguredAgent(job.target, job.cfg, {
        profile,
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        ...(progress ? { onOp: (rec) => io.out(progressLine(rec)) } : {}),
      });
      if ('error' in out) {
        setupFailures.push({ agent: name, reason: out.error });
        if (!values.json) io.out(`FAILED ${name}: ${out.error}\n`);
        continue;
      }
      if ('skipped' in out) {
        const ci = process.env.CI === 'true' && out.failsUnderCi;
        ciFailure ||= ci;
        skipped.push({ agent: name, reason: out.skipped });
        if (!values.json)
          io.out(`skipped ${name}: ${out.skipped}${ci ? ' — a failure under CI=true, which installs its prerequisites' : ''}\n`);
        continue;
      }
      reports.push(out.report);
      if (!values.json) io.out(formatText(out.report));
    }
    if (values.junit) writeFileSync(values.junit, formatJunit(reports));
    if (values.json) io.out(formatJson(reports, skipped, setupFailures));
    else if (jobs.length > 1) io.out(`total: ${closingLine(reports)}${skipped.length ? `; ${skipped.length} agents skipped` : ''}\n`);
    const failed = reports.some((r) => r.counts.failed > 0);
    return failed || ciFailure || setupFailures.length > 0 ? 1 : 0;
  },
};
