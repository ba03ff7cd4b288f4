import { EventEmitter } from 'node:events';
import { MAX_TIMER_MS } from '@ocfkit/sdk';
import { checkAgentName } from './agent-path';
import { MetaDataCache } from './metadata-cache';
import { defaultConcurrency, type ExecutorOptions, resolveSettings } from './options';
import { cancelledResult, opKey, type QueuedOp, type Recurring } from './queued-op';
import { looksSecret, privateParams, redactResult } from './redact';
import { type OpSettings, runOp } from './run-op';
import { Semaphore } from './semaphore';
import type { OpRequest, OpResult, ResourceSpec } from './types';

export type { ExecutorOptions } from './options';

interface Resource {
  spec: ResourceSpec;
  queue: QueuedOp[];
  active?: QueuedOp;
  /** Settles once the active op has been reported. */
  activeDone?: Promise<void>;
  recurring: Map<string, Recurring>;
  history: OpResult[];
}

/** Results kept per resource by {@link Executor.history}. */
const HISTORY_LIMIT = 200;

/** Output bytes (per stream) a history entry keeps: history holds summaries, not megabytes per op. */
const HISTORY_OUTPUT = 4096;

function summary(r: OpResult): OpResult {
  if (r.stdout.length <= HISTORY_OUTPUT && r.stderr.length <= HISTORY_OUTPUT) return r;
  const cut = (t: string) =>
    t.length <= HISTORY_OUTPUT
      ? t
      : `${t.slice(0, HISTORY_OUTPUT)}\n[... ${t.length - HISTORY_OUTPUT} more characters not kept in history]`;
  return { ...r, stdout: cut(r.stdout), stderr: cut(r.stderr) };
}

/** Any action name an agent could be asked for (passed as argv[1], never through a shell). */
const ACTION = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

export interface ExecutorEvents {
  /** Every one-shot result, and recurring results when (rc, execStatus) changed or on cancel. */
  result: [OpResult];
  /** Every finished op, recurring runs included even when not reported. */
  completed: [OpResult];
}

/**
 * The local resource manager: runs agent actions with pacemaker-execd's semantics (contract §5).
 * One op at a time per resource (FIFO), resources in parallel up to `concurrency`, recurring ops
 * re-armed a fixed delay after each completion and reported on change, stop cancels the
 * resource's recurring ops first, and timeouts kill the agent's whole process group.
 *
 * @example
 * const ex = new Executor({ searchPath: ['/usr/lib/ocf/resource.d'] });
 * ex.register({ id: 'd1', provider: 'heartbeat', type: 'Dummy', params: { state: '/run/d1' } });
 * const r = await ex.run({ rsc: 'd1', action: 'start', timeoutMs: 20_000 });
 * ex.on('result', (res) => console.log(res.action, res.rc, res.execStatus));
 * ex.startRecurring({ rsc: 'd1', action: 'monitor', intervalMs: 10_000 });
 * await ex.close();
 */
export class Executor extends EventEmitter<ExecutorEvents> {
  private readonly settings: OpSettings;
  private readonly slots: Semaphore;
  private readonly resources = new Map<string, Resource>();
  private readonly meta: MetaDataCache;
  /** Meta-data the executor reads for itself (private parameters): not calls, so no call id. */
  private readonly ownMeta: MetaDataCache;
  private callId = 0;
  private closed = false;

  constructor(options: ExecutorOptions = {}) {
    super();
    this.settings = resolveSettings(options);
    this.slots = new Semaphore(options.concurrency ?? defaultConcurrency());
    this.meta = new MetaDataCache((spec) => this.runAlone(spec, { rsc: spec.id, action: 'meta-data', timeoutMs: 30_000 }));
    this.ownMeta = new MetaDataCache((spec) => this.runAlone(spec, { rsc: spec.id, action: 'meta-data', timeoutMs: 30_000 }, 0));
  }

  /** Registers (or re-registers, updating the parameters of) a resource. */
  register(spec: ResourceSpec): void {
    if (spec.id.length === 0) throw new Error('resource id must not be empty');
    if (spec.class !== undefined && spec.class !== 'ocf' && spec.class !== 'stonith')
      throw new Error(`unsupported resource class ${JSON.stringify(spec.class)} for ${spec.id}: ocf or stonith`);
    checkAgentName('provider', spec.provider);
    checkAgentName('type', spec.type);
    const known = this.resources.get(spec.id);
    const copy = { ...spec, params: { ...spec.params } };
    if (known) known.spec = copy;
    else this.resources.set(spec.id, { spec: copy, queue: [], recurring: new Map(), history: [] });
  }

  /** The registered resources (a copy of each spec), in the order they were first registered. */
  registered(): ResourceSpec[] {
    return [...this.resources.values()].map((r) => ({ ...r.spec, params: { ...r.spec.params } }));
  }

  /** Whether a resource is registered. */
  has(id: string): boolean {
    return this.resources.has(id);
  }

  /**
   * Forgets a resource: its recurring ops are cancelled (reported cancelled), queued ops dropped,
   * and a running op is left to finish and be reported. Resolves once it is gone.
   */
  async unregister(id: string): Promise<void> {
    const r = this.resources.get(id);
    if (!r) return;
    const waits: Promise<unknown>[] = [...r.recurring.values()].map((rec) => this.cancelRecurring(r, rec));
    for (const op of [...r.queue]) this.dropQueued(r, op);
    if (r.activeDone) waits.push(r.activeDone);
    await Promise.all(waits);
    if (this.resources.get(id) === r && !r.active && r.queue.length === 0) this.resources.delete(id);
  }

  /** Runs a one-shot op (queued FIFO behind the resource's other ops) and resolves with its result. */
  run(req: OpRequest): Promise<OpResult> {
    let rsc: Resource;
    try {
      rsc = this.checkRequest(req);
    } catch (err) {
      return Promise.reject(err);
    }
    if (req.action === 'stop') for (const rec of [...rsc.recurring.values()]) void this.cancelRecurring(rsc, rec);
    return new Promise((resolve) => {
      this.enqueue(rsc, {
        req: { ...req },
        readyAt: this.settings.clock.now(),
        cancelled: false,
        finish: (r) => {
          this.report(rsc, r);
          resolve(r);
        },
      });
    });
  }

  /** Starts a recurring op (interval > 0); a duplicate request is merged (taking its tag) and, if waiting, run at once. */
  startRecurring(req: OpRequest): void {
    const rsc = this.checkRequest(req);
    const interval = req.intervalMs ?? 0;
    if (!(interval > 0)) throw new Error(`startRecurring needs intervalMs > 0, got ${req.intervalMs}`);
    const key = opKey(req.rsc, req.action, interval);
    const known = rsc.recurring.get(key);
    if (known) {
      // A new controller (a new DC) asks again with its own tag: results carry the newest one.
      if (req.tag !== undefined) known.req.tag = req.tag;
      if (known.timer !== undefined) {
        this.settings.clock.clearTimer(known.timer);
        known.timer = undefined;
        this.enqueueRecurring(rsc, known, false);
      }
      return;
    }
    const rec: Recurring = { key, req: { ...req }, cancelled: false, onCancelled: [] };
    rsc.recurring.set(key, rec);
    this.enqueueRecurring(rsc, rec, true);
  }

  /**
   * Cancels the recurring op `action`/`intervalMs` of `rsc` (an in-flight run is killed and
   * reported cancelled), or a queued one-shot with interval 0. Resolves once reported.
   */
  cancel(rsc: string, action: string, intervalMs: number): Promise<void> {
    const r = this.resources.get(rsc);
    if (!r) return Promise.resolve();
    const rec = r.recurring.get(opKey(rsc, action, intervalMs));
    if (rec) return this.cancelRecurring(r, rec);
    const queued = r.queue.find((op) => !op.recurring && op.req.action === action && (op.req.intervalMs ?? 0) === intervalMs);
    if (queued) this.dropQueued(r, queued);
    return Promise.resolve();
  }

  /** Runs `meta-data` of an agent (type name as instance, no parameters, 30 s); cached per agent. */
  metaData(provider: string, type: string, opts: { path?: string; refresh?: boolean } = {}): Promise<OpResult> {
    checkAgentName('provider', provider);
    checkAgentName('type', type);
    return this.meta.get({ id: type, provider, type, ...(opts.path !== undefined ? { path: opts.path } : {}) }, opts.refresh ?? false);
  }

  /** The results recorded for `rsc`, oldest first (one-shots and reported recurring results). */
  history(rsc: string): readonly OpResult[] {
    return this.resources.get(rsc)?.history ?? [];
  }

  /** Cancels everything: queued ops and recurring ops are reported cancelled, running ops are killed. */
  async close(): Promise<void> {
    this.closed = true;
    const waits: Promise<unknown>[] = [];
    for (const r of this.resources.values()) {
      for (const rec of [...r.recurring.values()]) waits.push(this.cancelRecurring(r, rec));
      for (const op of [...r.queue]) this.dropQueued(r, op);
      if (r.active) {
        r.active.cancelled = true;
        r.active.running?.cancel();
        if (r.activeDone) waits.push(r.activeDone);
      }
    }
    await Promise.all(waits);
    this.settings.warm?.close();
  }

  private checkRequest(req: OpRequest): Resource {
    if (this.closed) throw new Error('executor is closed');
    const rsc = this.resources.get(req.rsc);
    if (!rsc) throw new Error(`unknown resource ${JSON.stringify(req.rsc)}: register it first`);
    if (!ACTION.test(req.action)) throw new Error(`invalid action ${JSON.stringify(req.action)}`);
    const interval = req.intervalMs ?? 0;
    if (!Number.isFinite(interval) || interval < 0) throw new Error(`invalid intervalMs ${req.intervalMs}`);
    if (interval > 0 && (req.action === 'start' || req.action === 'stop'))
      throw new Error(`${req.action} can never be recurring (intervalMs ${interval})`);
    if (interval > MAX_TIMER_MS) throw new Error(`invalid intervalMs ${interval}: at most ${MAX_TIMER_MS} ms (24.8 days)`);
    const timeout = req.timeoutMs ?? 20_000;
    if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`invalid timeoutMs ${req.timeoutMs}`);
    // Node fires a longer timer after 1 ms: the agent would be killed at once.
    if (timeout > MAX_TIMER_MS) throw new Error(`invalid timeoutMs ${timeout}: at most ${MAX_TIMER_MS} ms (24.8 days)`);
    const delay = req.startDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0 || delay > MAX_TIMER_MS) throw new Error(`invalid startDelayMs ${req.startDelayMs}`);
    return rsc;
  }

  private enqueue(rsc: Resource, op: QueuedOp, startDelayMs = op.req.startDelayMs ?? 0): void {
    rsc.queue.push(op);
    if (startDelayMs > 0) {
      // As in execd, a delayed op keeps its place at the head of the queue while it waits.
      op.delayTimer = this.settings.clock.setTimer(() => {
        op.delayTimer = undefined;
        op.readyAt = this.settings.clock.now();
        this.pump(rsc);
      }, startDelayMs);
    }
    this.pump(rsc);
  }

  private enqueueRecurring(rsc: Resource, rec: Recurring, first: boolean): void {
    const op: QueuedOp = {
      req: rec.req,
      readyAt: this.settings.clock.now(),
      cancelled: false,
      recurring: rec,
      finish: (r) => this.recurringDone(rsc, rec, r),
    };
    rec.op = op;
    this.enqueue(rsc, op, first ? (rec.req.startDelayMs ?? 0) : 0);
  }

  private recurringDone(rsc: Resource, rec: Recurring, result: OpResult): void {
    rec.op = undefined;
    if (rec.cancelled || result.execStatus === 'cancelled') {
      const r: OpResult = { ...result, rc: 0, execStatus: 'cancelled' };
      this.report(rsc, r);
      for (const done of rec.onCancelled.splice(0)) done();
      return;
    }
    // Reported when it changes, or when a new controller asked for it under a new tag.
    const tagged: OpResult = rec.req.tag === undefined ? result : { ...result, tag: rec.req.tag };
    const signature = `${result.rc}/${result.execStatus}/${rec.req.tag ?? ''}`;
    if (signature !== rec.lastReported) {
      rec.lastReported = signature;
      this.report(rsc, tagged);
    }
    if (this.closed) return;
    rec.timer = this.settings.clock.setTimer(() => {
      rec.timer = undefined;
      this.enqueueRecurring(rsc, rec, false);
    }, rec.req.intervalMs ?? 0);
  }

  private cancelRecurring(rsc: Resource, rec: Recurring): Promise<void> {
    rsc.recurring.delete(rec.key);
    const reported = new Promise<void>((done) => rec.onCancelled.push(done));
    if (rec.cancelled) return reported;
    rec.cancelled = true;
    if (rec.timer !== undefined) {
      this.settings.clock.clearTimer(rec.timer);
      rec.timer = undefined;
      this.recurringDone(rsc, rec, cancelledResult(rec.req, ++this.callId, this.settings.clock.now()));
    } else if (rec.op) {
      const op = rec.op;
      if (rsc.queue.includes(op)) this.dropQueued(rsc, op);
      else {
        op.cancelled = true;
        op.running?.cancel();
      }
    }
    return reported;
  }

  private dropQueued(rsc: Resource, op: QueuedOp): void {
    const at = rsc.queue.indexOf(op);
    if (at < 0) return;
    rsc.queue.splice(at, 1);
    this.settings.clock.clearTimer(op.delayTimer);
    op.cancelled = true;
    op.finish(cancelledResult(op.req, ++this.callId, this.settings.clock.now()));
    this.pump(rsc);
  }

  private pump(rsc: Resource): void {
    if (rsc.active || this.closed) return;
    const head = rsc.queue[0];
    if (!head || head.delayTimer !== undefined) return;
    rsc.queue.shift();
    rsc.active = head;
    rsc.activeDone = this.execute(rsc, head).then((result) => {
      rsc.active = undefined;
      rsc.activeDone = undefined;
      this.emit('completed', result);
      head.finish(result);
      this.pump(rsc);
    });
  }

  private async execute(rsc: Resource, op: QueuedOp): Promise<OpResult> {
    const release = await this.slots.acquire();
    try {
      if (op.cancelled) return cancelledResult(op.req, ++this.callId, this.settings.clock.now());
      op.running = runOp(this.settings, rsc.spec, op.req, ++this.callId, op.readyAt);
      const result = await op.running.result;
      release();
      return await this.redacted(rsc.spec, result);
    } finally {
      release();
    }
  }

  /**
   * The result with private parameter values hidden — the ones the agent's meta-data marks
   * `private="1"` and any whose name says password or secret — in its environment, output and
   * exit reason: results, history, the events the controller records in the CIB and logs, all
   * come from here. The meta-data is asked for only when the result carries a value to hide.
   */
  private async redacted(spec: ResourceSpec, result: OpResult): Promise<OpResult> {
    const params = spec.params ?? {};
    const values = Object.values(params).filter((v) => v !== '');
    const text = `${result.stdout}${result.stderr}${result.exitReason ?? ''}`;
    if (values.length === 0 || (result.env === undefined && !values.some((v) => text.includes(v)))) return result;
    const names = new Set(Object.keys(params).filter(looksSecret));
    if (spec.class !== 'stonith') {
      const md = await this.ownMeta.get({
        id: spec.type,
        provider: spec.provider,
        type: spec.type,
        ...(spec.path !== undefined ? { path: spec.path } : {}),
      });
      if (md.rc === 0 && md.execStatus === 'done') for (const n of privateParams(md.stdout)) names.add(n);
    }
    return redactResult(result, names, params);
  }

  /** Runs an op outside any resource queue (meta-data), still within the concurrency limit. */
  private async runAlone(spec: ResourceSpec, req: OpRequest, callId = ++this.callId): Promise<OpResult> {
    const release = await this.slots.acquire();
    try {
      return await runOp(this.settings, spec, req, callId, this.settings.clock.now()).result;
    } finally {
      release();
    }
  }

  private report(rsc: Resource, result: OpResult): void {
    rsc.history.push(summary(result));
    if (rsc.history.length > HISTORY_LIMIT) rsc.history.splice(0, rsc.history.length - HISTORY_LIMIT);
    this.emit('result', result);
  }
}
