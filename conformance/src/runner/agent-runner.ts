import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Executor, type OpResult } from '@ocfkit/engine';
import type { Profile } from '../profiles/profiles';
import { CGROUP_VAR, CgroupEntries, runAsUser } from './cgroup-entry';
import { OpCgroups } from './op-cgroup';
import { describeProcess, findMarked, killAll, type MarkedProcess, settle } from './orphans';

/** Marks every process of one op; anything still carrying it afterwards was left behind. */
const OP_MARKER = 'OCFKIT_CONFORMANCE_OP';
/** Marks every process started for one resource instance during a run. */
const RSC_MARKER = 'OCFKIT_CONFORMANCE_RSC';

/** Actions that only read the state (run again when slow, see {@link AgentRunner.run}). */
const READ_ONLY_ACTIONS = new Set(['meta-data', 'validate-all', 'monitor']);

/** Actions after which processes may legitimately remain: they start the service. */
const SERVICE_ACTIONS = new Set(['start', 'promote', 'demote', 'migrate_from', 'migrate_to', 'reload', 'reload-agent', 'notify']);

/** What to run the agent with for one action. */
export interface RunOptions {
  /** Resource id (`OCF_RESOURCE_INSTANCE`). Default: the runner's first instance. */
  instance?: string;
  /** Parameters for this op (replacing the instance's default ones). */
  params?: Record<string, string>;
  /** > 0: a recurring monitor's interval (`CRM_meta_interval`); otherwise a probe for monitor. */
  intervalMs?: number;
  /** Extra `CRM_meta_*` values by short name. */
  meta?: Record<string, string>;
  /** Environment overrides (`undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** Run as this user. */
  user?: string;
  /** Kill the op's process group this soon (ms), while the agent still sees its advertised timeout. */
  killAfterMs?: number;
  /** Run the real agent even when a wrapper (network namespace) is configured: meta-data as nobody. */
  direct?: boolean;
  /** Run this file instead of the agent (a reachable copy of it); implies `direct`. */
  path?: string;
  /** What this op is for, in reports ("probe of a stopped resource"). */
  label: string;
  /** Do not run a slow read-only op again (see {@link AgentRunner.run}). */
  once?: boolean;
}

/** One op the suite ran, with what the observers need. */
export interface OpRecord {
  label: string;
  action: string;
  instance: string;
  probe: boolean;
  /** The op was meant to be killed early (no timing or exit-reason verdicts). */
  killed: boolean;
  result: OpResult;
  /**
   * Processes of this op still alive after it ended (and after a short grace for ops that may
   * leave nothing): in its cgroup, or carrying its environment marker. Killed afterwards unless
   * the action may leave the service running.
   */
  leftovers: MarkedProcess[];
  /**
   * How long the op's processes waited for a CPU (its cgroup's PSI): time the busy host took, not
   * the agent; `timing.within-advertised` judges the duration without it. Absent where unknown.
   */
  cpuWaitMs?: number;
  /** The op was slower than its advertised timeout and was run once more (the next record): its time is not judged. */
  ranAgain?: boolean;
}

/** How the runner reaches the agent. */
interface RunnerOptions {
  /** The agent executable. */
  path: string;
  /** What the executor runs instead (e.g. an `ip netns exec` wrapper); meta-data `direct` ops use `path`. */
  wrapperPath?: string;
  provider: string;
  type: string;
  /** Default parameters per instance id. */
  instances: Record<string, Record<string, string>>;
  profile: Profile;
  /** ms an action may take: the advertised timeout of `action` (updated once meta-data is known). */
  timeoutFor(action: string): number;
  /** How long a process may take to exit after its op before it counts as left behind (ms; default 2000). */
  orphanGraceMs?: number;
}

/**
 * The one way the suite invokes an agent: through the engine's {@link Executor} (so environment,
 * process groups and timeouts are pacemaker-execd's), with the chosen profile's environment, every
 * op in a cgroup of its own (as root; see {@link OpCgroups}) plus an environment marker, and every
 * op recorded for the cross-cutting checks. What an op leaves in its cgroup cannot escape by
 * clearing its environment, changing user (`su -`) or daemonizing.
 *
 * @example
 * const runner = new AgentRunner({ path, provider: 'heartbeat', type: 'Dummy', instances: { a: {} }, profile, timeoutFor: () => 20_000 });
 * const rec = await runner.run('monitor', { label: 'probe' });
 * await runner.close();
 */
export class AgentRunner {
  readonly records: OpRecord[] = [];
  readonly runId = randomBytes(6).toString('hex');
  /** `CRM_meta_on_node` and the migration source/target. */
  readonly nodeName = hostname();
  private readonly ex = new Executor({ cwd: '/', nodeName: this.nodeName });
  private seq = 0;
  private readonly firstInstance: string;
  /** Per-op cgroups, or why processes are tracked by their environment marker only. */
  readonly cgroups: OpCgroups | { unavailable: string };
  private readonly entries = new CgroupEntries();
  /** The cgroups of ops that may leave the service running, by instance (checked after stop). */
  private readonly serviceCgroups = new Map<string, string[]>();
  private readonly graceMs: number;

  constructor(private readonly options: RunnerOptions) {
    const first = Object.keys(options.instances)[0];
    if (first === undefined) throw new Error('AgentRunner needs at least one instance');
    this.firstInstance = first;
    this.graceMs = options.orphanGraceMs ?? 2000;
    this.cgroups = OpCgroups.open(this.runId);
  }

  /** Adds (or replaces) an instance and its default parameters. */
  setInstance(instance: string, params: Record<string, string>): void {
    this.options.instances[instance] = { ...params };
  }

  /** Called after every op (progress output). */
  onOp?: (rec: OpRecord) => void;

  /** The default parameters of `instance`. */
  paramsOf(instance = this.firstInstance): Record<string, string> {
    return { ...(this.options.instances[instance] ?? {}) };
  }

  /** The agent executable being checked. */
  get agentPath(): string {
    return this.options.path;
  }

  /** The instance ids, first one first. */
  get instances(): string[] {
    return Object.keys(this.options.instances);
  }

  /** Runs `action` once and records it. */
  async run(action: string, opts: RunOptions): Promise<OpRecord> {
    const instance = opts.instance ?? this.firstInstance;
    const direct = opts.direct === true || opts.path !== undefined || this.options.wrapperPath === undefined;
    const target = opts.path ?? (direct ? this.options.path : (this.options.wrapperPath as string));
    const seq = ++this.seq;
    // An op run as another user enters its cgroup as root, then drops to the user (see CgroupEntries).
    const as = opts.user !== undefined && this.cg ? runAsUser(opts.user) : undefined;
    const cgroup = this.cg?.create(`op-${seq}`);
    // ops run one at a time: re-registering the instance points it at this op's executable, and
    // OCF_RESOURCE_INSTANCE stays the instance's own name
    this.ex.register({
      id: instance,
      provider: this.options.provider,
      type: this.options.type,
      params: opts.params ?? this.paramsOf(instance),
      path: cgroup ? this.entries.for(target, as) : target,
    });
    const intervalMs = opts.intervalMs ?? 0;
    const probe = action === 'monitor' && intervalMs === 0;
    const advertised = this.options.timeoutFor(action);
    const opMark = `${this.runId}/${seq}`;
    const env: Record<string, string | undefined> = {
      ...this.options.profile.env({ action, probe, intervalMs }),
      [OP_MARKER]: opMark,
      [RSC_MARKER]: `${this.runId}/${instance}`,
      ...(cgroup ? { [CGROUP_VAR]: cgroup } : {}),
      ...opts.env,
    };
    if (action !== 'meta-data') env.OCF_RESKEY_CRM_meta_timeout ??= String(advertised);
    const result = await this.ex.run({
      rsc: instance,
      action,
      ...(intervalMs > 0 ? { intervalMs } : {}),
      timeoutMs: opts.killAfterMs ?? advertised + Math.max(advertised, 10_000),
      ...(opts.meta ? { meta: opts.meta } : {}),
      env,
      ...(opts.user !== undefined && !cgroup ? { user: opts.user } : {}),
    });
    const cpuWaitMs = cgroup ? this.cg?.cpuWaitMs(cgroup) : undefined;
    const service = AgentRunner.mayLeaveProcesses(action);
    const find = () => this.union(findMarked(OP_MARKER, opMark), cgroup);
    // a process of an op that must leave nothing gets a grace to exit (a logging subshell ending)
    const leftovers = service ? find() : await settle(find, this.graceMs);
    if (cgroup && service) this.serviceCgroups.set(instance, [...(this.serviceCgroups.get(instance) ?? []), cgroup]);
    else if (cgroup && this.cg) {
      if (leftovers.length > 0) await this.cg.kill(cgroup);
      this.cg.release(cgroup);
    }
    if (!service) killAll(leftovers);
    const rec: OpRecord = {
      label: opts.label,
      action,
      instance,
      probe,
      killed: opts.killAfterMs !== undefined,
      result,
      leftovers,
      ...(cpuWaitMs !== undefined ? { cpuWaitMs } : {}),
    };
    this.records.push(rec);
    this.onOp?.(rec);
    if (opts.once || opts.killAfterMs !== undefined || !READ_ONLY_ACTIONS.has(action)) return rec;
    return this.againIfSlow(rec, advertised, opts);
  }

  /**
   * A read-only op (meta-data, validate-all, monitor) slower than `limitMs` — net of the time it
   * waited for a CPU — or killed at the executor's timeout, is run once more and the second run
   * is returned: on a host shared by many jobs one slow run says nothing about the agent, two do.
   * The first record is kept, marked {@link OpRecord.ranAgain}.
   *
   * @example
   * const rec = await runner.againIfSlow(first, 5_000, { label: 'meta-data', direct: true });
   */
  async againIfSlow(rec: OpRecord, limitMs: number, opts: RunOptions): Promise<OpRecord> {
    if (!AgentRunner.isSlow(rec, limitMs)) return rec;
    rec.ranAgain = true;
    const took = `${(rec.result.durationMs / 1000).toFixed(2)} s${rec.result.execStatus === 'timeout' ? ', killed' : ''}`;
    return this.run(rec.action, { ...opts, once: true, label: `${opts.label} (again: the first run took ${took})` });
  }

  /** Over `limitMs` once the time spent waiting for a CPU is taken out, or killed at the timeout. */
  static isSlow(rec: OpRecord, limitMs: number): boolean {
    return rec.result.execStatus === 'timeout' || AgentRunner.netMs(rec) > limitMs;
  }

  /** The op's duration without the time its processes waited for a CPU. */
  static netMs(rec: OpRecord): number {
    return Math.max(0, rec.result.durationMs - (rec.cpuWaitMs ?? 0));
  }

  /**
   * Processes of `instance` still alive after a grace (after a stop there should be none): in the
   * cgroups of its start/promote/... ops, or carrying its marker. They are killed.
   */
  async remainingOf(instance: string): Promise<MarkedProcess[]> {
    const dirs = this.serviceCgroups.get(instance) ?? [];
    const find = () => dirs.reduce((acc, d) => this.union(acc, d), findMarked(RSC_MARKER, `${this.runId}/${instance}`));
    const procs = await settle(find, this.graceMs);
    killAll(procs);
    for (const d of dirs) await this.cg?.kill(d);
    return procs;
  }

  /** True when processes may remain after `action` (it starts or changes the service). */
  static mayLeaveProcesses(action: string): boolean {
    return SERVICE_ACTIONS.has(action);
  }

  /**
   * Stops the executor and kills anything this run left behind: every process in the run's
   * cgroups (wherever it re-parented and whatever it did to its environment) or carrying its
   * marker. Returns what it killed.
   */
  async close(): Promise<MarkedProcess[]> {
    await this.ex.close();
    // what is still exiting after the last op gets the same grace as after any op
    const root = this.cg?.root;
    const marked = await settle(() => this.union(findMarked(RSC_MARKER, `${this.runId}/`, true), root), this.graceMs);
    killAll(marked);
    await this.cg?.close();
    this.entries.remove();
    return marked;
  }

  /** The per-op cgroups, when this host has them. */
  private get cg(): OpCgroups | undefined {
    return this.cgroups instanceof OpCgroups ? this.cgroups : undefined;
  }

  /** `procs` plus the processes in cgroup `dir` not already in it. */
  private union(procs: MarkedProcess[], dir: string | undefined): MarkedProcess[] {
    if (!dir || !this.cg) return procs;
    const seen = new Set(procs.map((p) => p.pid));
    const extra = this.cg
      .pids(dir)
      .filter((pid) => !seen.has(pid) && pid !== process.pid)
      .map(describeProcess);
    return [...procs, ...extra];
  }
}
