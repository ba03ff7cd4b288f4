import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadClusterConfig } from '../config/load';
import { MemberNode, type NodeView } from '../protocol/member-node';
import type { Effect, Persisted } from '../protocol/messages';
import type { ApplyUpdate, NoQuorumPolicy } from '../protocol/options';
import { hmacCodec, MAX_FRAME } from './hmac-codec';
import { readPersisted, writeJsonAtomic } from './state-file';
import { type Link, openLinks } from './udp-links';

export interface MemberDaemonOptions<C, O> {
  /** Where ha.cf + authkeys (or cluster.json) are. */
  configDir: string;
  /** Where the node keeps membership.json (generation, promise, CIB copy) and status.json. */
  stateDir: string;
  /** This node's name, as in ha.cf's node lines. */
  name: string;
  emptyContent: C;
  apply: ApplyUpdate<C, O>;
  resources?: string[];
  fencing?: boolean;
  noQuorumPolicy?: NoQuorumPolicy;
  /** Runs a resource op of the built-in placement; resolves to success. */
  runOp?: (rsc: string, action: 'start' | 'stop') => Promise<boolean>;
  /** Fences a node (resolves to success). */
  fence?: (target: string) => Promise<boolean>;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** The state of a node that never ran (default: generation 0, an empty copy of `emptyContent`). */
  fresh?: () => Persisted<C>;
  /** An application message from this node's DC, or (on a DC) from a member. */
  onDeliver?: (from: string, body: unknown) => void;
  /** Called after every batch of effects that changed membership, the DC, quorum or the CIB copy. */
  onChange?: (what: ReadonlySet<'membership' | 'dc' | 'quorum' | 'cib'>) => void;
  /** Called after every batch of effects (a frame, a timer, a send), changed or not. */
  onStep?: () => void;
  /** More fields for status.json (the member thread adds its owner's event-loop delay). */
  statusExtra?: () => Record<string, unknown>;
}

/** A running member: its view, CIB updates through the DC, and stop. */
export interface MemberDaemon<C, O> {
  view(): NodeView<C>;
  update(op: O): Promise<void>;
  /** Sends an application message: to a member (from a DC), or to the DC (`'dc'`, from a member). */
  send(to: string | 'dc', body: unknown): void;
  /** Messages to node `to` not yet acknowledged. */
  backlog(to: string): number;
  links: Link[];
  stop(): Promise<void>;
}

/**
 * The thin shell around {@link MemberNode}: loads the configuration (refusing a bad one with
 * file:line), the persisted state, opens the UDP links, and performs the state machine's effects
 * (datagrams, one timer, atomic persistence, ops, fencing, status.json on every change). Time is
 * the monotonic clock.
 *
 * @example
 * const d = await startMemberDaemon({ configDir: '/etc/ha.d', stateDir: '/var/lib/ocfkit', name: 'srv01', emptyContent: {}, apply });
 */
export async function startMemberDaemon<C, O>(o: MemberDaemonOptions<C, O>): Promise<MemberDaemon<C, O>> {
  const log = o.log ?? ((level, msg) => process.stderr.write(`${new Date().toISOString()} ${level}: ${msg}\n`));
  const loaded = loadClusterConfig(o.configDir);
  for (const w of loaded.warnings) log('warn', `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
  const cfg = loaded.config;
  if (!cfg.nodes.includes(o.name))
    throw new Error(`node name "${o.name}" is not in the configuration's node list (${cfg.nodes.join(', ')})`);
  const stateFile = join(o.stateDir, 'membership.json');
  const statusFile = join(o.stateDir, 'status.json');
  const persisted: Persisted<C> = readPersisted<C>(stateFile) ?? (o.fresh ? o.fresh() : MemberNode.fresh(o.emptyContent));
  const t0 = performance.now();
  const clock = () => Math.round(performance.now() - t0);
  let node: MemberNode<C, O> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastStatus = '';
  let lastCopy: unknown;
  let lastStatusAt = 0;
  let lastSendErrorAt = Number.NEGATIVE_INFINITY;
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const io = { framesSent: 0, bytesSent: 0, framesReceived: 0 };
  // How long this process's event loop was blocked (heartbeats wait behind whatever blocks it):
  // since the start, in status.json beside the heartbeats' gaps as received.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const loop = () => ({
    p50Ms: Math.round(loopDelay.percentile(50) / 1e5) / 10,
    p99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    maxMs: Math.round(loopDelay.max / 1e5) / 10,
  });
  const linksCount = new Set(cfg.media.map((m) => (m.kind === 'ucast' ? `ucast ${m.interface}` : JSON.stringify(m)))).size;

  const perform = (effects: Effect<C>[]) => {
    const changed = new Set<'membership' | 'dc' | 'quorum' | 'cib'>();
    const delivered: { from: string; body: unknown }[] = [];
    for (const e of effects) {
      switch (e.type) {
        case 'send':
          if ((e.wire as Buffer).length > MAX_FRAME) {
            log(
              'error',
              `dropped a frame of ${(e.wire as Buffer).length} bytes: more than a UDP datagram carries (${MAX_FRAME}); the replicated document is too large`,
            );
            break;
          }
          io.framesSent++;
          io.bytesSent += (e.wire as Buffer).length;
          if (e.link === 'all') for (const l of links) l.send(e.wire as Buffer);
          else links[e.link]?.send(e.wire as Buffer);
          break;
        case 'persist':
          writeJsonAtomic(stateFile, e.state);
          break;
        case 'wake':
          if (timer) clearTimeout(timer);
          if (!stopped) timer = setTimeout(() => step({ type: 'wake', now: clock() }), Math.max(0, e.at - clock()));
          break;
        case 'log':
          log(e.level, e.msg);
          break;
        case 'updated': {
          const p = pending.get(e.id);
          pending.delete(e.id);
          if (e.ok) p?.resolve();
          else p?.reject(new Error(e.error ?? 'update failed'));
          break;
        }
        case 'runOp':
          void (o.runOp ?? (async () => true))(e.rsc, e.action).then(
            (ok) => step({ type: 'opDone', now: clock(), rsc: e.rsc, action: e.action, ok }),
            () => step({ type: 'opDone', now: clock(), rsc: e.rsc, action: e.action, ok: false }),
          );
          break;
        case 'fence':
          void (o.fence ?? (async () => false))(e.target).then(
            (ok) => step({ type: 'fenced', now: clock(), target: e.target, ok }),
            () => step({ type: 'fenced', now: clock(), target: e.target, ok: false }),
          );
          break;
        case 'changed':
          changed.add(e.what);
          break;
        case 'deliver':
          delivered.push(e);
          break;
      }
    }
    // Compared without the copy (which may be large, and changes only with a new object) and the
    // drop counters (a flood of forged frames must not turn into a flood of writes: they are
    // written with the next change, or within a second).
    const { copy, ...view } = node!.view(clock());
    const { drops: _drops, ...rest } = view;
    const status = JSON.stringify(rest);
    if (status !== lastStatus || copy !== lastCopy || clock() - lastStatusAt > 1000) {
      // Quorum also changes with time alone (a lease running out): the view tells.
      if (status !== lastStatus) changed.add('quorum');
      lastStatus = status;
      lastCopy = copy;
      lastStatusAt = clock();
      writeJsonAtomic(
        statusFile,
        { ...view, copy, io, loop: loop(), heartbeats: node!.heartbeats, pid: process.pid, ...o.statusExtra?.() },
        { fsync: false },
      );
    }
    if (changed.size > 0) o.onChange?.(changed);
    for (const d of delivered) o.onDeliver?.(d.from, d.body);
    o.onStep?.();
  };
  const step = (ev: Parameters<MemberNode<C, O>['step']>[0]) => {
    if (!stopped && node) perform(node.step(ev));
  };

  const links = await openLinks(
    cfg.media,
    cfg.udpport,
    (link, buf) => {
      io.framesReceived++;
      step({ type: 'wire', now: clock(), link, wire: buf });
    },
    (link, err) => {
      const now = clock();
      if (now - lastSendErrorAt > 10_000) log('warn', `link ${link}: ${err.message}`);
      lastSendErrorAt = now;
    },
  );
  for (const l of links) log('info', `link ${l.index}: ${l.describe}`);
  node = new MemberNode<C, O>(
    {
      name: o.name,
      nodes: cfg.nodes,
      links: linksCount,
      keepaliveMs: cfg.keepaliveMs,
      deadtimeMs: cfg.deadtimeMs,
      warntimeMs: cfg.warntimeMs,
      initdeadMs: cfg.initdeadMs,
      quorum: cfg.quorum,
      codec: hmacCodec<C, O>(loaded.auth),
      apply: o.apply,
      ...(o.resources ? { resources: o.resources } : {}),
      fencing: o.fencing ?? false,
      noQuorumPolicy: o.noQuorumPolicy ?? 'stop',
    },
    persisted,
    clock(),
  );
  perform(node.start(clock()));
  return {
    links,
    view: () => node!.view(clock()),
    send: (to, body) => step({ type: 'app', now: clock(), to, body }),
    backlog: (to) => node?.backlog(to) ?? 0,
    update: (op) =>
      new Promise<void>((resolve, reject) => {
        const id = `${o.name}-${process.pid}-${++nextId}`;
        pending.set(id, { resolve, reject });
        step({ type: 'update', now: clock(), id, op });
      }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      loopDelay.disable();
      for (const l of links) l.close();
      for (const p of pending.values()) p.reject(new Error('membership stopped'));
    },
  };
}
