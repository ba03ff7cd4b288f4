/**
 * The node daemon as a member of a cluster: the thin I/O shell between the membership
 * (engine/src/membership: heartbeats, DC election, replication of the configuration, quorum) and
 * the node's CIB store, executor, attrd and controller (engine/src/crmd).
 *
 * - Every node runs the membership; the replicated document is the CIB without its status. A
 *   configuration write on any node goes to the DC, which applies it and replicates it; each node
 *   takes its DC's copy into its own store (`CibStore.adopt`).
 * - Only the DC runs the controller (scheduler and transitions). Actions for other nodes travel to
 *   their executors as authenticated messages; results come back the same way and land in the DC's
 *   status section, which the DC sends to its members so `ocfkit status` answers the same
 *   everywhere.
 * - Membership feeds the DC's controller: node joined/lost (online/offline, unclean with fencing)
 *   and quorum (`have-quorum`, hence `no-quorum-policy`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatVersion } from '../cib/store-version.js';
import type { NodeState } from '../core/cib-model.js';
import { IncrementalScheduler } from '../core/incremental-schedule.js';
import { unpack } from '../core/unpack.js';
import type { ControllerEvent } from '../crmd/controller.js';
import { outcomeOf, type RunningController, runOnExecutor, startController } from '../crmd/shell.js';
import { fenceForController, fencerConfigFromCib } from '../fencing/controller-bridge.js';
import type { HistoryEntry } from '../fencing/fencer.js';
import { FenceHistoryStore } from '../fencing/history-store.js';
import type { FenceRunner } from '../fencing/runner.js';
import { FencingService } from '../fencing/service.js';
import type { OpResult } from '../lrmd/types.js';
import { loadClusterConfig } from '../membership/config/load.js';
import type { MemberDaemon } from '../membership/transport/member-daemon.js';
import { startMemberThread } from '../membership/transport/member-thread.js';
import { handleAdmin } from './admin-handlers.js';
import type { AdminRequest, AdminResponse } from './admin-protocol.js';
import {
  activeOn,
  type ClusterMsg,
  dcStartStatus,
  isClusterMsg,
  joinedDc,
  type MemberState,
  memberChanges,
  memberStates,
  runsController,
} from './cluster-view.js';
import type { ClusterContent, ClusterWrite, ConfigWrite } from './config-writes.js';
import { contentOf } from './config-writes.js';
import type { Controller, ControllerContext } from './controller.js';
import { fencedNotice, fencedWhileRunning } from './fenced-notice.js';
import { StatusLedger, StatusReplica, statusMsgSize } from './status-sync.js';

/** Thrown inside a status update to leave the store as it was (the message did not fit the copy). */
class NotApplied extends Error {}

/** Whether `configDir` configures a cluster (Heartbeat's ha.cf, or ocfkit's cluster.json). */
export function clusterConfigured(configDir: string): boolean {
  return existsSync(join(configDir, 'ha.cf')) || existsSync(join(configDir, 'cluster.json'));
}

/** The cluster's controller slot, plus what the admin socket needs. */
interface ClusterController extends Controller {
  admin: {
    write(req: ConfigWrite, messages: string[]): Promise<AdminResponse>;
    cleanup(req: Extract<AdminRequest, { op: 'resource' }>): Promise<AdminResponse> | undefined;
  };
}

/** The node daemon's fencing history, in its state directory (`ocfkit status` and `ocfkit fence history` read it). */
export const FENCING_HISTORY_FILE = 'fencing-history.json';
/** Operations per `fence-history` message (a message must fit one UDP datagram). */
const HISTORY_CHUNK = 40;

/** A status section larger than this (several datagrams) goes to a member at most every LARGE_STATUS_GAP_MS. */
const LARGE_STATUS_BYTES = 64 * 1024;
const LARGE_STATUS_GAP_MS = 500;
/** A member that does not acknowledge a status message within this gets a full copy. */
const STATUS_ACK_TIMEOUT_MS = 10_000;
/** How soon a status owed to a member with unacknowledged messages is tried again. */
const STATUS_RETRY_MS = 50;

/** The membership thread's module: beside this one from source, the bundle's own entry when built. */
const MEMBER_WORKER = import.meta.url.endsWith('.ts')
  ? new URL('./cluster-member-worker.ts', import.meta.url)
  : new URL('./member-worker.js', import.meta.url);

/** How long a stopping node waits for the DC to move its resources away. */
const SHUTDOWN_WAIT_MS = 120_000;
/** A member's scheduler warm-up runs this long after it first holds its DC's status (see warmScheduler). */
const SCHEDULER_WARM_DELAY_MS = 1000;

/**
 * Makes the node daemon a cluster member (see the file comment). `ctx.stateDir/membership` holds
 * the membership's state (generation, promised term, the replicated copy; 0600). `fenceRunner`
 * runs this node's fence devices (the executor's stonith ops share it).
 *
 * @example
 * const controller = await startClusterController({ ...context, configDir: '/etc/ha.d', fenceRunner: new FenceRunner() });
 */
export async function startClusterController(
  ctx: ControllerContext & {
    configDir: string;
    fenceRunner: FenceRunner;
    /**
     * The fencing history says this node was fenced while this daemon ran (see fenced-notice.ts):
     * the cluster part has already closed itself (no heartbeats, no votes, no controller).
     */
    onFenced?: (entry: HistoryEntry) => void;
  },
): Promise<ClusterController> {
  const { store, executor, attrd, nodeName } = ctx;
  const startedAt = Date.now();
  const log = ctx.log.child('cluster');
  const { nodes, keepaliveMs, deadtimeMs } = loadClusterConfig(ctx.configDir).config;
  let quorumTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let dcSince: number | null = null;
  let member: MemberDaemon<ClusterContent, ClusterWrite> | undefined;
  let dc: RunningController | undefined;
  let states = new Map<string, MemberState>();
  let quorate: boolean | undefined;
  let adopted = '';
  let lastDc: string | null | undefined;
  // The DC and term this node last joined as a member ('' when not a member).
  let joinedAs = '';
  // Why a new DC's controller has not started yet, as last logged (debug).
  let dcWaiting = '';
  let closed = false;
  let pushTimer: NodeJS.Timeout | undefined;
  const remoteAttrs = new Map<string, Record<string, string>>();
  // Agents whose meta-data this node's executor has read (or is reading) for a later controller,
  // and the probes after which to read it (by tag).
  const metaWarm = new Set<string>();
  const metaAfter = new Map<string, { provider: string; type: string }>();
  // DC: the members' own histories, sent as they joined (see dcStartStatus); waited for at most
  // HISTORY_WAIT_MS from the moment the controller could start.
  const histories = new Map<string, NodeState | null>();
  let historyWaitSince: number | null = null;
  let historyTimer: NodeJS.Timeout | undefined;
  const historyWaitMs = Math.max(2 * keepaliveMs, Math.floor(deadtimeMs / 2));
  const injectedAttrs = new Map<string, Record<string, string>>();
  // The DC's status versions and what each member was sent; a member's copy of its DC's.
  let ledger: StatusLedger | undefined;
  let dcStarts = 0;
  const replica = new StatusReplica();

  const nowS = () => Math.floor(Date.now() / 1000);
  const active = (rsc: string): string[] => {
    const r = unpack(store.model(), nowS()).byId.get(rsc);
    return r ? [...new Set(r.runningOn.map((n) => n.uname))] : [];
  };
  // A shutdown requested before a restart is over (Pacemaker's controller clears it at start too).
  if (attrd.committed(nodeName).shutdown !== undefined) attrd.update('shutdown', null, { node: nodeName });

  const send = (to: string | 'dc', msg: ClusterMsg) => member?.send(to, msg);

  // Fencing: the DC's fencer picks a device and a member to run it (itself included); members run
  // what it sends them and answer. Every node keeps the history on disk (it survives a restart of
  // the daemon); the DC passes each change to its members, a joining node gets the DC's whole
  // history, and a member hands its own to a new DC.
  const fenceHistory = new FenceHistoryStore(join(ctx.stateDir, FENCING_HISTORY_FILE), (l) => log.warn(l));
  const sendHistory = (to: string | 'dc', entries: readonly HistoryEntry[]) => {
    for (let i = 0; i < entries.length; i += HISTORY_CHUNK) send(to, { k: 'fence-history', entries: entries.slice(i, i + HISTORY_CHUNK) });
  };
  const recordHistory = (entries: readonly HistoryEntry[]) => {
    const changed = fenceHistory.merge(entries);
    if (changed.length > 0 && dc && member) for (const n of member.view().members) if (n !== nodeName) sendHistory(n, changed);
    const self = changed.find((e) => fencedWhileRunning(e, nodeName, startedAt));
    if (self && !closed) {
      // fence-reaction=stop: out of the cluster at once, then the daemon stops what runs here and exits
      log.crit(fencedNotice(self));
      close();
      ctx.onFenced?.(self);
    }
  };
  const fencing = new Set<FencingService>();
  const fencerConfig = () => {
    const members = member?.view().members ?? [];
    const { config, errors } = fencerConfigFromCib(store.model(), [], nodeName, members.length > 0 ? members : [nodeName]);
    for (const e of errors) log.warn(`fencing: ${e}`);
    return config;
  };
  const fence = async (action: Parameters<typeof fenceForController>[1]) => {
    const service = new FencingService({
      config: fencerConfig(),
      runner: ctx.fenceRunner,
      transport: { send: (node, exec) => send(node, { k: 'fence-exec', exec }) },
      log: (line) => log.info(`fencing: ${line}`),
      onHistory: (entry) => recordHistory([entry]),
    });
    fencing.add(service);
    try {
      log.warn(`fencing ${action.node} (${action.key})`);
      const outcome = await fenceForController(service, action, nodeName);
      log[outcome.rc === 0 ? 'info' : 'error'](`fencing ${action.node}: ${outcome.rc === 0 ? 'done' : (outcome.exitReason ?? 'failed')}`);
      return outcome;
    } finally {
      fencing.delete(service);
      service.stop();
    }
  };

  /** A member's attributes into the DC's controller (only what changed). */
  const injectAttrs = (node: string) => {
    if (!dc) return;
    const now = remoteAttrs.get(node) ?? {};
    const before = injectedAttrs.get(node) ?? {};
    for (const [name, value] of Object.entries(now))
      if (before[name] !== value) dc.inject({ type: 'attr-changed', now: 0, node, name, value });
    for (const name of Object.keys(before)) if (!(name in now)) dc.inject({ type: 'attr-changed', now: 0, node, name });
    injectedAttrs.set(node, { ...now });
  };

  /**
   * The DC's status section to its members, as differences (status-sync.ts): coalesced (at most
   * one message per tick) and flow controlled. A member gets what changed since the version it
   * acknowledged, once it acknowledged the last message (it acknowledges after applying it: the
   * membership thread acknowledges frames at once, however busy this one is) and everything sent
   * to it before is delivered; a full copy when it joined, when it asks for one, or when no
   * acknowledgement came within STATUS_ACK_TIMEOUT_MS. After a large message (a full copy of
   * hundreds of resources is hundreds of KB, cut into many parts) nothing more for
   * LARGE_STATUS_GAP_MS: the whole section pushed on every result flooded the links (~500 MB in
   * 4 minutes at 300 resources).
   */
  const owed = new Set<string>();
  const nextPushAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  let statusDirty = true;
  const pushStatus = (retry = false) => {
    if (!dc || !member) return;
    if (!retry) for (const n of member.view().members) if (n !== nodeName) owed.add(n);
    if (pushTimer || owed.size === 0) return;
    pushTimer = setTimeout(
      () => {
        pushTimer = undefined;
        if (!dc || !member || !ledger) return;
        const members = new Set(member.view().members);
        const now = performance.now();
        const ready: string[] = [];
        for (const n of [...owed]) {
          if (!members.has(n)) {
            owed.delete(n);
            ledger.forget(n);
            continue;
          }
          if (ledger.awaiting(n) && now - (sentAt.get(n) ?? now) > STATUS_ACK_TIMEOUT_MS) {
            log.warn(`${n} did not acknowledge its status within ${STATUS_ACK_TIMEOUT_MS} ms: sending a full copy`);
            ledger.forget(n);
          }
          if (!ledger.awaiting(n) && member.backlog(n) === 0 && now >= (nextPushAt.get(n) ?? Number.NEGATIVE_INFINITY)) ready.push(n);
        }
        if (ready.length > 0) {
          const root = store.snapshot();
          // Entries are compared only when the status changed since they were last taken.
          if (statusDirty) ledger.record(root.children.find((c) => c.name === 'status') ?? { name: 'status', attrs: {}, children: [] });
          statusDirty = false;
          const attrs = { haveQuorum: root.attrs['have-quorum'] ?? '0', dcUuid: root.attrs['dc-uuid'] ?? '' };
          for (const n of ready) {
            owed.delete(n);
            const msg = ledger.messageFor(n, attrs);
            if (!msg) continue;
            if (statusMsgSize(msg) > LARGE_STATUS_BYTES) nextPushAt.set(n, now + LARGE_STATUS_GAP_MS);
            sentAt.set(n, now);
            send(n, msg);
          }
        }
        if (owed.size > 0) pushStatus(true);
      },
      retry ? STATUS_RETRY_MS : 20,
    );
  };
  const offStore = store.subscribe((c) => {
    statusDirty = true;
    if (dc && !c.configChanged) pushStatus();
  });

  const startDc = (next: Map<string, MemberState>, q: boolean) => {
    const t0 = performance.now();
    // The controller starts from the members' histories as they sent them at the join (nothing
    // restarted, nothing probed again), a member that sent none re-probed, the others lost.
    const start = dcStartStatus(store.model(), next, histories, nodeName);
    const taken = [...next].filter(([n, s]) => s === 'joined' && histories.get(n)).map(([n]) => n);
    const probed = [...next].filter(([n, s]) => s === 'joined' && !histories.get(n)).map(([n]) => n);
    store.writeStatus({ ...start, attrs: { ...start.attrs, 'have-quorum': q ? '1' : '0' } }, 'cluster');
    injectedAttrs.clear();
    ledger = new StatusLedger(`${nodeName}/${startedAt}/${++dcStarts}`);
    statusDirty = true;
    nextPushAt.clear();
    dc = startController({
      store,
      executor,
      attrd,
      nodeName,
      stateDir: ctx.stateDir,
      log: ctx.log.child('controller'),
      quorate: q,
      keepHistory: true,
      fence,
      remote: {
        run: (tag, action) => send(action.node, { k: 'exec', tag, action }),
        cancel: (node, rsc, task, intervalMs) => send(node, { k: 'cancel', rsc, task, intervalMs }),
      },
    });
    states = next;
    quorate = q;
    for (const [n, s] of next)
      if (s === 'joined') {
        injectAttrs(n);
        if (n !== nodeName) sendHistory(n, fenceHistory.entries());
      }
    const since = dcSince === null ? '' : `, ${(t0 - dcSince).toFixed(1)} ms after the election`;
    log.debug(`DC: controller start took ${(performance.now() - t0).toFixed(1)} ms${since}`);
    log.info(
      `this node is the DC: controller started (${[...next].map(([n, s]) => `${n} ${s}`).join(', ') || 'no other node'}, ${q ? 'with' : 'WITHOUT'} quorum; history taken from ${[nodeName, ...taken].join(', ')}${probed.length > 0 ? `, ${probed.join(', ')} probed` : ''})`,
    );
    pushStatus();
  };

  const reconcile = () => {
    if (!member || closed) return;
    const v = member.view();
    // The replicated configuration into this node's store.
    const key = JSON.stringify([v.copy.term, v.copy.version]);
    if (key !== adopted) {
      adopted = key;
      try {
        const t0 = performance.now();
        const change = store.adopt(v.copy.content.xml, 'cluster');
        if (change) log.info(`CIB ${formatVersion(change.version)} taken from the cluster`);
        log.debug(`CIB copy adopted in ${(performance.now() - t0).toFixed(1)} ms`);
      } catch (err) {
        log.error(`the cluster's CIB copy was refused: ${(err as Error).message}`);
      }
    }
    if (v.role !== 'dc') {
      dcSince = null;
      histories.clear();
      historyWaitSince = null;
      clearTimeout(historyTimer);
      historyTimer = undefined;
      clearTimeout(graceTimer);
      graceTimer = undefined;
    } else if (dcSince === null) {
      dcSince = performance.now();
      graceTimer = setTimeout(() => {
        graceTimer = undefined;
        reconcile();
      }, deadtimeMs + 1);
    }
    const dcForMs = dcSince === null ? 0 : performance.now() - dcSince;
    const runs = runsController(v, { running: dc !== undefined, dcForMs, graceMs: deadtimeMs });
    if (v.role === 'dc' && !dc) {
      const waiting = runs ? '' : `phase ${v.phase ?? 'none'}, ${v.quorate ? 'quorate' : 'not quorate'}`;
      if (waiting !== dcWaiting) {
        dcWaiting = waiting;
        if (waiting) log.debug(`DC for ${dcForMs.toFixed(1)} ms: controller waits (${waiting})`);
      }
    } else dcWaiting = '';
    if (runs) {
      const next = memberStates(v, nodes, nodeName);
      if (!dc) {
        // A member's history may still be on its way (it sends it as it joins): wait for it.
        if (historiesReady(next)) startDc(next, v.quorate);
      } else {
        const running = dc;
        for (const c of memberChanges(states, next)) {
          log.info(`node ${c.node} ${c.state}`);
          running.inject({ type: 'member-changed', now: 0, node: c.node, state: c.state });
          injectedAttrs.delete(c.node);
          // A member that joins (again) gets a full status copy.
          ledger?.forget(c.node);
          if (c.state === 'joined') {
            injectAttrs(c.node);
            sendHistory(c.node, fenceHistory.entries());
          }
        }
        states = next;
        if (v.quorate === quorate) {
          clearTimeout(quorumTimer);
          quorumTimer = undefined;
        } else if (v.quorate) setQuorum(true);
        // A loss is acted on when it lasts a keepalive: a late acknowledgement on a busy host
        // must not stop resources (the lease leaves 2 keepalives before another DC can exist).
        else
          quorumTimer ??= setTimeout(() => {
            quorumTimer = undefined;
            if (member && !member.view().quorate) setQuorum(false);
          }, keepaliveMs);
      }
    } else if (dc) {
      clearTimeout(quorumTimer);
      quorumTimer = undefined;
      // Resources keep running where they are; the next DC probes them.
      dc.close();
      dc = undefined;
      ledger = undefined;
      log.info(`no longer the DC's controller (role ${v.role}${v.dc ? `, DC ${v.dc}` : ''}): controller stopped, resources left running`);
    }
    // Joining a DC (a new one, or the same one in a new term after it re-termed: what was sent in
    // the old term never reached its controller), a member hands it its history, attributes and
    // fencing history.
    const join = joinedDc(v);
    if (join !== joinedAs) {
      joinedAs = join;
      if (join !== '') {
        log.debug(`joined DC ${v.dc} (term ${v.term?.n ?? '?'}): sending this node's history`);
        sendNodeHistory();
        sendAttrs();
        sendHistory('dc', fenceHistory.entries());
      }
    }
    if (v.dc !== lastDc) {
      lastDc = v.dc;
      replica.reset();
      if (v.dc === null)
        store.updateStatus((_s, attrs) => {
          attrs['have-quorum'] = '0';
          delete attrs['dc-uuid'];
        }, 'cluster');
    }
  };

  const setQuorum = (q: boolean) => {
    clearTimeout(quorumTimer);
    quorumTimer = undefined;
    if (!dc || q === quorate) return;
    quorate = q;
    log.info(`quorum ${q ? 'gained' : 'lost'}`);
    dc.inject({ type: 'quorum-changed', now: 0, quorate: q });
  };

  /** Whether every joined member's history is here, or the wait for the others is over. */
  const historiesReady = (next: Map<string, MemberState>): boolean => {
    const missing = [...next].filter(([n, s]) => s === 'joined' && !histories.has(n)).map(([n]) => n);
    if (missing.length === 0) return true;
    if (historyWaitSince === null) log.debug(`DC: waiting up to ${historyWaitMs} ms for the history of ${missing.join(', ')}`);
    historyWaitSince ??= performance.now();
    const left = historyWaitSince + historyWaitMs - performance.now();
    if (left <= 0) {
      log.warn(`no history from ${missing.join(', ')} within ${historyWaitMs} ms: probing them`);
      return true;
    }
    historyTimer ??= setTimeout(() => {
      historyTimer = undefined;
      reconcile();
    }, left + 1);
    return false;
  };

  /**
   * Once per daemon, when a member first holds its DC's status: one scheduler run on that CIB,
   * its result dropped, off the failover's path. The first run in a process compiles the
   * scheduler's code (lazily, function by function), and a member that becomes DC ran it first
   * on the failover's path (22–28 ms of CPU cold against 5–6 ms warm, on the rig's inputs).
   */
  let warmed = false;
  let warmTimer: NodeJS.Timeout | undefined;
  const warmScheduler = () => {
    if (warmed) return;
    warmed = true;
    warmTimer = setTimeout(() => {
      warmTimer = undefined;
      if (closed || dc) return;
      const t0 = performance.now();
      try {
        const graph = new IncrementalScheduler(store.model()).schedule(nowS()).graph;
        log.debug(`scheduler warmed in ${(performance.now() - t0).toFixed(1)} ms (${graph.actions.length} actions, not run)`);
      } catch (err) {
        log.debug(`scheduler warm-up failed: ${(err as Error).message}`);
      }
    }, SCHEDULER_WARM_DELAY_MS);
  };

  /** To a new DC: this node's own history as its previous DC last recorded it (none after a restart). */
  const sendNodeHistory = () => {
    const own = store.model().status.find((s) => s.uname === nodeName);
    send('dc', { k: 'history', state: own && own.lrm.length > 0 ? own : null });
  };

  const sendAttrs = () => send('dc', { k: 'attrs', values: attrd.committed(nodeName) });

  const reportResult = (tag: string, outcome: Extract<ControllerEvent, { type: 'op-result' }>['outcome']) => {
    if (dc) dc.inject({ type: 'op-result', now: 0, tag, outcome });
    else send('dc', { k: 'result', tag, outcome });
  };

  const deliver = (from: string, body: unknown) => {
    if (closed || !isClusterMsg(body)) return;
    switch (body.k) {
      case 'exec': {
        const probe = body.action.task === 'monitor' && body.action.intervalMs === 0;
        log.debug(`${body.action.key} from ${from}: to the executor`);
        runOnExecutor(
          executor,
          body.tag,
          body.action,
          (tag, rc, opStatus, exitReason) => setImmediate(() => reportResult(tag, { rc, opStatus, exitReason })),
          (spec) => {
            if (probe && spec.class !== 'stonith' && !metaWarm.has(`${spec.provider}:${spec.type}`)) metaAfter.set(body.tag, spec);
          },
        );
        break;
      }
      case 'cancel':
        void executor.cancel(body.rsc, body.task, body.intervalMs);
        break;
      case 'status': {
        if (dc) break;
        let outcome = 'stale' as ReturnType<StatusReplica['accept']>;
        try {
          store.updateStatus((s, attrs) => {
            outcome = replica.accept(body, s);
            if (outcome !== 'applied') throw new NotApplied();
            attrs['have-quorum'] = body.haveQuorum;
            if (body.dcUuid) attrs['dc-uuid'] = body.dcUuid;
            else delete attrs['dc-uuid'];
          }, 'cluster');
        } catch (err) {
          if (!(err instanceof NotApplied)) {
            // Applied to the copy but refused by the store: start again from a full copy.
            replica.reset();
            log.warn(`status from DC ${from} refused: ${(err as Error).message}`);
          }
        }
        if (outcome === 'resync') send('dc', { k: 'status-resync' });
        else if (outcome === 'applied') {
          send('dc', { k: 'status-ack', src: body.src, v: body.v });
          warmScheduler();
        }
        break;
      }
      case 'status-ack':
        // The member may be owed more since (changes while it was applying this one).
        if (ledger?.ack(from, body.src, body.v)) pushStatus();
        break;
      case 'status-resync':
        if (!dc || !ledger) break;
        log.info(`${from} asks for a full status copy`);
        ledger.forget(from);
        pushStatus();
        break;
      case 'result':
        dc?.inject({ type: 'op-result', now: 0, tag: body.tag, outcome: body.outcome });
        break;
      case 'history':
        if (member?.view().role !== 'dc' || dc) {
          log.debug(`history from ${from} ignored (${dc ? 'the controller runs already' : 'not the DC'})`);
          break;
        }
        log.debug(
          `history from ${from} (${body.state ? `${body.state.lrm.length} resources` : 'none'})${historyWaitSince === null ? '' : `, ${(performance.now() - historyWaitSince).toFixed(1)} ms into the wait`}`,
        );
        histories.set(from, body.state);
        reconcile();
        break;
      case 'attrs':
        remoteAttrs.set(from, body.values);
        injectAttrs(from);
        break;
      case 'fence-exec': {
        const service = new FencingService({ config: fencerConfig(), runner: ctx.fenceRunner });
        void service
          .runExec(body.exec)
          .catch((err: Error) => ({
            op: body.exec.op,
            attempt: body.exec.attempt,
            from: nodeName,
            ok: false,
            eligible: false,
            reason: err.message,
          }))
          .then((result) => {
            service.stop();
            send('dc', { k: 'fence-result', result });
          });
        break;
      }
      case 'fence-result':
        for (const s of fencing) s.deliver(body.result);
        break;
      case 'fence-history':
        if (Array.isArray(body.entries)) recordHistory(body.entries);
        break;
      case 'admin':
        if (dc) {
          try {
            handleAdmin({ store, attrd, nodeName, controller: 'crmd', poke: (r) => dc?.poke(r) }, body.req);
          } catch (err) {
            log.warn(`${body.req.action} ${body.req.rsc} from ${from} failed: ${(err as Error).message}`);
          }
        }
        break;
    }
  };

  // Results of the actions this node runs for the DC (the DC's own controller listens itself).
  const onResult = (r: OpResult) => {
    if (!dc && r.tag !== undefined) send('dc', { k: 'result', tag: r.tag, outcome: outcomeOf(r) });
    // After a member's probe of an agent, its meta-data into the executor's cache: a controller
    // this node runs later (it becomes the DC when the DC dies) reads it for the digests of its
    // results and would otherwise start the agent once more for it during a failover, beside the
    // start, whose result waits for it (engine/src/crmd/shell.ts).
    const spec = r.tag === undefined ? undefined : metaAfter.get(r.tag);
    if (spec && r.tag !== undefined) {
      metaAfter.delete(r.tag);
      const key = `${spec.provider}:${spec.type}`;
      if (!metaWarm.has(key)) {
        metaWarm.add(key);
        void executor.metaData(spec.provider, spec.type).catch(() => metaWarm.delete(key));
      }
    }
  };
  executor.on('result', onResult);

  // The membership runs on its own thread (heartbeats never wait for this one's scheduler runs).
  const v = store.version;
  member = await startMemberThread<ClusterContent, ClusterWrite>(
    MEMBER_WORKER,
    {
      configDir: ctx.configDir,
      stateDir: join(ctx.stateDir, 'membership'),
      name: nodeName,
      emptyContent: contentOf(store.snapshot()),
      // A node that never ran offers its own CIB, with its versions: the join picks the newest.
      fresh: {
        generation: 0,
        promised: null,
        copy: { term: null, version: { adminEpoch: v.adminEpoch, epoch: v.epoch, numUpdates: 0 }, content: contentOf(store.snapshot()) },
      },
    },
    {
      log: (level, msg) => (level === 'warn' ? log.warn(msg) : level === 'error' ? log.error(msg) : log.info(msg)),
      onChange: () => reconcile(),
      onDeliver: deliver,
    },
  );
  // told it was fenced while the membership was starting (close() found no member to stop)
  if (closed) void member.stop();
  reconcile();

  // a declaration: recordHistory() may close the cluster part before this line is reached
  function close() {
    if (closed) return;
    closed = true;
    clearTimeout(pushTimer);
    clearTimeout(quorumTimer);
    clearTimeout(graceTimer);
    clearTimeout(historyTimer);
    clearTimeout(warmTimer);
    offStore();
    executor.off('result', onResult);
    dc?.close();
    dc = undefined;
    for (const s of fencing) s.stop();
    void member?.stop();
  }

  return {
    poke(reason) {
      if (dc) dc.poke(reason);
      else if (member?.view().role === 'member') sendAttrs();
      else log.debug(`not the DC: ${reason}`);
    },
    async shutdown() {
      if (closed) return;
      // Pacemaker's way: the `shutdown` node attribute; the DC moves this node's resources away.
      attrd.update('shutdown', String(nowS()), { node: nodeName });
      const t0 = Date.now();
      for (;;) {
        const left = activeOn(store.model(), nodeName, nowS());
        if (left.length === 0) break;
        if (!member || member.view().dc === null) {
          log.warn(`stopping without a DC: ${left.join(', ')} left as they are`);
          break;
        }
        if (Date.now() - t0 > SHUTDOWN_WAIT_MS) {
          log.warn(`the DC did not stop ${left.join(', ')} within ${SHUTDOWN_WAIT_MS / 1000} s: leaving`);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      close();
    },
    close,
    admin: {
      async write(req, messages) {
        if (!member) throw new Error('the cluster membership is not running');
        const rsc = req.op === 'resource' ? req.rsc : undefined;
        await member.update({ req, active: rsc ? { [rsc]: active(rsc) } : {}, origin: nodeName });
        return { ok: true, changed: true, messages, version: formatVersion(store.version) };
      },
      cleanup(req) {
        if (dc || !member) return undefined;
        if (member.view().role !== 'member')
          return Promise.resolve({ ok: false, error: 'no DC: this node is not a member of a partition' });
        send('dc', { k: 'admin', req });
        return Promise.resolve({
          ok: true,
          messages: [`Cleanup of ${req.rsc} sent to the DC ${member.view().dc}`],
          version: formatVersion(store.version),
        });
      },
    },
  };
}
