import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Executor, type OpResult } from '@ocfkit/engine';
import type { Profile } from '../profiles/profiles';
import { findMarked, killAll, type MarkedProcess } from './orphans';

/** Marks every process of one op; anything still carrying it afterwards was left behind. */
export const OP_MARKER = 'OCFKIT_CONFORMANCE_OP';
/** Marks every process started for one resource instance during a run. */
export const RSC_MARKER = 'OCFKIT_CONFORMANCE_RSC';

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
  /** Processes carrying this op's marker after it ended (killed afterwards). */
  leftovers: MarkedProcess[];
}

/** How the runner reaches the agent. */
export interface RunnerOptions {
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
}

/**
 * The one way the suite invokes an agent: through the engine's {@link Executor} (so environment,
 * process groups and timeouts are pacemaker-execd's), with the chosen profile's environment, a
 * per-op marker for orphan detection, and every op recorded for the cross-cutting checks.
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

  constructor(private readonly options: RunnerOptions) {
    const first = Object.keys(options.instances)[0];
    if (first === undefined) throw new Error('AgentRunner needs at least one instance');
    this.firstInstance = first;
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
    const id =
      opts.path !== undefined ? `${instance}--copy` : direct && this.options.wrapperPath !== undefined ? `${instance}--direct` : instance;
    this.ex.register({
      id,
      provider: this.options.provider,
      type: this.options.type,
      params: opts.params ?? this.paramsOf(instance),
      path: opts.path ?? (direct ? this.options.path : (this.options.wrapperPath as string)),
    });
    const intervalMs = opts.intervalMs ?? 0;
    const probe = action === 'monitor' && intervalMs === 0;
    const advertised = this.options.timeoutFor(action);
    const opMark = `${this.runId}/${++this.seq}`;
    const env: Record<string, string | undefined> = {
      ...this.options.profile.env({ action, probe, intervalMs }),
      [OP_MARKER]: opMark,
      [RSC_MARKER]: `${this.runId}/${instance}`,
      ...opts.env,
    };
    if (action !== 'meta-data') env.OCF_RESKEY_CRM_meta_timeout ??= String(advertised);
    const result = await this.ex.run({
      rsc: id,
      action,
      ...(intervalMs > 0 ? { intervalMs } : {}),
      timeoutMs: opts.killAfterMs ?? advertised + Math.max(advertised, 10_000),
      ...(opts.meta ? { meta: opts.meta } : {}),
      env,
      ...(opts.user !== undefined ? { user: opts.user } : {}),
    });
    const leftovers = await this.leftovers(opMark);
    if (!AgentRunner.mayLeaveProcesses(action)) killAll(leftovers);
    const rec: OpRecord = { label: opts.label, action, instance, probe, killed: opts.killAfterMs !== undefined, result, leftovers };
    this.records.push(rec);
    this.onOp?.(rec);
    return rec;
  }

  /** Processes still marked for `instance` (after a stop there should be none); they are killed. */
  remainingOf(instance: string): MarkedProcess[] {
    const procs = findMarked(RSC_MARKER, `${this.runId}/${instance}`);
    killAll(procs);
    return procs;
  }

  /** True when processes may remain after `action` (it starts or changes the service). */
  static mayLeaveProcesses(action: string): boolean {
    return SERVICE_ACTIONS.has(action);
  }

  /** Stops the executor and kills anything this run left behind. */
  async close(): Promise<void> {
    await this.ex.close();
    killAll(findMarked(RSC_MARKER, `${this.runId}/`, true));
  }

  private async leftovers(opMark: string): Promise<MarkedProcess[]> {
    let found = findMarked(OP_MARKER, opMark);
    if (found.length === 0) return [];
    // a child may be exiting right now; look again shortly before calling it left behind
    await new Promise((r) => setTimeout(r, 300));
    found = findMarked(OP_MARKER, opMark);
    return found;
  }
}
