/**
 * The controller (crmd) as a pure, level-triggered state machine: every event means "recompute
 * from the current CIB". Events in (op result, attribute change, CIB change, node change, timer),
 * effects out (run op, cancel op, fence, write CIB, set timer, log, save pe-input). The I/O shell
 * (`shell.ts`) and the in-memory executor of the tests drive the same machine.
 */
import type { Cib, LrmOp } from '../core/cib-model.js';
import type { ActionAgent } from '../core/graph.js';
import { IncrementalScheduler } from '../core/incremental-schedule.js';
import { historyName, unpack } from '../core/unpack.js';
import type { AgentDigestInfo } from '../pcmk/agent-digests.js';
import { EXEC_STATUS } from '../pcmk/exec-status.js';
import { historyEntry, isFailure } from '../pcmk/history-entry.js';
import { decodeTransitionKey, encodeTransitionKey } from '../pcmk/transition-key.js';
import type { ExecAction, ExecGraph } from './exec-graph.js';
import { FenceFailures, stonithMaxAttempts } from './fence-failures.js';
import {
  clearNode,
  deleteResourceHistory,
  dropEntry,
  dropRecurringEntry,
  nodeStateOf,
  recordOps,
  setLost,
  setMembership,
  setPending,
  setTransientAttrs,
  transientAttr,
} from './status.js';

/** How an operation went, as the executor reports it. */
export interface OpOutcome {
  rc: number;
  /** `op-status` (pcmk `EXEC_STATUS`). */
  opStatus: number;
  exitReason?: string;
  callId?: number;
  /** When the agent started (epoch ms), how long it ran and waited. */
  startedAtMs?: number;
  execMs?: number;
  queueMs?: number;
  /** The agent's parameter flags from its meta-data, when known: restart and secure digests. */
  agentInfo?: AgentDigestInfo;
}

export type ControllerEvent =
  | { type: 'start'; now: number }
  | { type: 'op-result'; now: number; tag: string; outcome: OpOutcome }
  | { type: 'cib-changed'; now: number; cib: Cib }
  | { type: 'attr-changed'; now: number; node: string; name: string; value?: string }
  | { type: 'node-changed'; now: number; node: string; online: boolean }
  /**
   * Cluster membership (the DC's view): a node `joined` (its history is erased and re-probed, as
   * Pacemaker erases a joining node's lrm history), is up but still `pending` (not joined yet:
   * runs nothing, is not fenced) or was `lost` without shutting down (unclean with fencing,
   * offline without; its actions in flight are lost).
   */
  | { type: 'member-changed'; now: number; node: string; state: 'joined' | 'lost' | 'pending' }
  /** This partition's quorum (`have-quorum`; `no-quorum-policy` applies without it). */
  | { type: 'quorum-changed'; now: number; quorate: boolean }
  | { type: 'timer'; now: number; name: string }
  | { type: 'shutdown'; now: number }
  | { type: 'poke'; now: number; reason: string };

type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

export type ControllerEffect =
  /** Run an agent action (one-shot, or recurring when `action.intervalMs > 0`); report with `tag`. */
  | { type: 'run'; tag: string; action: ExecAction }
  /** Cancel a recurring operation. */
  | { type: 'cancel'; node: string; rsc: string; task: string; intervalMs: number }
  /** Fence a node; report with `tag` (rc 0 = fenced). */
  | { type: 'fence'; tag: string; action: ExecAction }
  /** The CIB's status section changed: persist it. */
  | { type: 'write-cib'; cib: Cib }
  | { type: 'set-timer'; name: string; atMs: number }
  | { type: 'clear-timer'; name: string }
  | { type: 'log'; level: LogLevel; message: string; transition?: number }
  /** A scheduler input, to keep as `pe-input-<seq>` (`execution-date` holds `now`). */
  | { type: 'save-pe-input'; seq: number; cib: Cib; now: number }
  /** Nothing left to do (after a shutdown: every resource is stopped). */
  | { type: 'idle'; transition: number; stopped: boolean };

interface ControllerOptions {
  /** This node's name (the DC of a one-node cluster). */
  node: string;
  /** Identifies this controller instance in transition keys. */
  uuid?: string;
  /** Actions in flight at once; default the graph's `batch-limit`, else 30. */
  batchLimit?: number;
  /** The first pe-input number to use. */
  peInputSeq?: number;
  /** `cluster-recheck-interval` fallback in ms (default 15 min; 0 disables). */
  recheckIntervalMs?: number;
  /** Extra wait on top of an action's timeout before the controller gives up on it (`cluster-delay`, default 60 s). */
  clusterDelayMs?: number;
  /**
   * Clear fail counts and `last_failure` entries whose `failure-timeout` has passed before each
   * scheduler run, as Pacemaker's `clear_failcount` does (default true).
   */
  clearExpiredFailures?: boolean;
  /** Compute the graph (default: the engine's scheduler). Tests pass Pacemaker's graphs here. */
  scheduler?: (cib: Cib, nowS: number) => ExecGraph;
  /** Whether the partition has quorum at start (default true: a one-node engine); see `quorum-changed`. */
  quorate?: boolean;
  /**
   * Keep this node's history at `start` instead of re-probing it: a cluster's new DC whose status
   * already holds every member's history, taken at the join (default false).
   */
  keepHistory?: boolean;
}

type ActionState = 'pending' | 'running' | 'done' | 'failed';

interface Transition {
  id: number;
  graph: ExecGraph;
  state: ActionState[];
  waiting: number[];
  after: number[][];
  inflight: Set<number>;
  ready: number[];
  aborted: boolean;
  /** Aborted for a fencing failure that gives up for now (stonith-max-attempts): no new transition follows by itself. */
  wait?: boolean;
  batchLimit: number;
}

/** What an issued operation was, so late and recurring results can be recorded. */
interface Issued {
  action: ExecAction;
  transition: number;
  index: number;
}

function sec(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Configuration without versions or status, to tell a configuration change from our own writes. */
function configKey(cib: Cib): string {
  const { epoch: _e, num_updates: _n, 'cib-last-written': _w, 'dc-uuid': _d, 'have-quorum': _q, ...attrs } = cib.attrs;
  return JSON.stringify([attrs, cib.crmConfig, cib.nodes, cib.resources, cib.constraints, cib.rscDefaults, cib.opDefaults, cib.other]);
}

/**
 * The level-triggered controller of one node.
 *
 * @example
 * const ctl = new Controller(cib, { node: 'node1' });
 * for (const effect of ctl.handle({ type: 'start', now: Date.now() })) shell.apply(effect);
 */
export class Controller {
  private current: Cib;
  private readonly opts: Required<Omit<ControllerOptions, 'batchLimit' | 'scheduler' | 'quorate' | 'keepHistory'>> &
    Pick<ControllerOptions, 'batchLimit' | 'scheduler' | 'keepHistory'>;
  private transition?: Transition;
  private transitionCounter = 0;
  private peSeq: number;
  private dirty = false;
  private statusChanged = false;
  private stopping = false;
  private readonly issued = new Map<string, Issued>();
  private effects: ControllerEffect[] = [];
  private configSeen: string;
  private instantRounds = 0;
  private haveQuorum = true;
  /** Whether this controller ever had quorum (no-quorum-policy=suicide fences only then). */
  private everQuorate = false;
  private readonly fenceFailures = new FenceFailures();
  /** The scheduler input last built and what was unpacked from it: each run re-reads only what changed. */
  private readonly scheduler: IncrementalScheduler;
  /** The configuration with stop-all-resources added while stopping (kept, so it stays the same object). */
  private stopConfig?: { from: Cib['crmConfig']; to: Cib['crmConfig'] };

  constructor(cib: Cib, options: ControllerOptions) {
    this.current = cib;
    this.opts = {
      uuid: `ocfkit-${options.node}`,
      peInputSeq: 0,
      recheckIntervalMs: 15 * 60_000,
      clusterDelayMs: 60_000,
      clearExpiredFailures: true,
      ...options,
    };
    this.peSeq = this.opts.peInputSeq;
    this.haveQuorum = options.quorate ?? true;
    this.everQuorate = this.haveQuorum;
    this.configSeen = configKey(cib);
    this.scheduler = new IncrementalScheduler(cib);
  }

  /** The CIB as the controller knows it (configuration + the status it records). */
  get cib(): Cib {
    return this.current;
  }

  /** Whether this partition has quorum (always, until told otherwise by `quorum-changed`). */
  get quorate(): boolean {
    return this.haveQuorum;
  }

  /** Whether a transition is running. */
  get busy(): boolean {
    return this.transition !== undefined || this.dirty;
  }

  /** Handles one event and returns the effects to carry out, in order. */
  handle(ev: ControllerEvent): ControllerEffect[] {
    this.effects = [];
    this.instantRounds = 0;
    const now = ev.now;
    switch (ev.type) {
      case 'start':
        // A (re)started controller knows nothing about its node: history is re-probed, as Pacemaker
        // erases a joining node's lrm history; transient attributes come back from attrd. A
        // cluster's new DC keeps the history it took at the join instead.
        this.current = setMembership(this.opts.keepHistory ? this.current : clearNode(this.current, this.opts.node), this.opts.node, true);
        this.statusChanged = true;
        this.trigger('controller started');
        break;
      case 'op-result':
        this.onResult(ev.tag, ev.outcome, now);
        break;
      case 'cib-changed':
        this.onCibChanged(ev.cib);
        break;
      case 'attr-changed':
        if (transientAttr(this.current, ev.node, ev.name) !== ev.value) {
          this.current = setTransientAttrs(this.current, ev.node, { [ev.name]: ev.value });
          this.statusChanged = true;
          this.trigger(`attribute ${ev.name}=${ev.value ?? '(deleted)'} on ${ev.node}`);
        }
        break;
      case 'node-changed':
        this.current = setMembership(this.current, ev.node, ev.online);
        this.statusChanged = true;
        this.trigger(`node ${ev.node} ${ev.online ? 'up' : 'down'}`);
        break;
      case 'member-changed':
        this.onMember(ev.node, ev.state, now);
        break;
      case 'quorum-changed':
        if (ev.quorate !== this.haveQuorum) {
          this.haveQuorum = ev.quorate;
          if (ev.quorate) this.everQuorate = true;
          this.statusChanged = true;
          this.trigger(ev.quorate ? 'quorum gained' : 'quorum lost');
        }
        break;
      case 'timer':
        this.onTimer(ev.name, now);
        break;
      case 'shutdown':
        this.stopping = true;
        this.trigger('shutdown: stopping every resource');
        break;
      case 'poke':
        // A hint, not a change: a running transition finishes first, then the scheduler runs again.
        this.dirty = true;
        if (!this.transition) this.log('info', `recompute: ${ev.reason}`);
        break;
    }
    this.step(now);
    if (this.statusChanged) {
      this.statusChanged = false;
      this.effects.push({ type: 'write-cib', cib: this.current });
    }
    return this.effects;
  }

  private log(level: LogLevel, message: string): void {
    const t = this.transition?.id;
    this.effects.push(t === undefined ? { type: 'log', level, message } : { type: 'log', level, message, transition: t });
  }

  /** Something changed: the current transition (if any) is aborted and the scheduler runs again. */
  private trigger(reason: string): void {
    this.dirty = true;
    const t = this.transition;
    if (t && !t.aborted) {
      t.aborted = true;
      this.log('notice', `transition ${t.id} aborted: ${reason}`);
    } else if (!t) this.log('info', `recompute: ${reason}`);
  }

  private onMember(node: string, state: 'joined' | 'lost' | 'pending', now: number): void {
    // What was sent to the node's previous incarnation will never report: failed, without history.
    const t = this.transition;
    for (const [tag, is] of this.issued) {
      if (is.action.node !== node) continue;
      this.issued.delete(tag);
      if (t && is.transition === t.id && t.state[is.index] === 'running') {
        this.effects.push({ type: 'clear-timer', name: `action:${tag}` });
        this.log('warning', `action ${is.action.key} on ${node} lost: the node ${state === 'joined' ? 'rejoined' : 'left'} the membership`);
        this.confirm(t, is.index, false, now);
      }
    }
    this.current =
      state === 'joined'
        ? setMembership(clearNode(this.current, node), node, true)
        : state === 'pending'
          ? setPending(this.current, node)
          : setLost(this.current, node);
    this.statusChanged = true;
    this.trigger(`node ${node} ${state}`);
  }

  private onCibChanged(cib: Cib): void {
    const key = configKey(cib);
    const configChanged = key !== this.configSeen;
    const statusChanged = JSON.stringify(cib.status) !== JSON.stringify(this.current.status);
    this.configSeen = key;
    this.current = cib;
    if (configChanged) this.trigger(`configuration changed (epoch ${cib.attrs.epoch ?? '?'})`);
    else if (statusChanged) this.trigger('status changed from outside (cleanup?)');
  }

  /** Runs the scheduler when needed and fires what the graph allows. */
  private step(now: number): void {
    const t = this.transition;
    if (t) {
      if (!t.aborted) this.fireReady(t, now);
      if (t.inflight.size === 0 && (t.aborted || t.ready.length === 0)) this.finish(t, now);
      else return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    this.compute(now);
  }

  private finish(t: Transition, now: number): void {
    const done = t.state.filter((s) => s === 'done').length;
    const complete = !t.aborted && done === t.state.length;
    this.log('notice', `transition ${t.id} ${complete ? 'complete' : 'stopped'}: ${done} of ${t.state.length} actions done`);
    this.transition = undefined;
    // Level-triggered: whatever happened, look again; an empty graph means idle. A fencing that
    // gave up (stonith-max-attempts) waits for the next event instead.
    if (t.wait) {
      if (!this.dirty) this.effects.push({ type: 'idle', transition: t.id, stopped: false });
    } else if (t.state.length > 0 || t.aborted) this.dirty = true;
    else this.effects.push({ type: 'idle', transition: t.id, stopped: this.stopping });
    void now;
  }

  private input(): Cib {
    const attrs: Record<string, string> = { ...this.current.attrs, 'have-quorum': this.haveQuorum ? '1' : '0' };
    // As Pacemaker's controller: a partition that had quorum and lost it may panic
    // (no-quorum-policy=suicide fences its nodes); one that never had it does not.
    if (!this.haveQuorum && this.everQuorate) attrs['no-quorum-panic'] = '1';
    else delete attrs['no-quorum-panic'];
    const node = nodeStateOf(this.current, this.opts.node);
    attrs['dc-uuid'] = node.id;
    let crmConfig = this.current.crmConfig;
    if (this.stopping) {
      if (this.stopConfig?.from !== crmConfig)
        this.stopConfig = {
          from: crmConfig,
          to: [
            {
              id: 'ocfkit-shutdown',
              score: 'INFINITY',
              pairs: [{ id: 'ocfkit-shutdown-stop-all', name: 'stop-all-resources', value: 'true' }],
            },
            ...crmConfig,
          ],
        };
      crmConfig = this.stopConfig.to;
    }
    return { ...this.current, attrs, crmConfig };
  }

  /** Pacemaker's `clear_failcount` for failures whose `failure-timeout` has passed. */
  private clearExpired(nowS: number): void {
    const anyFailure = this.current.status.some((s) =>
      s.transient.some((set) => set.pairs.some((p) => p.name.startsWith('last-failure-'))),
    );
    if (!anyFailure) return;
    const ws = unpack(this.current, nowS);
    for (const p of ws.primitives) {
      if (p.failureTimeoutS <= 0) continue;
      const rsc = historyName(p);
      for (const s of this.current.status) {
        const names: Record<string, undefined> = {};
        let last = 0;
        for (const set of s.transient)
          for (const pair of set.pairs) {
            const own = (prefix: string) => pair.name === `${prefix}${rsc}` || pair.name.startsWith(`${prefix}${rsc}#`);
            if (own('fail-count-')) names[pair.name] = undefined;
            else if (own('last-failure-')) {
              names[pair.name] = undefined;
              last = Math.max(last, Number.parseInt(pair.value, 10) || 0);
            }
          }
        if (last === 0 || nowS <= last + p.failureTimeoutS) continue;
        this.log('notice', `failure of ${rsc} on ${s.uname} expired (failure-timeout ${p.failureTimeoutS}s): fail count cleared`);
        this.current = setTransientAttrs(this.current, s.uname, names);
        this.current = dropEntry(this.current, s.uname, rsc, `${rsc}_last_failure_0`);
        this.statusChanged = true;
      }
    }
  }

  private compute(now: number): void {
    if (this.opts.clearExpiredFailures) this.clearExpired(sec(now));
    const cib = this.input();
    const nowS = sec(now);
    const id = this.transitionCounter++;
    const seq = this.peSeq++;
    this.effects.push({ type: 'save-pe-input', seq, cib, now: nowS });
    let graph: ExecGraph;
    try {
      if (this.opts.scheduler) graph = this.opts.scheduler(cib, nowS);
      else {
        this.scheduler.update(cib);
        graph = this.scheduler.schedule(nowS).graph;
      }
    } catch (err) {
      this.log('error', `scheduler failed on pe-input-${seq}: ${(err as Error).message}`);
      this.effects.push({ type: 'idle', transition: id, stopped: false });
      return;
    }
    const n = graph.actions.length;
    const after: number[][] = graph.actions.map(() => []);
    const waiting = graph.actions.map(() => 0);
    for (const e of graph.edges) {
      after[e.before]?.push(e.after);
      waiting[e.after] = (waiting[e.after] ?? 0) + 1;
    }
    const limit = this.opts.batchLimit ?? (Number.parseInt(graph.attrs?.['batch-limit'] ?? '0', 10) || 30);
    const t: Transition = {
      id,
      graph,
      state: graph.actions.map(() => 'pending'),
      waiting,
      after,
      inflight: new Set(),
      ready: graph.actions.flatMap((_, i) => ((waiting[i] ?? 0) === 0 ? [i] : [])),
      aborted: false,
      batchLimit: limit,
    };
    this.transition = t;
    this.log('notice', `transition ${id} (pe-input-${seq}): ${n === 0 ? 'nothing to do' : `${n} actions`}`);
    this.scheduleRecheck(graph, now);
    this.fireReady(t, now);
    if (t.inflight.size === 0 && t.ready.length === 0) this.finish(t, now);
    if (!this.transition && this.dirty) {
      // Everything completed at once (pseudo actions only): look again, a bounded number of times.
      this.dirty = false;
      if (++this.instantRounds > 20) {
        this.log('error', 'the scheduler keeps producing graphs that finish at once: stopping until the next event');
        return;
      }
      this.compute(now);
    }
  }

  private scheduleRecheck(graph: ExecGraph, now: number): void {
    const by = Number.parseInt(graph.attrs?.['recheck-by'] ?? '', 10);
    const candidates: number[] = [];
    if (!Number.isNaN(by) && by > 0) candidates.push(by * 1000);
    if (this.opts.recheckIntervalMs > 0) candidates.push(now + this.opts.recheckIntervalMs);
    if (candidates.length === 0) return;
    this.effects.push({ type: 'set-timer', name: 'recheck', atMs: Math.max(now, Math.min(...candidates)) });
  }

  private fireReady(t: Transition, now: number): void {
    while (t.ready.length > 0 && !t.aborted) {
      const i = t.ready[0] as number;
      const a = t.graph.actions[i] as ExecAction;
      const needsSlot = !a.pseudo && (a.detail?.tag ?? 'rsc_op') !== 'pseudo_event' && a.task !== 'cancel';
      if (needsSlot && t.inflight.size >= t.batchLimit) return;
      t.ready.shift();
      this.fire(t, i, a, now);
    }
  }

  private tagOf(t: Transition, i: number, a: ExecAction): string {
    return encodeTransitionKey({ action: i, transition: t.id, targetRc: a.detail?.targetRc ?? 0, uuid: this.opts.uuid });
  }

  private fire(t: Transition, i: number, a: ExecAction, now: number): void {
    const tag = this.tagOf(t, i, a);
    const tagName = a.detail?.tag ?? (a.task === 'stonith' ? 'crm_event' : 'rsc_op');
    if (a.pseudo || tagName === 'pseudo_event') {
      this.confirm(t, i, true, now);
      return;
    }
    if (tagName === 'crm_event' && a.task !== 'stonith') {
      if (a.task === 'clear_failcount' && a.rsc) this.clearFailcount(a.node, a.rsc);
      this.confirm(t, i, true, now);
      return;
    }
    if (a.task === 'cancel' && a.rsc) {
      const agentId = a.detail?.agent?.id ?? a.rsc;
      this.effects.push({ type: 'cancel', node: a.node, rsc: agentId, task: 'monitor', intervalMs: a.intervalMs });
      this.forgetRecurring(a.node, agentId, a.intervalMs);
      this.current = dropRecurringEntry(this.current, a.node, agentId, 'monitor', a.intervalMs);
      this.statusChanged = true;
      this.confirm(t, i, true, now);
      return;
    }
    if (a.task === 'delete' || a.task === 'lrm_delete') {
      this.current = deleteResourceHistory(this.current, a.node, a.detail?.agent?.id ?? a.rsc ?? '');
      this.statusChanged = true;
      this.confirm(t, i, true, now);
      return;
    }
    if (a.task === 'promote' || a.task === 'demote') this.cancelMonitorsOf(a);
    t.state[i] = 'running';
    t.inflight.add(i);
    this.issued.set(tag, { action: a, transition: t.id, index: i });
    const timeout = a.detail?.timeoutMs ?? a.timeoutMs ?? 20_000;
    this.effects.push({ type: 'set-timer', name: `action:${tag}`, atMs: now + timeout + this.opts.clusterDelayMs });
    this.log('info', `initiating ${a.task === 'stonith' ? a.key : `${a.detail?.operationKey ?? a.key} on ${a.node}`} (${tag})`);
    this.effects.push(a.task === 'stonith' ? { type: 'fence', tag, action: a } : { type: 'run', tag, action: a });
  }

  private confirm(t: Transition, i: number, ok: boolean, now: number, wait = false): void {
    t.inflight.delete(i);
    t.state[i] = ok ? 'done' : 'failed';
    if (!ok) {
      if (!t.aborted) {
        t.aborted = true;
        this.log('notice', `transition ${t.id} aborted: action ${t.graph.actions[i]?.key} failed`);
      }
      // A fencing that gave up waits for the next event (`trigger`), as Pacemaker's "stop" completion.
      if (wait) t.wait = true;
      else this.dirty = true;
      return;
    }
    for (const j of t.after[i] ?? []) {
      t.waiting[j] = (t.waiting[j] ?? 1) - 1;
      if (t.waiting[j] === 0) t.ready.push(j);
    }
    if (!t.aborted) this.fireReady(t, now);
  }

  private onTimer(name: string, now: number): void {
    if (name === 'recheck') {
      this.trigger('cluster-recheck timer');
      return;
    }
    if (name.startsWith('action:')) {
      const tag = name.slice('action:'.length);
      const issued = this.issued.get(tag);
      const t = this.transition;
      if (!issued || !t || issued.transition !== t.id || t.state[issued.index] !== 'running') return;
      this.log('error', `no result for ${issued.action.key} on ${issued.action.node} within its timeout: treated as timed out`);
      this.onResult(tag, { rc: 1, opStatus: EXEC_STATUS.timeout, exitReason: 'the controller got no result in time' }, now);
    }
  }

  /**
   * Before a role change, the resource's recurring monitors on that node are cancelled, as
   * Pacemaker's graph cancels the old role's monitor before a promote or demote: an unpromoted
   * monitor that ran after the promote would see 8 and fail the resource (seen when the promote
   * aborted its transition and the promoted monitor came one transition later). The graph brings
   * the new role's monitors.
   */
  private cancelMonitorsOf(a: ExecAction): void {
    const rsc = a.detail?.agent?.id ?? a.rsc;
    if (rsc === undefined) return;
    const intervals = new Set<number>();
    for (const { action: x } of this.issued.values())
      if (x.node === a.node && (x.detail?.agent?.id ?? x.rsc) === rsc && x.task === 'monitor' && x.intervalMs > 0)
        intervals.add(x.intervalMs);
    for (const ms of intervals) {
      this.effects.push({ type: 'cancel', node: a.node, rsc, task: 'monitor', intervalMs: ms });
      this.forgetRecurring(a.node, rsc, ms);
      this.current = dropRecurringEntry(this.current, a.node, rsc, 'monitor', ms);
      this.statusChanged = true;
    }
  }

  private forgetRecurring(node: string, rsc: string, intervalMs?: number): void {
    for (const [tag, is] of this.issued) {
      const a = is.action;
      if (
        a.node === node &&
        (a.detail?.agent?.id ?? a.rsc) === rsc &&
        a.intervalMs > 0 &&
        (intervalMs === undefined || a.intervalMs === intervalMs)
      )
        this.issued.delete(tag);
    }
  }

  private clearFailcount(node: string, rsc: string): void {
    const names: Record<string, undefined> = {};
    for (const set of nodeStateOf(this.current, node).transient)
      for (const p of set.pairs)
        if (
          p.name.startsWith(`fail-count-${rsc}#`) ||
          p.name.startsWith(`last-failure-${rsc}#`) ||
          p.name === `fail-count-${rsc}` ||
          p.name === `last-failure-${rsc}`
        )
          names[p.name] = undefined;
    this.current = setTransientAttrs(this.current, node, names);
    this.statusChanged = true;
  }

  private onResult(tag: string, o: OpOutcome, now: number): void {
    const issued = this.issued.get(tag);
    if (!issued) {
      this.log('debug', `result for unknown or forgotten action ${tag} ignored`);
      return;
    }
    const a = issued.action;
    const t = this.transition;
    const inThisGraph = t !== undefined && issued.transition === t.id && t.state[issued.index] === 'running';
    if (inThisGraph) this.effects.push({ type: 'clear-timer', name: `action:${tag}` });
    if (a.intervalMs === 0 || o.opStatus === EXEC_STATUS.cancelled) this.issued.delete(tag);
    if (o.opStatus === EXEC_STATUS.cancelled) {
      // A cancelled recurring op leaves no history; a cancelled one-shot did not happen.
      if (inThisGraph && t) this.confirm(t, issued.index, a.intervalMs > 0, now);
      return;
    }
    const targetRc = decodeTransitionKey(tag)?.targetRc ?? a.detail?.targetRc ?? 0;
    const failed = isFailure(o.rc, o.opStatus, targetRc);
    let wait = false;
    if (a.task === 'stonith') {
      if (!failed) {
        this.fenceFailures.succeeded(a.node);
        this.current = setMembership(clearNode(this.current, a.node), a.node, false);
        this.statusChanged = true;
        this.log('notice', `node ${a.node} fenced`);
      } else {
        this.log('error', `fencing of ${a.node} failed: ${o.exitReason ?? `rc ${o.rc}`}`);
        wait = this.fencingGivesUp(a.node, o);
      }
    } else if (a.task !== 'notify') this.record(a, tag, o, targetRc, failed, now);
    // A failed notify is logged and otherwise ignored, as Pacemaker's controller does.
    if (failed && a.task === 'notify')
      this.log('warning', `notify ${a.detail?.operationKey ?? a.key} on ${a.node} failed (rc ${o.rc}), ignored`);
    const ok = !failed || a.task === 'notify';
    if (inThisGraph && t) this.confirm(t, issued.index, ok, now, wait);
    else if (!ok && !wait) this.trigger(`${a.detail?.operationKey ?? a.key} on ${a.node} failed (rc ${o.rc})`);
  }

  /**
   * Counts a failed fencing of `target`; true when no new transition should follow it
   * (stonith-max-attempts reached, or no device can fence the target), as Pacemaker's controller.
   */
  private fencingGivesUp(target: string, o: OpOutcome): boolean {
    const max = stonithMaxAttempts(this.current);
    const { count, giveUp } = this.fenceFailures.failed(target, max);
    if (o.opStatus === EXEC_STATUS.noFenceDevice) {
      this.log('warning', `no fence device can fence ${target}: giving up for now (until the next change)`);
      return true;
    }
    if (giveUp)
      this.log(
        'warning',
        `too many failures (${count}) to fence ${target} (stonith-max-attempts=${max}): giving up until the next change or cluster-recheck-interval`,
      );
    return giveUp;
  }

  private record(a: ExecAction, tag: string, o: OpOutcome, targetRc: number, failed: boolean, now: number): void {
    const agent: ActionAgent = a.detail?.agent ?? { id: a.rsc ?? a.key, class: 'ocf', type: 'unknown' };
    const ownKey = a.intervalMs > 0 || a.task === 'migrate_to' || a.task === 'migrate_from';
    const previousId = ownKey ? `${agent.id}_${a.task}_${a.intervalMs}` : `${agent.id}_last_0`;
    const previous = nodeStateOf(this.current, a.node)
      .lrm.find((r) => r.id === agent.id)
      ?.ops.find((op) => op.id === previousId);
    const startedAtMs = o.startedAtMs ?? now;
    const { main, failure } = historyEntry({
      rsc: agent.id,
      task: a.task,
      intervalMs: a.intervalMs,
      node: a.node,
      transitionKey: tag,
      targetRc,
      attributes: { ...(a.detail?.attributes ?? {}), ...(a.detail?.extraParams ?? {}) },
      callId: o.callId ?? 0,
      rc: o.rc,
      opStatus: o.opStatus,
      ...(o.exitReason !== undefined ? { exitReason: o.exitReason } : {}),
      startedAtMs,
      execMs: o.execMs ?? 0,
      queueMs: o.queueMs ?? 0,
      ...(previous ? { previous } : {}),
      ...(o.agentInfo ? { agentInfo: o.agentInfo } : {}),
    });
    const entries: LrmOp[] = failure ? [main, failure] : [main];
    const stopped = a.task === 'stop' && !failed;
    this.current = recordOps(this.current, a.node, agent, entries, stopped);
    if (stopped) this.forgetRecurring(a.node, agent.id);
    this.statusChanged = true;
    const what = `${a.detail?.operationKey ?? a.key} on ${a.node}`;
    if (!failed) this.log('info', `result of ${what}: rc ${o.rc} (ok)`);
    else {
      this.log(
        'warning',
        `result of ${what}: rc ${o.rc}, status ${o.opStatus}${o.exitReason ? `: ${o.exitReason}` : ''} (expected rc ${targetRc})`,
      );
      this.countFailure(a, agent, o, targetRc, startedAtMs);
    }
  }

  /** Pacemaker's `update_failcount`: which failures count, and by how much. */
  private countFailure(a: ExecAction, agent: ActionAgent, o: OpOutcome, targetRc: number, atMs: number): void {
    if (o.rc === targetRc && o.opStatus === EXEC_STATUS.done) return;
    const probe = a.task === 'monitor' && a.intervalMs === 0;
    if (probe) return;
    const attrs = this.transition?.graph.attrs;
    let add: number | 'INFINITY';
    if (a.intervalMs > 0 || a.task === 'promote' || a.task === 'demote') add = 1;
    else if (a.task === 'start') add = (attrs?.['failed-start-offset'] ?? 'INFINITY') === 'INFINITY' ? 'INFINITY' : 1;
    else if (a.task === 'stop') add = 'INFINITY';
    else return;
    // The history name: the configured id for an anonymous clone instance, `rsc:N` for a globally-unique one.
    const rsc = agent.id;
    const name = `fail-count-${rsc}#${a.task}_${a.intervalMs}`;
    const old = transientAttr(this.current, a.node, name);
    const oldN = old === undefined ? 0 : old === 'INFINITY' ? Number.POSITIVE_INFINITY : Number.parseInt(old, 10) || 0;
    const next = add === 'INFINITY' || oldN === Number.POSITIVE_INFINITY ? 'INFINITY' : String(Math.min(oldN + add, 1_000_000));
    this.current = setTransientAttrs(this.current, a.node, {
      [name]: next,
      [`last-failure-${rsc}#${a.task}_${a.intervalMs}`]: String(sec(atMs)),
    });
    this.statusChanged = true;
  }
}
