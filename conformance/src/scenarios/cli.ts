import { writeFileSync } from 'node:fs';
import { commandHelp, type Io, type OptionSpecs, parse, UsageError } from '@ocfkit/sdk/cli';
import { createRig, rigNet } from '../rigs/create-rig';
import { RIG_KINDS, type Rig, type RigKind } from '../rigs/rig';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS, parseAgents } from './agents-under-test';
import { scenariosByName } from './catalog';
import { formatScenarioJson, formatScenarioJunit, formatScenarioText, formatSideBySide, scenarioClosingLine } from './report';
import { runScenario, type ScenarioResult } from './run-scenario';

/** The options of `ocfkit conformance --rig ... --scenario ...`. */
export const RIG_OPTIONS = {
  rig: {
    type: 'string',
    multiple: true,
    value: 'R',
    description:
      'pacemaker (real Pacemaker + Corosync), docker (bundled engine), local (bundled engine in namespaces on this host, root only; two: repeat or comma-separate, e.g. --rig docker,pacemaker)',
  },
  scenario: {
    type: 'string',
    multiple: true,
    value: 'S',
    description: 'seed, node-kill, monitor-failure, disk-failure, partition, rejoin, all (or comma-separated)',
  },
  baseline: { type: 'boolean', description: "Debian's ocf:heartbeat:IPaddr2 and ocf:heartbeat:pgsql" },
  provider: {
    type: 'string',
    multiple: true,
    value: 'NAME=DIR',
    description: 'mount DIR at /usr/lib/ocf/resource.d/NAME in the nodes (your agents)',
  },
  compose: { type: 'string', value: 'FILE', defaultText: "the checkout's docker-compose.yml", description: "the rig's compose file" },
  project: {
    type: 'string',
    value: 'NAME',
    defaultText: 'ocfkit-rig-<rig>',
    description: 'container/network/volume (local: namespace and rig directory) name prefix',
  },
  net: {
    type: 'string',
    value: 'A.B',
    defaultText: '$OCFKIT_RIG_NET, else 10.217',
    description: "the rig's subnets: A.B.1.0/24 (lan, VIP A.B.1.100) and A.B.2.0/24; two rigs on one dockerd at once",
  },
  json: { type: 'boolean', description: 'print the report as JSON (no progress)' },
  junit: { type: 'string', value: 'FILE', description: 'also write a JUnit XML report' },
  quiet: { type: 'boolean', short: 'q', description: 'no per-step progress' },
} as const satisfies OptionSpecs;

export const RIG_HELP = commandHelp(
  `Usage: ocfkit conformance --rig pacemaker|docker|local [--rig ...] --scenario NAME|all [AGENTS...]

Runs cluster scenarios on multi-node rigs built from docker-compose.yml: the seed configuration
(grp_pgsql = VIP + PostgreSQL on the shared volume, a diskcheck clone, rule rul_DK_dsc), node kill,
monitor failure, disk failure, partition, rejoin; throughout, the VIP must answer from one node at
a time and no row written may be lost. Two --rig options print the rigs side by side.
AGENTS: [ip=|pgsql=|diskcheck=]ocf:PROVIDER:TYPE (default: ocfkit's; --baseline: Debian's
heartbeat IPaddr2 + pgsql). docker and pacemaker need dockerd and the rig image
(conformance/rigs/image/build-image.sh); local needs root (network, PID and mount namespaces on
this host) and PostgreSQL 15, no Docker.`,
  RIG_OPTIONS,
);

/** `ocfkit conformance --rig ... --scenario ...`: the cluster scenarios on one or two rigs. */
export async function runRigConformance(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, RIG_OPTIONS);
  if (values.help) {
    io.out(RIG_HELP);
    return 0;
  }
  const rigs = ((values.rig ?? []) as string[]).flatMap((r) => r.split(',')).filter(Boolean);
  if (rigs.length === 0 || rigs.length > 2) throw new UsageError('--rig: give one rig, or two for a side-by-side table');
  for (const r of rigs)
    if (!RIG_KINDS.includes(r as RigKind)) throw new UsageError(`--rig ${JSON.stringify(r)}: expected ${RIG_KINDS.join(', ')}`);
  const names = ((values.scenario ?? []) as string[]).flatMap((s) => s.split(',')).filter(Boolean);
  if (names.length === 0) throw new UsageError('--scenario: name a scenario or all');
  let scenarios: ReturnType<typeof scenariosByName>;
  let agents: ReturnType<typeof parseAgents>;
  const providers: Record<string, string> = {};
  try {
    if (values.net) rigNet(values.net as string);
    scenarios = scenariosByName(names);
    agents = parseAgents(positionals, values.baseline ? HEARTBEAT_AGENTS : OCFKIT_AGENTS);
    for (const p of (values.provider ?? []) as string[]) {
      const at = p.indexOf('=');
      if (at <= 0) throw new Error(`--provider ${JSON.stringify(p)} must be NAME=DIR`);
      providers[p.slice(0, at)] = p.slice(at + 1);
    }
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const progress = !values.json && !values.quiet;
  const byRig: ScenarioResult[][] = [];
  const cleanup = removeOnSignal(io);
  try {
    for (const kind of rigs as RigKind[]) {
      const rig = createRig(kind, {
        ...(values.compose ? { composeFile: values.compose } : {}),
        ...(values.net ? { net: values.net as string } : {}),
        ...(values.project ? { project: rigs.length > 1 ? `${values.project}-${kind}` : values.project } : {}),
        providers,
      });
      cleanup.current = rig;
      const results: ScenarioResult[] = [];
      for (const s of scenarios) {
        if (progress) io.out(`== rig ${kind}: ${s.name} — ${s.summary}\n`);
        results.push(await runScenario(rig, s, { agents, ...(progress ? { progress: (l) => io.out(`${l}\n`) } : {}) }));
      }
      byRig.push(results);
    }
  } finally {
    cleanup.off();
  }
  const all = byRig.flat();
  if (values.junit) writeFileSync(values.junit, formatScenarioJunit(all));
  if (values.json) io.out(formatScenarioJson(all));
  else {
    io.out(formatScenarioText(all).replace(/[^\n]*\n$/, ''));
    if (byRig.length === 2) io.out(formatSideBySide(byRig[0] ?? [], byRig[1] ?? []));
    io.out(`${scenarioClosingLine(all)}\n`);
  }
  return all.some((r) => r.status === 'failed') ? 1 : 0;
}

/**
 * While a rig runs, SIGINT/SIGTERM remove it (its containers, networks, volume and seed directory)
 * before the process exits 130/143: an interrupted run must not leave a rig holding the subnets.
 * A second signal during the removal exits at once.
 */
export function removeOnSignal(io: Io, exit: (code: number) => void = process.exit): { current: Rig | undefined; off(): void } {
  const state: { current: Rig | undefined; off(): void } = { current: undefined, off: () => undefined };
  let removing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (removing) {
      io.err(`${signal} again: exiting without waiting for the rig's removal\n`);
      exit(code);
      return;
    }
    removing = true;
    const rig = state.current;
    io.err(`${signal}: removing the ${rig ? `${rig.kind} ` : ''}rig (containers, networks, volume)...\n`);
    void (rig ? rig.abort() : Promise.resolve())
      .then(
        () => io.err('rig removed\n'),
        (err: Error) => io.err(`removing the rig failed: ${err.message}\n`),
      )
      .finally(() => exit(code));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  state.off = () => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  };
  return state;
}
