import type { DeviceRegistration } from './cib-devices';
import { actionTimeoutMs, delayBaseFor, type FenceDevice } from './device';
import { includesTarget } from './targets';
import { type FencingLevel, levelsFor } from './topology';

/** A fencing action the cluster asks for. */
export type FenceAction = 'reboot' | 'off' | 'on';

/** What the fencer knows about the cluster; replaced whenever the CIB or the membership changes. */
export interface FencerConfig {
  /** This node. */
  self: string;
  /** Nodes in this partition that can run devices (the target may be one of them). */
  members: readonly string[];
  devices: readonly DeviceRegistration[];
  levels: readonly FencingLevel[];
  /** `stonith-timeout` (default 60 s). */
  stonithTimeoutMs: number;
  /** Node attributes for `target-attribute` levels. */
  nodeAttrs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One fencing operation as `ocfkit fence history` shows it. */
export interface HistoryEntry {
  id: string;
  target: string;
  action: FenceAction;
  /** Who asked (the DC, or `ocfkit fence` on a node). */
  origin: string;
  /** The node that ran the device that succeeded, or the last one that tried. */
  delegate?: string;
  /** Devices that fenced the target (success) or were tried (failure). */
  devices: string[];
  state: 'pending' | 'success' | 'failed';
  requestedAt: number;
  completedAt?: number;
  reason?: string;
}

export type FencerInput =
  | { type: 'request'; id: string; target: string; action: FenceAction; origin: string; now: number }
  /** A node's answer for an `exec`; `eligible` false: that node could not use the device for the target. */
  | { type: 'result'; op: string; attempt: number; from: string; ok: boolean; eligible: boolean; reason?: string; now: number }
  | { type: 'timeout'; op: string; attempt: number; now: number }
  | { type: 'config'; config: FencerConfig; now: number };

export type FencerEffect =
  /** Run `action` on `device` against `target` on `node` (this node or a peer), answering with a `result`. */
  | { type: 'exec'; op: string; attempt: number; node: string; device: string; action: FenceAction; target: string; timeoutMs: number }
  /** Feed `{ type: 'timeout', op, attempt }` after `ms`. */
  | { type: 'timer'; op: string; attempt: number; ms: number }
  /** The operation ended: tell every requester (`requests`), record it. */
  | { type: 'finished'; op: string; requests: string[]; entry: HistoryEntry }
  | { type: 'history'; entry: HistoryEntry };

interface Step {
  device: string;
  nodes: string[];
}

interface Op {
  entry: HistoryEntry;
  requests: string[];
  /** Each level: devices that must all succeed. Without topology: one level per capable device. */
  levels: Step[][];
  level: number;
  step: number;
  node: number;
  attempt: number;
  failures: string[];
  /** The node currently running the step. */
  running?: string;
}

/** Pacemaker keeps the last 500 operations. */
const HISTORY_MAX = 500;

function staticallyExcluded(dev: FenceDevice, target: string): boolean {
  const check =
    dev.hostCheck ?? (dev.params.pcmk_host_list !== undefined || dev.params.pcmk_host_map !== undefined ? 'static-list' : undefined);
  return check === 'static-list' && !includesTarget(dev.hostList, target) && !dev.hostMap.has(target.toLowerCase());
}

/**
 * The fencing service as a pure state machine (pacemaker-fenced's role, run by the DC or by the
 * node asked to fence): `step(input)` returns the effects a thin shell performs. It picks the
 * devices by `fencing-topology` (level 1, then level 2, ...; all devices of a level must succeed)
 * or, without topology, tries each device that may reach the target in turn. Each device runs on
 * a member where it is registered, never on the target itself unless no other member has it; a
 * node that cannot use the device passes it to the next. A failure is reported with every reason
 * and never counted as success; requests for a target already being fenced join that operation.
 *
 * @example
 * const f = new Fencer(config);
 * f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 });
 * // [{ type: 'history', ... pending }, { type: 'exec', node: 'node1', device: 'fence-a', ... }, { type: 'timer', ... }]
 */
export class Fencer {
  private ops = new Map<string, Op>();
  private readonly history: HistoryEntry[] = [];
  private seq = 0;

  constructor(private config: FencerConfig) {}

  /** The fencing history, oldest first (pending operations included). */
  entries(): readonly HistoryEntry[] {
    return this.history;
  }

  /** Entries from peers or a persisted file, merged by id (newest state wins). */
  mergeHistory(entries: readonly HistoryEntry[]): void {
    for (const e of entries) this.remember(e);
  }

  step(input: FencerInput): FencerEffect[] {
    switch (input.type) {
      case 'config':
        return this.reconfigure(input.config, input.now);
      case 'request':
        return this.request(input);
      case 'result': {
        const op = this.ops.get(input.op);
        if (!op || op.attempt !== input.attempt || op.running !== input.from) return [];
        op.running = undefined;
        if (input.ok) return this.succeeded(op, input.from, input.now);
        return this.failed(op, input.from, input.eligible, input.reason ?? 'failed', input.now);
      }
      case 'timeout': {
        const op = this.ops.get(input.op);
        if (!op || op.attempt !== input.attempt || op.running === undefined) return [];
        const node = op.running;
        op.running = undefined;
        return this.failed(op, node, true, `${this.currentStep(op)?.device} on ${node}: no result within the fencing timeout`, input.now);
      }
    }
  }

  private remember(entry: HistoryEntry): HistoryEntry {
    const i = this.history.findIndex((e) => e.id === entry.id);
    const copy = { ...entry, devices: [...entry.devices] };
    if (i >= 0) this.history[i] = copy;
    else this.history.push(copy);
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
    return copy;
  }

  private request(input: Extract<FencerInput, { type: 'request' }>): FencerEffect[] {
    for (const op of this.ops.values()) {
      if (op.entry.target.toLowerCase() === input.target.toLowerCase() && op.entry.action === input.action) {
        op.requests.push(input.id);
        return [];
      }
    }
    const id = `${input.target}-${input.action}-${input.now}-${++this.seq}`;
    const entry: HistoryEntry = {
      id,
      target: input.target,
      action: input.action,
      origin: input.origin,
      devices: [],
      state: 'pending',
      requestedAt: input.now,
    };
    const op: Op = { entry, requests: [input.id], levels: this.plan(input.target), level: 0, step: 0, node: 0, attempt: 0, failures: [] };
    this.ops.set(id, op);
    const effects: FencerEffect[] = [{ type: 'history', entry: this.remember(entry) }];
    if (op.levels.length === 0) {
      op.failures.push(`no fence device can fence ${input.target}`);
      return [...effects, ...this.finish(op, input.now)];
    }
    return [...effects, ...this.advance(op, input.now)];
  }

  /** The levels to try for a target, each a list of devices with the nodes that may run them. */
  private plan(target: string): Step[][] {
    const topo = levelsFor(this.config.levels, target, this.config.nodeAttrs?.[target] ?? {});
    const step = (device: string): Step => ({ device, nodes: this.runners(device, target) });
    if (topo.length > 0) return topo.map((l) => l.devices.map(step));
    return this.config.devices.filter((r) => !staticallyExcluded(r.device, target)).map((r) => [step(r.device.id)]);
  }

  /** Members that have the device, this node first, the target only as a last resort. */
  private runners(device: string, target: string): string[] {
    const reg = this.config.devices.find((r) => r.device.id === device);
    const members = new Set(this.config.members);
    const nodes = (reg?.nodes ?? []).filter((n) => members.has(n));
    const self = this.config.self;
    const t = target.toLowerCase();
    const others = nodes.filter((n) => n.toLowerCase() !== t).sort((a, b) => (a === self ? -1 : b === self ? 1 : a.localeCompare(b)));
    return others.length > 0 ? others : nodes;
  }

  private currentStep(op: Op): Step | undefined {
    return op.levels[op.level]?.[op.step];
  }

  /** Starts the current step on its next candidate node, or fails the level when none is left. */
  private advance(op: Op, now: number): FencerEffect[] {
    for (;;) {
      const step = this.currentStep(op);
      if (!step) return this.finish(op, now);
      const node = step.nodes[op.node];
      if (node === undefined) {
        if (step.nodes.length === 0) op.failures.push(`${step.device} is not registered on any member node`);
        if (!this.nextLevel(op)) return this.finish(op, now);
        continue;
      }
      op.attempt++;
      op.running = node;
      op.entry.delegate = node;
      const reg = this.config.devices.find((r) => r.device.id === step.device);
      const agentTimeout = reg ? actionTimeoutMs(reg.device, op.entry.action, this.config.stonithTimeoutMs) : this.config.stonithTimeoutMs;
      const delay = reg ? Math.max(reg.device.delayMaxMs, delayBaseFor(reg.device, op.entry.target)) : 0;
      // The agent's own timeout is enforced where it runs; this one covers a lost peer or message.
      const timerMs = Math.ceil((agentTimeout + delay) * 1.2) + 2000;
      return [
        {
          type: 'exec',
          op: op.entry.id,
          attempt: op.attempt,
          node,
          device: step.device,
          action: op.entry.action,
          target: op.entry.target,
          timeoutMs: agentTimeout,
        },
        { type: 'timer', op: op.entry.id, attempt: op.attempt, ms: timerMs },
      ];
    }
  }

  private nextLevel(op: Op): boolean {
    op.level++;
    op.step = 0;
    op.node = 0;
    return op.level < op.levels.length;
  }

  private succeeded(op: Op, node: string, now: number): FencerEffect[] {
    const step = this.currentStep(op);
    if (step && !op.entry.devices.includes(step.device)) op.entry.devices.push(step.device);
    op.entry.delegate = node;
    op.step++;
    op.node = 0;
    if (op.step >= (op.levels[op.level]?.length ?? 0)) {
      // The history names the devices that fenced the target, not the ones that failed before.
      const devices = (op.levels[op.level] ?? []).map((s) => s.device);
      op.entry = { ...op.entry, devices, state: 'success', completedAt: now };
      return this.finish(op, now);
    }
    return this.advance(op, now);
  }

  private failed(op: Op, node: string, eligible: boolean, reason: string, now: number): FencerEffect[] {
    const step = this.currentStep(op);
    if (!eligible) {
      // This node cannot use the device for the target: let the next node holding it try.
      op.failures.push(`${reason} (on ${node})`);
      op.node++;
      return this.advance(op, now);
    }
    if (step && !op.entry.devices.includes(step.device)) op.entry.devices.push(step.device);
    op.failures.push(`${reason} (on ${node})`);
    if (!this.nextLevel(op)) return this.finish(op, now);
    return this.advance(op, now);
  }

  private finish(op: Op, now: number): FencerEffect[] {
    this.ops.delete(op.entry.id);
    const entry: HistoryEntry =
      op.entry.state === 'success'
        ? op.entry
        : { ...op.entry, state: 'failed', completedAt: now, reason: op.failures.join('; ') || `fencing ${op.entry.target} failed` };
    const stored = this.remember(entry);
    return [{ type: 'finished', op: entry.id, requests: [...op.requests], entry: stored }];
  }

  private reconfigure(config: FencerConfig, now: number): FencerEffect[] {
    this.config = config;
    const effects: FencerEffect[] = [];
    const members = new Set(config.members);
    for (const op of [...this.ops.values()]) {
      if (op.running !== undefined && !members.has(op.running)) {
        const node = op.running;
        op.running = undefined;
        effects.push(...this.failed(op, node, false, `${this.currentStep(op)?.device}: ${node} left the membership`, now));
      }
    }
    return effects;
  }
}
