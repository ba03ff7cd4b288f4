import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NodeView } from '../protocol/member-node';
import type { Persisted } from '../protocol/messages';
import type { MemberDaemon } from './member-daemon';

/** What the owner gives the membership thread (data only: functions cannot cross threads). */
export interface MemberThreadOptions<C> {
  configDir: string;
  stateDir: string;
  name: string;
  emptyContent: C;
  /** The state of a node that never ran (used only when stateDir holds none). */
  fresh?: Persisted<C>;
}

/** Owner → thread. */
export type ToThread =
  | { t: 'send'; to: string; body: unknown }
  | { t: 'update'; id: string; op: unknown }
  | { t: 'loop'; loop: { p50Ms: number; p99Ms: number; maxMs: number } }
  | { t: 'stop' };

/** Thread → owner, in the order the membership produced them (a view before the deliveries of its batch). */
export type FromThread =
  | { t: 'ready'; links: { index: number; describe: string }[] }
  | { t: 'failed'; message: string }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { t: 'view'; view: Omit<NodeView<unknown>, 'copy'>; copy?: NodeView<unknown>['copy']; changed: string[] }
  | { t: 'backlog'; backlog: Record<string, number> }
  | { t: 'deliver'; from: string; body: unknown }
  | { t: 'updated'; id: string; ok: boolean; error?: string }
  | { t: 'stopped' };

interface MemberThreadHooks {
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  onDeliver?: (from: string, body: unknown) => void;
  onChange?: (what: ReadonlySet<'membership' | 'dc' | 'quorum' | 'cib'>) => void;
}

/**
 * The worker's start: from source (`.ts`, tests and `--import tsx`) the thread registers tsx
 * itself (a worker does not inherit the owner's module hooks); built, it is a plain module.
 */
function workerFor(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry.href)});`;
  const execArgv = process.execArgv.includes('--conditions=source') ? process.execArgv : [...process.execArgv, '--conditions=source'];
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData, execArgv });
}

/**
 * Runs the membership (heartbeats, liveness, election, replication: {@link startMemberDaemon}
 * and its UDP sockets) in a worker thread, as Corosync is its own process: this thread's long
 * synchronous work (a scheduler run, a CIB import, serialising a large status) can no longer
 * delay a heartbeat, so it cannot make this node look dead. `entry` is the worker's module,
 * which calls {@link serveMemberThread} with the update function (functions cannot be passed
 * to a thread). The returned handle is a {@link MemberDaemon}: `view()` and `backlog()` answer
 * from what the thread last reported (it reports every change), `update` resolves when the DC
 * committed it. A failure of the thread is thrown in this one (the daemon stops, as it did when
 * the membership ran here).
 *
 * @example
 * const member = await startMemberThread(new URL('./cluster-member-worker.js', import.meta.url), { configDir, stateDir, name, emptyContent }, { onDeliver });
 */
export function startMemberThread<C, O>(
  entry: URL,
  options: MemberThreadOptions<C>,
  hooks: MemberThreadHooks = {},
): Promise<MemberDaemon<C, O>> {
  const log = hooks.log ?? ((level, msg) => process.stderr.write(`${new Date().toISOString()} ${level}: ${msg}\n`));
  const worker = workerFor(entry, options);
  let view: NodeView<C> | undefined;
  let backlog: Record<string, number> = {};
  let stopped = false;
  let nextId = 0;
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const post = (m: ToThread) => {
    if (!stopped) worker.postMessage(m);
  };
  // This thread's own event-loop delay, for status.json beside the membership thread's.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const loopTimer = setInterval(() => {
    post({
      t: 'loop',
      loop: {
        p50Ms: Math.round(loopDelay.percentile(50) / 1e5) / 10,
        p99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        maxMs: Math.round(loopDelay.max / 1e5) / 10,
      },
    });
  }, 1000);
  loopTimer.unref();
  const rejectAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };

  return new Promise((resolve, reject) => {
    let started = false;
    let stoppedResolve: (() => void) | undefined;
    const handle: MemberDaemon<C, O> = {
      links: [],
      view: () => view as NodeView<C>,
      backlog: (to) => backlog[to] ?? 0,
      send: (to, body) => post({ t: 'send', to, body }),
      update: (op) =>
        new Promise<void>((res, rej) => {
          if (stopped) return rej(new Error('membership stopped'));
          const id = `${options.name}-${process.pid}-${++nextId}`;
          pending.set(id, { resolve: res, reject: rej });
          post({ t: 'update', id, op });
        }),
      async stop() {
        if (stopped) return;
        clearInterval(loopTimer);
        loopDelay.disable();
        const done = new Promise<void>((r) => {
          stoppedResolve = r;
        });
        worker.postMessage({ t: 'stop' } satisfies ToThread);
        stopped = true;
        rejectAll('membership stopped');
        // The sockets are closed once the thread says so; a thread that does not answer is ended.
        await Promise.race([done, new Promise((r) => setTimeout(r, 2000).unref())]);
        await worker.terminate();
      },
    };
    worker.on('message', (m: FromThread) => {
      switch (m.t) {
        case 'ready':
          started = true;
          for (const l of m.links) handle.links.push({ ...l, send: () => {}, close: () => {} });
          resolve(handle);
          break;
        case 'failed':
          stopped = true;
          clearInterval(loopTimer);
          void worker.terminate();
          reject(new Error(m.message));
          break;
        case 'log':
          log(m.level, m.msg);
          break;
        case 'view':
          view = { ...(m.view as Omit<NodeView<C>, 'copy'>), copy: (m.copy ?? view?.copy) as NodeView<C>['copy'] };
          if (started && !stopped && m.changed.length > 0) hooks.onChange?.(new Set(m.changed) as ReadonlySet<'membership'>);
          break;
        case 'backlog':
          backlog = m.backlog;
          break;
        case 'deliver':
          if (!stopped) hooks.onDeliver?.(m.from, m.body);
          break;
        case 'updated': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (m.ok) p?.resolve();
          else p?.reject(new Error(m.error ?? 'update failed'));
          break;
        }
        case 'stopped':
          stoppedResolve?.();
          break;
      }
    });
    worker.on('error', (err) => {
      rejectAll(`membership thread failed: ${err.message}`);
      if (!started) return reject(err);
      if (stopped) return;
      log('error', `membership thread failed: ${err.stack ?? err.message}`);
      // As when the membership ran on this thread: an exception in it stops the daemon.
      process.nextTick(() => {
        throw err;
      });
    });
    worker.on('exit', (code) => {
      if (!started) reject(new Error(`membership thread exited (${code}) before it started (${fileURLToPath(entry)})`));
    });
  });
}
