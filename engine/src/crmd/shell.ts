/**
 * The controller's thin I/O shell: feeds the pure {@link Controller} with events from the CIB
 * store, attrd, the executor and timers, and carries out its effects (run agents, record status,
 * save pe-inputs, log). This is what the node daemon plugs into its controller slot.
 */
import { join } from 'node:path';
import type { Cib } from '../core/cib-model.js';
import type { Executor } from '../lrmd/executor.js';
import type { OpRequest, OpResult } from '../lrmd/types.js';
import type { AgentDigestInfo } from '../pcmk/agent-digests.js';
import { EXEC_STATUS, opStatusOf } from '../pcmk/exec-status.js';
import { agentDigestInfo } from './agent-info.js';
import { Controller, type ControllerEffect, type ControllerEvent } from './controller.js';
import type { ExecAction } from './exec-graph.js';
import { nextPeInputSeq, savePeInput } from './pe-inputs.js';

/** The CIB store as the controller uses it (engine/src/cib/store.ts). */
export interface ControllerStore {
  model(): Cib;
  /** Records the status of a typed CIB (nothing re-parsed: the model is valid by construction). */
  writeStatus(cib: Cib, origin: string): unknown;
  subscribe(listener: (change: { origin: string; configChanged: boolean }) => void): () => void;
}

/** The HA log as the controller uses it (engine/src/node/ha-log.ts). */
interface ControllerLog {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  decision(transition: number, msg: string): void;
  result(transition: number, msg: string, failed?: boolean): void;
}

/** What {@link startController} needs from the node daemon. */
interface ControllerDeps {
  store: ControllerStore;
  executor: Executor;
  /** The bundled attrd: its committed values become transient node attributes. */
  attrd: { committed(node?: string): Record<string, string> };
  nodeName: string;
  /** pe-inputs go to `<stateDir>/pengine`. */
  stateDir: string;
  log: ControllerLog;
  /** `pe-input-series-max` (default 4000). */
  peInputSeriesMax?: number;
  /** Epoch ms (tests). */
  now?: () => number;
  /**
   * In a cluster: actions for other nodes go to their executors through this (the DC sends them
   * over the cluster's authenticated messages); results come back through {@link RunningController.inject}.
   */
  /** Fences a node for a `stonith` action (a cluster's DC: the fencer); without it fencing fails. */
  fence?: (action: ExecAction) => Promise<Extract<ControllerEvent, { type: 'op-result' }>['outcome']>;
  /** Quorum at start (default true); later changes come as `quorum-changed` through `inject`. */
  quorate?: boolean;
  /** Keep this node's history in the store's status at start instead of re-probing (a cluster's new DC). */
  keepHistory?: boolean;
  remote?: {
    run(tag: string, action: ExecAction): void;
    cancel(node: string, rsc: string, task: string, intervalMs: number): void;
  };
}

/** A running controller, the shape the node daemon's slot expects. */
export interface RunningController {
  /** Something changed: recompute from the current CIB (attributes are re-read from attrd first). */
  poke(reason: string): void;
  /** Stops every resource in order; resolves when all are stopped. */
  shutdown(): Promise<void>;
  /** Drops timers and subscriptions at once, without stopping anything. */
  close(): void;
  /** Feeds an event from outside (a cluster: membership, quorum, remote results and attributes). */
  inject(ev: ControllerEvent): void;
  /** The pure controller (tests, status). */
  readonly controller: Controller;
}

const ORIGIN = 'controller';

/** The executor request for a graph action: parameters and `CRM_meta_*` split as execd does. */
function requestFor(
  a: ExecAction,
  tag: string,
): { spec: { id: string; class: 'ocf' | 'stonith'; provider: string; type: string; params: Record<string, string> }; req: OpRequest } {
  const d = a.detail;
  const agent = d?.agent;
  if (!d || !agent) throw new Error(`action ${a.key} has no agent`);
  const params: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...d.attributes, ...(d.extraParams ?? {}) })) {
    if (k.startsWith('CRM_meta_')) meta[k.slice('CRM_meta_'.length)] = v;
    else if (k !== 'crm_feature_set') params[k] = v;
  }
  // execd takes these from the request itself, and never passes the target rc to the agent.
  for (const k of ['timeout', 'interval', 'op_target_rc', 'name', 'on_node']) delete meta[k];
  const req: OpRequest = { rsc: agent.id, action: a.task, timeoutMs: d.timeoutMs, tag, meta };
  if (a.intervalMs > 0) req.intervalMs = a.intervalMs;
  const level = Number.parseInt(params.OCF_CHECK_LEVEL ?? '', 10);
  if (!Number.isNaN(level)) req.checkLevel = level;
  const startDelay = Number.parseInt(meta.start_delay ?? '', 10);
  if (startDelay > 0) req.startDelayMs = startDelay;
  return {
    spec: {
      id: agent.id,
      class: agent.class === 'stonith' ? 'stonith' : 'ocf',
      provider: agent.provider ?? 'heartbeat',
      type: agent.type,
      params,
    },
    req,
  };
}

/**
 * Runs a graph action on this node's executor (one-shot, or recurring when it has an interval);
 * the result arrives as the executor's `result` event with `tag`; a request the executor cannot
 * take is reported through `fail`.
 */
export function runOnExecutor(
  executor: Executor,
  tag: string,
  a: ExecAction,
  fail: (tag: string, rc: number, opStatus: number, exitReason: string) => void,
  /** Told of each resource registered with the executor (the controller reads its agent's meta-data for digests). */
  registered?: (spec: ReturnType<typeof requestFor>['spec']) => void,
): void {
  const cls = a.detail?.agent?.class;
  if (cls !== undefined && cls !== 'ocf' && cls !== 'stonith') {
    fail(tag, 5, EXEC_STATUS.notInstalled, `resource class ${cls} is not supported by ocfkit's executor (ocf only)`);
    return;
  }
  try {
    const { spec, req } = requestFor(a, tag);
    executor.register(spec);
    registered?.(spec);
    if (req.intervalMs !== undefined) executor.startRecurring(req);
    else executor.run(req).catch((err: Error) => fail(tag, 1, EXEC_STATUS.error, err.message.slice(0, 128)));
  } catch (err) {
    fail(tag, 5, EXEC_STATUS.notInstalled, (err as Error).message.slice(0, 128));
  }
}

/** An executor result as the controller's op outcome. */
export function outcomeOf(r: OpResult): Extract<ControllerEvent, { type: 'op-result' }>['outcome'] {
  return {
    rc: r.rc,
    opStatus: opStatusOf(r.execStatus),
    ...(r.exitReason !== undefined ? { exitReason: r.exitReason } : {}),
    callId: r.callId,
    startedAtMs: r.startedAt,
    execMs: r.durationMs,
    queueMs: r.queueMs,
  };
}

/**
 * Starts the controller of a node: restarts its view of the node (history is re-probed), keeps the
 * CIB status section as it records results, and runs the scheduler on every change.
 *
 * @example
 * const ctl = startController({ store, executor, attrd, nodeName: 'node1', stateDir, log });
 * process.on('SIGTERM', () => ctl.shutdown().then(() => process.exit(0)));
 */
export function startController(deps: ControllerDeps): RunningController {
  const now = deps.now ?? Date.now;
  const peDir = join(deps.stateDir, 'pengine');
  const controller = new Controller(deps.store.model(), {
    node: deps.nodeName,
    peInputSeq: nextPeInputSeq(peDir),
    ...(deps.quorate !== undefined ? { quorate: deps.quorate } : {}),
    ...(deps.keepHistory ? { keepHistory: true } : {}),
  });
  const timers = new Map<string, NodeJS.Timeout>();
  const queue: ControllerEvent[] = [];
  const synced = new Map<string, string>();
  let dispatching = false;
  let closed = false;
  let stopped: (() => void) | undefined;

  // Scheduler inputs still to write: after the actions of their transition went out (a pe-input is
  // a record for replay, not state; exporting and writing the whole CIB first delayed every action).
  const peInputs: Extract<ControllerEffect, { type: 'save-pe-input' }>[] = [];
  let peInputsDue = false;
  const savePeInputs = () => {
    peInputsDue = false;
    for (const e of peInputs.splice(0)) {
      try {
        savePeInput(peDir, e.seq, e.cib, e.now, deps.peInputSeriesMax);
      } catch (err) {
        deps.log.warn(`cannot save pe-input-${e.seq}: ${(err as Error).message}`);
      }
    }
  };

  const dispatch = (ev: ControllerEvent) => {
    if (closed) return;
    queue.push(ev);
    if (dispatching) return;
    dispatching = true;
    try {
      while (queue.length > 0) {
        const next = queue.shift() as ControllerEvent;
        const t0 = performance.now();
        const effects = controller.handle({ ...next, now: now() } as ControllerEvent);
        const t1 = performance.now();
        for (const e of effects) apply(e);
        const computed = effects.find((e) => e.type === 'save-pe-input');
        if (computed)
          deps.log.debug(
            `${next.type} → pe-input-${computed.seq}: handled in ${(t1 - t0).toFixed(1)} ms (scheduler included), effects applied in ${(performance.now() - t1).toFixed(1)} ms`,
          );
      }
    } finally {
      dispatching = false;
    }
    if (peInputs.length > 0 && !peInputsDue) {
      peInputsDue = true;
      setImmediate(savePeInputs);
    }
  };

  const fail = (tag: string, rc: number, opStatus: number, exitReason: string) =>
    setImmediate(() => dispatch({ type: 'op-result', now: now(), tag, outcome: { rc, opStatus, exitReason } }));

  const run = (tag: string, a: ExecAction) => {
    if (deps.remote && a.node !== deps.nodeName) deps.remote.run(tag, a);
    else
      runOnExecutor(deps.executor, tag, a, fail, (spec) => {
        if (spec.class !== 'ocf') return;
        agents.set(spec.id, { provider: spec.provider, type: spec.type });
        void infoFor(spec.id);
      });
  };

  const log = (e: Extract<ControllerEffect, { type: 'log' }>) => {
    if (e.transition !== undefined && e.level !== 'debug') {
      if (e.message.startsWith('result of ')) deps.log.result(e.transition, e.message, e.level === 'warning' || e.level === 'error');
      else deps.log.decision(e.transition, e.message);
      return;
    }
    if (e.level === 'debug') deps.log.debug(e.message);
    else if (e.level === 'warning') deps.log.warn(e.message);
    else if (e.level === 'error') deps.log.error(e.message);
    else deps.log.info(e.message);
  };

  const apply = (e: ControllerEffect) => {
    switch (e.type) {
      case 'run':
        run(e.tag, e.action);
        break;
      case 'fence': {
        if (!deps.fence) {
          fail(e.tag, 1, EXEC_STATUS.noFenceDevice, 'no fencing on a one-node ocfkit engine');
          break;
        }
        const tag = e.tag;
        deps.fence(e.action).then(
          (outcome) => dispatch({ type: 'op-result', now: now(), tag, outcome }),
          (err: Error) =>
            dispatch({ type: 'op-result', now: now(), tag, outcome: { rc: 1, opStatus: EXEC_STATUS.error, exitReason: err.message } }),
        );
        break;
      }
      case 'cancel':
        if (deps.remote && e.node !== deps.nodeName) deps.remote.cancel(e.node, e.rsc, e.task, e.intervalMs);
        else void deps.executor.cancel(e.rsc, e.task, e.intervalMs);
        break;
      case 'write-cib': {
        // As the typed model (no export, re-parse and validation of the whole status per result:
        // with 300 resources on 3 nodes that was ~0.2 s of this thread for every result).
        const id = e.cib.status.find((s) => s.uname === deps.nodeName)?.id ?? deps.nodeName;
        deps.store.writeStatus(
          { ...e.cib, attrs: { ...e.cib.attrs, 'have-quorum': controller.quorate ? '1' : '0', 'dc-uuid': id } },
          ORIGIN,
        );
        break;
      }
      case 'set-timer': {
        clearTimeout(timers.get(e.name));
        const name = e.name;
        const t = setTimeout(
          () => {
            timers.delete(name);
            dispatch({ type: 'timer', now: now(), name });
          },
          Math.max(0, e.atMs - now()),
        );
        timers.set(name, t);
        break;
      }
      case 'clear-timer':
        clearTimeout(timers.get(e.name));
        timers.delete(e.name);
        break;
      case 'log':
        log(e);
        break;
      case 'save-pe-input':
        peInputs.push(e);
        break;
      case 'idle':
        if (e.stopped && stopped) stopped();
        break;
    }
  };

  // Each agent's meta-data, read once (the executor caches it) for the digests of its results.
  const agents = new Map<string, { provider: string; type: string }>();
  const agentInfo = new Map<string, Promise<AgentDigestInfo | undefined>>();
  const infoFor = (rsc: string): Promise<AgentDigestInfo | undefined> | undefined => {
    const a = agents.get(rsc);
    if (!a) return undefined;
    const key = `${a.provider}:${a.type}`;
    let p = agentInfo.get(key);
    if (!p) {
      p = deps.executor.metaData(a.provider, a.type).then(
        (r) => (r.rc === 0 && r.execStatus === 'done' ? agentDigestInfo(r.stdout) : undefined),
        () => undefined,
      );
      agentInfo.set(key, p);
    }
    return p;
  };
  const onResult = (r: OpResult) => {
    const tag = r.tag;
    if (tag === undefined) return;
    const info = infoFor(r.rsc);
    if (!info) {
      dispatch({ type: 'op-result', now: now(), tag, outcome: outcomeOf(r) });
      return;
    }
    void info.then((agentInfo) =>
      dispatch({ type: 'op-result', now: now(), tag, outcome: { ...outcomeOf(r), ...(agentInfo ? { agentInfo } : {}) } }),
    );
  };
  deps.executor.on('result', onResult);
  const unsubscribe = deps.store.subscribe((change) => {
    if (change.origin !== ORIGIN) dispatch({ type: 'cib-changed', now: now(), cib: deps.store.model() });
  });

  /** attrd's committed values → transient attributes (only the names attrd manages). */
  const syncAttributes = (): boolean => {
    const committed = deps.attrd.committed(deps.nodeName);
    let changed = false;
    for (const [name, value] of Object.entries(committed)) {
      if (synced.get(name) === value) continue;
      synced.set(name, value);
      changed = true;
      dispatch({ type: 'attr-changed', now: now(), node: deps.nodeName, name, value });
    }
    for (const name of [...synced.keys()]) {
      if (name in committed) continue;
      synced.delete(name);
      changed = true;
      dispatch({ type: 'attr-changed', now: now(), node: deps.nodeName, name });
    }
    return changed;
  };

  dispatch({ type: 'start', now: now() });
  syncAttributes();

  return {
    controller,
    poke(reason) {
      if (!syncAttributes()) dispatch({ type: 'poke', now: now(), reason });
    },
    shutdown() {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        stopped = resolve;
        dispatch({ type: 'shutdown', now: now() });
      });
    },
    inject(ev) {
      dispatch({ ...ev, now: now() } as ControllerEvent);
    },
    close() {
      closed = true;
      savePeInputs();
      unsubscribe();
      deps.executor.off('result', onResult);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
