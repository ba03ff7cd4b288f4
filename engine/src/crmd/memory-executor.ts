/**
 * An in-memory executor: resources "run" as entries in a map, every action succeeds unless the
 * test says otherwise. With {@link MemoryDriver} it turns the controller into a simulation that
 * tests drive: schedule → execute → record → schedule until idle, on a virtual clock.
 */

import type { Cib } from '../core/cib-model.js';
import { historyName, unpack } from '../core/unpack.js';
import type { AgentDigestInfo } from '../pcmk/agent-digests.js';
import { EXEC_STATUS, OCF } from '../pcmk/exec-status.js';
import type { Controller, ControllerEffect, ControllerEvent, OpOutcome } from './controller.js';
import type { ExecAction } from './exec-graph.js';

type Role = 'Started' | 'Promoted';

function key(node: string, rsc: string): string {
  return `${node}\0${rsc}`;
}

/** The agent-side view of an action: the resource id its history uses. */
function rscOf(a: ExecAction): string {
  return a.detail?.agent?.id ?? a.rsc ?? a.key;
}

/** The simulated world: which resource is active where, and injected failures. */
export class MemoryExecutor {
  /** Active resources by node and history name. */
  readonly active = new Map<string, Role>();
  /** Every action run, in order, as `<operation key>@<node>`. */
  readonly ran: string[] = [];
  /** Recurring monitors registered, by node+rsc: their tags. */
  private readonly recurring = new Map<string, { tag: string; action: ExecAction }[]>();
  private readonly failures: ((a: ExecAction) => OpOutcome | undefined)[] = [];
  private callId = 0;
  /** The parameters each resource was last started (or reloaded) with, by node and history name. */
  readonly params = new Map<string, Record<string, string>>();
  /** What every agent's meta-data says for digests (reload support, reloadable parameters), when set. */
  agentInfo?: AgentDigestInfo;

  /** The world as a CIB's history says it is (where each resource is active, and in which role). */
  static fromCib(cib: Cib, now: number): MemoryExecutor {
    const m = new MemoryExecutor();
    const ws = unpack(cib, now);
    // Call ids continue after the history's, as an executor that recorded it would count.
    m.callId = Math.max(0, ...cib.status.flatMap((s) => s.lrm.flatMap((r) => r.ops.map((o) => o.callId))));
    for (const p of ws.primitives)
      for (const n of p.runningOn) m.active.set(key(n.uname, historyName(p)), p.role === 'Promoted' ? 'Promoted' : 'Started');
    return m;
  }

  /** Makes matching actions return `outcome` instead of succeeding (until the returned function is called). */
  failWhen(match: (a: ExecAction) => boolean, outcome: OpOutcome): () => void {
    const f = (a: ExecAction) => (match(a) ? outcome : undefined);
    this.failures.push(f);
    return () => {
      const i = this.failures.indexOf(f);
      if (i >= 0) this.failures.splice(i, 1);
    };
  }

  /** The role a resource is in on a node, undefined when stopped. */
  roleOf(node: string, rsc: string): Role | undefined {
    return this.active.get(key(node, rsc));
  }

  /**
   * The resource dies on the node (as `kill -9` of its daemon would): its recurring monitors
   * report "not running". Returns the op results to feed to the controller.
   */
  crash(node: string, rsc: string, now: number): ControllerEvent[] {
    this.active.delete(key(node, rsc));
    return (this.recurring.get(key(node, rsc)) ?? []).map(({ tag, action }) => ({
      type: 'op-result',
      now,
      tag,
      outcome: this.outcome(action, OCF.notRunning, now),
    }));
  }

  /** One round of the resource's recurring monitors on the node, each answering for the role it finds. */
  tick(node: string, rsc: string, now: number): ControllerEvent[] {
    const role = this.active.get(key(node, rsc));
    const rc = role === undefined ? OCF.notRunning : role === 'Promoted' ? OCF.runningPromoted : OCF.success;
    return (this.recurring.get(key(node, rsc)) ?? []).map(({ tag, action }) => ({
      type: 'op-result',
      now,
      tag,
      outcome: this.outcome(action, rc, now),
    }));
  }

  private outcome(_a: ExecAction, rc: number, now: number, reason?: string): OpOutcome {
    return {
      rc,
      opStatus: EXEC_STATUS.done,
      callId: ++this.callId,
      startedAtMs: now,
      execMs: 0,
      queueMs: 0,
      ...(reason !== undefined ? { exitReason: reason } : {}),
      ...(this.agentInfo ? { agentInfo: this.agentInfo } : {}),
    };
  }

  /** Runs an action and returns its result. */
  run(tag: string, a: ExecAction, now: number): OpOutcome {
    this.ran.push(`${a.detail?.operationKey ?? a.key}@${a.node}`);
    const k = key(a.node, rscOf(a));
    const injected = this.failures.map((f) => f(a)).find((o) => o !== undefined);
    if (a.task === 'stonith') {
      // a failed fencing leaves the target as it was
      if (injected) return { ...this.outcome(a, injected.rc, now), ...injected };
      for (const name of [...this.active.keys()]) if (name.startsWith(`${a.node}\0`)) this.active.delete(name);
      for (const name of [...this.recurring.keys()]) if (name.startsWith(`${a.node}\0`)) this.recurring.delete(name);
      return this.outcome(a, OCF.success, now);
    }
    if (a.task === 'monitor' && a.intervalMs > 0) {
      const list = (this.recurring.get(k) ?? []).filter((r) => r.action.intervalMs !== a.intervalMs);
      this.recurring.set(k, [...list, { tag, action: a }]);
    }
    if (injected) return { ...this.outcome(a, injected.rc, now), ...injected };
    const role = this.active.get(k);
    switch (a.task) {
      case 'reload-agent':
        this.params.set(k, { ...a.detail?.attributes });
        break;
      case 'start':
      case 'migrate_from':
        this.params.set(k, { ...a.detail?.attributes });
        // A live migration leaves the resource running on the target once migrate_from returns
        // (migrate_to only hands it over; the source is stopped afterwards).
        this.active.set(k, 'Started');
        break;
      case 'stop':
        this.active.delete(k);
        this.recurring.delete(k);
        break;
      case 'promote':
        this.active.set(k, 'Promoted');
        break;
      case 'demote':
        this.active.set(k, 'Started');
        break;
      case 'monitor':
        return this.outcome(a, role === undefined ? OCF.notRunning : role === 'Promoted' ? OCF.runningPromoted : OCF.success, now);
    }
    return this.outcome(a, OCF.success, now);
  }

  /** Forgets a recurring monitor (the controller cancelled it). */
  cancel(node: string, rsc: string, intervalMs: number): void {
    const k = key(node, rsc);
    this.recurring.set(
      k,
      (this.recurring.get(k) ?? []).filter((r) => r.action.intervalMs !== intervalMs),
    );
  }
}

/** Drives a controller with a {@link MemoryExecutor} on a virtual clock (ms). */
export class MemoryDriver {
  readonly effects: ControllerEffect[] = [];
  readonly timers = new Map<string, number>();
  private readonly queue: ControllerEvent[] = [];
  /** Transitions that ended idle. */
  idleCount = 0;

  constructor(
    readonly ctl: Controller,
    readonly world: MemoryExecutor,
    public now: number,
  ) {}

  /** Queues events and processes everything that follows from them, until nothing is left. */
  send(...events: ControllerEvent[]): this {
    this.queue.push(...events);
    for (let guard = 0; this.queue.length > 0; guard++) {
      if (guard > 100_000) throw new Error('the controller does not settle (100000 events)');
      const ev = this.queue.shift() as ControllerEvent;
      for (const e of this.ctl.handle({ ...ev, now: this.now } as ControllerEvent)) {
        this.effects.push(e);
        if (e.type === 'run' || e.type === 'fence')
          this.queue.push({ type: 'op-result', now: this.now, tag: e.tag, outcome: this.world.run(e.tag, e.action, this.now) });
        else if (e.type === 'cancel') this.world.cancel(e.node, e.rsc, e.intervalMs);
        else if (e.type === 'set-timer') this.timers.set(e.name, e.atMs);
        else if (e.type === 'clear-timer') this.timers.delete(e.name);
        else if (e.type === 'idle') this.idleCount++;
      }
    }
    return this;
  }

  /** Moves the clock forward, firing due timers in time order. */
  advance(ms: number): this {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, at]) => at <= end).sort((a, b) => a[1] - b[1])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = Math.max(this.now, due[1]);
      this.send({ type: 'timer', now: this.now, name: due[0] });
    }
    this.now = end;
    return this;
  }

  /** The log lines so far, as `level: message`. */
  logs(): string[] {
    return this.effects.flatMap((e) => (e.type === 'log' ? [`${e.level}: ${e.message}`] : []));
  }
}
