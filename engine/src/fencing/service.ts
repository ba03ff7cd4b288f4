import { type FenceAction, Fencer, type FencerConfig, type FencerEffect, type FencerInput, type HistoryEntry } from './fencer';
import type { DeviceResult, FenceRunner } from './runner';

/** An `exec` effect addressed to a peer, and the answer a peer sends back. */
export type FenceExec = Extract<FencerEffect, { type: 'exec' }>;
export interface FenceExecResult {
  op: string;
  attempt: number;
  from: string;
  ok: boolean;
  eligible: boolean;
  reason?: string;
}

/** How a fencer reaches peers (the node daemon's authenticated messaging). */
export interface FenceTransport {
  /** Deliver `exec` to `node`, which runs {@link FencingService.runExec} and answers with {@link FencingService.deliver}. */
  send(node: string, exec: FenceExec): void;
}

export interface FencingServiceOptions {
  config: FencerConfig;
  runner: FenceRunner;
  transport?: FenceTransport;
  now?: () => number;
  /** Every history change (persist it, copy it to peers). */
  onHistory?: (entry: HistoryEntry) => void;
  log?: (line: string) => void;
}

/**
 * The thin shell around {@link Fencer}: performs its effects with real timers, runs local devices
 * with a {@link FenceRunner}, and hands remote ones to the transport.
 *
 * @example
 * const svc = new FencingService({ config, runner: new FenceRunner() });
 * const entry = await svc.fence('node3', 'reboot', 'node1');
 * entry.state // 'success' | 'failed'
 */
export class FencingService {
  private readonly fencer: Fencer;
  private readonly waiting = new Map<string, (e: HistoryEntry) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;
  private config: FencerConfig;
  private seq = 0;
  private stopped = false;

  constructor(private readonly opts: FencingServiceOptions) {
    this.config = opts.config;
    this.fencer = new Fencer(opts.config);
    this.now = opts.now ?? Date.now;
  }

  /** Asks for `target` to be fenced; resolves (never rejects) with the finished history entry. */
  fence(target: string, action: FenceAction, origin: string): Promise<HistoryEntry> {
    const id = `req-${++this.seq}`;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.feed({ type: 'request', id, target, action, origin, now: this.now() });
    });
  }

  /** New devices, topology or membership. */
  configure(config: FencerConfig): void {
    this.config = config;
    this.feed({ type: 'config', config, now: this.now() });
  }

  /** A peer's answer to an exec this node sent. */
  deliver(result: FenceExecResult): void {
    this.feed({ type: 'result', ...result, now: this.now() });
  }

  history(): readonly HistoryEntry[] {
    return this.fencer.entries();
  }

  mergeHistory(entries: readonly HistoryEntry[]): void {
    this.fencer.mergeHistory(entries);
  }

  /** Runs an exec on this node (asked by a peer or by this node's own fencer). */
  async runExec(exec: FenceExec): Promise<FenceExecResult> {
    const reg = this.config.devices.find((r) => r.device.id === exec.device);
    const base = { op: exec.op, attempt: exec.attempt, from: this.config.self };
    if (!reg) return { ...base, ok: false, eligible: false, reason: `${exec.device} is not registered on ${this.config.self}` };
    const r: DeviceResult = await this.opts.runner.fence(reg.device, exec.action, exec.target, exec.timeoutMs);
    this.opts.log?.(`${exec.action} ${exec.target} with ${exec.device}: ${r.ok ? 'OK' : r.reason}`);
    return { ...base, ok: r.ok, eligible: r.attempts > 0, ...(r.reason ? { reason: r.reason } : {}) };
  }

  /** Cancels timers; pending requests stay unresolved. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private feed(input: FencerInput): void {
    if (this.stopped) return;
    for (const e of this.fencer.step(input)) this.perform(e);
  }

  private perform(e: FencerEffect): void {
    switch (e.type) {
      case 'history':
        this.opts.onHistory?.(e.entry);
        return;
      case 'finished':
        this.opts.onHistory?.(e.entry);
        for (const id of e.requests) {
          this.waiting.get(id)?.(e.entry);
          this.waiting.delete(id);
        }
        return;
      case 'timer': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.feed({ type: 'timeout', op: e.op, attempt: e.attempt, now: this.now() });
        }, e.ms);
        this.timers.add(t);
        return;
      }
      case 'exec':
        if (e.node === this.config.self) {
          void this.runExec(e).then((r) => this.deliver(r));
        } else if (this.opts.transport) {
          this.opts.transport.send(e.node, e);
        } else {
          queueMicrotask(() =>
            this.deliver({
              op: e.op,
              attempt: e.attempt,
              from: e.node,
              ok: false,
              eligible: false,
              reason: `no transport to reach ${e.node}`,
            }),
          );
        }
        return;
    }
  }
}
