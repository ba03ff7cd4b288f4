import { MemberNode } from '../membership/protocol/member-node';
import type { Codec, Effect, Frame, Persisted } from '../membership/protocol/messages';
import type { NoQuorumPolicy } from '../membership/protocol/options';
import { formatKey, sameKey } from '../membership/protocol/term';
import { EventHeap } from './heap';
import { Rng } from './rng';

/** The replicated document of the simulation: the ids of the updates applied, in order. */
type Content = readonly string[];
type Op = { id: string };

/** One simulation: cluster shape, timings, network faults, workload. Times in simulated ms. */
export interface SimOptions {
  seed: number;
  nodes: number;
  links: number;
  keepaliveMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  /** How long faults are injected; then the network heals, every node boots, and the cluster settles. */
  durationMs: number;
  settleMs?: number;
  loss: number;
  duplicate: number;
  delayMs: [number, number];
  /** Mean time between faults (partitions, heals, kills, restarts, forged and replayed frames). */
  faultEveryMs: number;
  fencing: boolean;
  twoNode: boolean;
  noQuorumPolicy: NoQuorumPolicy;
  updateEveryMs: number;
  resources: number;
  /** Record every event (a failing seed is re-run with this on to print its trace). */
  trace?: boolean;
  /** Nodes that do not boot at the start (scripted scenarios boot them later). */
  down?: readonly string[];
  /** Overrides the quorum lease (tests show what a wrong one breaks). */
  leaseMs?: number;
  /** Cut channel messages larger than this into parts (the real limit is a datagram; small values exercise the parts under faults). */
  maxMessageBytes?: number;
}

export const DEFAULT_SIM: Omit<SimOptions, 'seed'> = {
  nodes: 3,
  links: 2,
  keepaliveMs: 1000,
  deadtimeMs: 5000,
  initdeadMs: 10_000,
  durationMs: 10 * 60_000,
  loss: 0.05,
  duplicate: 0.02,
  delayMs: [1, 40],
  faultEveryMs: 20_000,
  fencing: true,
  twoNode: false,
  noQuorumPolicy: 'stop',
  updateEveryMs: 5000,
  resources: 2,
};

/** What one seed's run gives: its verdict, the first failure, the trace (when asked for) and counters. */
export interface SimResult {
  seed: number;
  ok: boolean;
  failure?: string;
  trace: string[];
  stats: {
    events: number;
    simulatedMs: number;
    frames: number;
    committed: number;
    dcChanges: number;
    faults: number;
    forgedDropped: number;
    replayDropped: number;
    /** Frames carrying a part of a cut message. */
    fragments: number;
  };
}

type EvKind = 'wire' | 'wake' | 'boot' | 'fault' | 'update' | 'opDone' | 'fenced';

/**
 * One simulator event. Every kind has the same shape (fields a kind does not use are empty), so
 * the heap's and the loop's property reads stay monomorphic, and events are recycled through a
 * free list: a run allocates no event objects once the pool is warm (an event per frame was the
 * largest share of the garbage).
 */
class Ev {
  at = 0;
  seq = 0;
  kind: EvKind = 'fault';
  /** The node the event happens to (null for faults). */
  node: SimNode | null = null;
  gen = 0;
  link = 0;
  wire: unknown = null;
  desc = '';
  rsc = '';
  action: 'start' | 'stop' = 'start';
  target = '';
}

interface SimNode {
  name: string;
  /** Position in the node list (the network's partition groups are indexed by it). */
  i: number;
  up: boolean;
  m: MemberNode<Content, Op> | null;
  disk: Persisted<Content>;
  wakeAt: number;
  gen: number;
}

/** Whether `longer` is `shorter` with more elements after it (null: never checked). */
function extends_(longer: Content, shorter: Content | null): boolean {
  if (shorter === null || longer.length < shorter.length) return false;
  for (let i = 0; i < shorter.length; i++) if (longer[i] !== shorter[i]) return false;
  return true;
}

/** The key every simulated node holds; frames sealed with another one are forgeries. */
const CLUSTER_KEY = 'cluster-key';

/** A frame sealed with a key other than the cluster's (a forgery): what a node with the wrong authkeys sends. */
class Sealed {
  constructor(
    readonly f: Frame<Content, Op>,
    readonly k: string,
  ) {}
}

/**
 * The simulator's codec (HMAC is the transport's job): a frame sealed with the cluster key passes
 * as the frame object itself (no wrapper per frame), one sealed with another key as a {@link Sealed};
 * a node opens only what was sealed with its own key.
 */
function simCodec(key: string): Codec<Content, Op> {
  return {
    seal: (f) => (key === CLUSTER_KEY ? f : new Sealed(f, key)),
    open: (w) => {
      if (w instanceof Sealed) return w.k === key ? w.f : null;
      return key === CLUSTER_KEY && w !== null && typeof w === 'object' ? (w as Frame<Content, Op>) : null;
    },
  };
}

/**
 * Runs N {@link MemberNode}s in one process on a virtual clock and a virtual network that drops,
 * delays, duplicates, reorders and partitions frames, restarts nodes (they keep only what they
 * persisted), injects forged and replayed frames, all from one seed. Invariants are checked after
 * every event; at the end the network heals and the cluster must converge.
 *
 * @example
 * const r = simulate({ ...DEFAULT_SIM, seed: 7 });
 * if (!r.ok) console.log(r.failure, r.trace.slice(-50).join('\n'));
 */
export function simulate(opts: SimOptions): SimResult {
  const sim = createSim(opts, true);
  sim.runUntil(opts.durationMs);
  sim.healAll();
  const settled = opts.durationMs + (opts.settleMs ?? opts.initdeadMs + 6 * opts.deadtimeMs + 10 * opts.keepaliveMs);
  sim.runUntil(settled);
  // The healed network still loses 5% of frames: a member that misses two of its DC's beats in a
  // row loses quorum (its lease) and stops its resources until the next beat restores them. That
  // is the protocol's (conservative) rule, not a failure to converge: the checks must hold at some
  // moment within two more deadtimes, looked at every keepalive/10; a cluster that keeps flapping fails.
  for (const until = settled + 2 * opts.deadtimeMs; !sim.failure && sim.divergence() !== undefined && sim.now < until; )
    sim.run(Math.max(1, Math.floor(opts.keepaliveMs / 10)));
  if (!sim.failure) sim.checkConverged();
  return sim.result();
}

/**
 * Creates a simulated cluster; with `random` it injects faults and client updates from the seed
 * until `durationMs`, otherwise the caller scripts them (`kill`, `partition`, `update`...).
 *
 * @example
 * const sim = createSim({ ...DEFAULT_SIM, seed: 1, loss: 0 });
 * sim.runUntil(20_000); sim.dc() // 'n1'
 */
export function createSim(opts: SimOptions, random = false) {
  const rng = new Rng(opts.seed);
  const names = Array.from({ length: opts.nodes }, (_, i) => `n${i + 1}`);
  const resources = Array.from({ length: opts.resources }, (_, i) => `r${i + 1}`);
  const heap = new EventHeap<Ev>();
  let seq = 0;
  let now = 0;
  const trace: string[] = [];
  const log = opts.trace ? (s: string) => trace.push(`${String(now).padStart(8)} ${s}`) : () => {};
  const pool: Ev[] = [];
  /** Queues an event (recycled from the pool); the fields after `gen` only for the kinds that use them. */
  const push = (at: number, kind: EvKind, node: SimNode | null, gen = 0): Ev => {
    const e = pool.pop() ?? new Ev();
    e.at = at;
    e.seq = seq++;
    e.kind = kind;
    e.node = node;
    e.gen = gen;
    heap.push(e);
    return e;
  };
  const recycle = (e: Ev) => {
    e.node = null;
    e.wire = null;
    e.link = 0;
    e.desc = '';
    e.rsc = '';
    e.target = '';
    pool.push(e);
  };
  const stats: SimResult['stats'] = {
    events: 0,
    simulatedMs: 0,
    frames: 0,
    committed: 0,
    dcChanges: 0,
    faults: 0,
    forgedDropped: 0,
    fragments: 0,
    replayDropped: 0,
  };
  const list: SimNode[] = names.map((n, i) => ({ name: n, i, up: false, m: null, disk: MemberNode.fresh<Content>([]), wakeAt: 0, gen: 0 }));
  const nodes = new Map<string, SimNode>(list.map((n) => [n.name, n]));
  // group[link][node index]: nodes talk on a link only inside the same group.
  const group: Uint8Array[] = Array.from({ length: opts.links }, () => new Uint8Array(names.length));
  const setGroups = (links: readonly number[], side: (name: string) => boolean) => {
    for (const l of links) for (const x of list) group[l]![x.i] = side(x.name) ? 1 : 0;
  };
  const allLinks = group.map((_, i) => i);
  const active = new Map<string, Set<string>>(resources.map((r) => [r, new Set()]));
  const committed = new Map<string, number>();
  /** The committed updates' ids in the order they were first committed (the keys of `committed`, indexable). */
  const commitOrder: string[] = [];
  const pendingUpdates = new Set<string>();
  const captured: { link: number; to: string; wire: unknown }[] = [];
  let updateNo = 0;
  let lastDc = '';
  let failure: string | undefined;
  const fail = (why: string) => {
    failure ??= `t=${now}: ${why}`;
  };

  const boot = (n: SimNode) => {
    n.up = true;
    n.gen = n.disk.generation + 1;
    n.m = new MemberNode<Content, Op>(
      {
        name: n.name,
        nodes: names,
        links: opts.links,
        keepaliveMs: opts.keepaliveMs,
        deadtimeMs: opts.deadtimeMs,
        warntimeMs: Math.floor(opts.deadtimeMs / 2),
        initdeadMs: opts.initdeadMs,
        quorum: { votes: {}, twoNode: opts.twoNode, waitForAll: opts.twoNode },
        codec: simCodec('cluster-key'),
        apply: (c, op) => ({ ok: true, content: [...c, op.id] }),
        resources,
        fencing: opts.fencing,
        noQuorumPolicy: opts.noQuorumPolicy,
        ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
        ...(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {}),
      },
      n.disk,
      now,
    );
    log(`${n.name} boots (generation ${n.gen}, CIB ${formatKey(n.disk.copy)})`);
    perform(n, n.m.start(now));
  };

  const crash = (n: SimNode, why: string) => {
    if (!n.up) return;
    n.up = false;
    n.m = null;
    for (const holders of active.values()) holders.delete(n.name);
    log(`${n.name} ${why}`);
  };

  const deliver = (from: SimNode, link: number, target: SimNode, wire: unknown, desc: string) => {
    const g = group[link]!;
    if (!target.up || g[from.i] !== g[target.i] || rng.chance(opts.loss)) return;
    const copies = rng.chance(opts.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const e = push(now + rng.int(opts.delayMs[0], opts.delayMs[1]), 'wire', target, target.gen);
      e.link = link;
      e.wire = wire;
      e.desc = desc;
      stats.frames++;
    }
    if (opts.maxMessageBytes !== undefined) {
      const body = (wire as Frame<Content, Op>).body;
      if (body.t === 'data' && body.msg.t === 'frag') stats.fragments++;
    }
    if (captured.length < 64 || rng.chance(0.01))
      captured[captured.length < 64 ? captured.length : rng.int(0, 63)] = { link, to: target.name, wire };
  };

  const perform = (n: SimNode, effects: Effect<Content>[]) => {
    // Most frames have no effects (MemberNode returns one shared, frozen empty array for them).
    if (effects.length === 0) return;
    for (const e of effects) {
      switch (e.type) {
        case 'persist':
          n.disk = e.state;
          break;
        case 'send': {
          let desc = '';
          if (opts.trace) {
            const f = e.wire as Frame<Content, Op>;
            desc = `${f.from}#${f.seq} ${f.body.t === 'data' ? f.body.msg.t : f.body.t}`;
          }
          const first = e.link === 'all' ? 0 : e.link;
          const last = e.link === 'all' ? opts.links - 1 : e.link;
          const to = e.to === null ? null : nodes.get(e.to);
          for (let l = first; l <= last; l++) {
            if (to) deliver(n, l, to, e.wire, desc);
            else if (e.to === null) for (const t of list) if (t !== n) deliver(n, l, t, e.wire, desc);
          }
          break;
        }
        case 'wake':
          if (e.at !== n.wakeAt) {
            n.wakeAt = e.at;
            push(e.at, 'wake', n, n.gen);
          }
          break;
        case 'log':
          log(e.msg);
          break;
        case 'updated':
          pendingUpdates.delete(e.id);
          if (e.ok) {
            if (!committed.has(e.id)) commitOrder.push(e.id);
            committed.set(e.id, now);
            stats.committed++;
          }
          if (opts.trace) log(`${n.name}: update ${e.id} ${e.ok ? 'committed' : `failed: ${e.error}`}`);
          break;
        case 'runOp': {
          if (e.action === 'start') {
            active.get(e.rsc)!.add(n.name);
            activeChanged = true;
          }
          const ev = push(now + rng.int(50, 500), 'opDone', n, n.gen);
          ev.rsc = e.rsc;
          ev.action = e.action;
          break;
        }
        case 'fence':
          push(now + rng.int(100, 1000), 'fenced', n, n.gen).target = e.target;
          break;
        case 'changed':
          break;
      }
    }
  };

  const fault = () => {
    stats.faults++;
    const up = list.filter((x) => x.up).map((x) => x.name);
    const r = rng.next();
    if (r < 0.25) {
      const cut = new Set(names.filter(() => rng.chance(0.5)));
      const links = opts.links > 1 && rng.chance(0.3) ? [rng.int(0, opts.links - 1)] : allLinks;
      setGroups(links, (x) => cut.has(x));
      log(`FAULT partition {${[...cut].join(',')}} | rest on link(s) ${links.join(',')}`);
    } else if (r < 0.45) {
      for (const g of group) g.fill(0);
      log('FAULT heal');
    } else if (r < 0.6 && up.length > 0) {
      const victim = nodes.get(rng.pick(up))!;
      crash(victim, 'FAULT killed');
      push(now + rng.int(opts.deadtimeMs, 4 * opts.deadtimeMs), 'boot', victim);
    } else if (r < 0.7 && up.length > 0) {
      const victim = nodes.get(rng.pick(up))!;
      crash(victim, 'FAULT restarted');
      push(now + rng.int(10, 500), 'boot', victim);
    } else if (r < 0.8 && up.length > 0) {
      // A forgery: a heartbeat sealed with the wrong key, and one from a node not in the list.
      const to = rng.pick(up);
      const forged: Frame<Content, Op> = {
        from: rng.pick(names),
        gen: 1_000_000,
        seq: 1,
        to: null,
        body: {
          t: 'hb',
          link: 0,
          role: 'dc',
          dc: 'mallory',
          term: { n: 1e9, dc: 'mallory' },
          beat: 1,
          quorate: true,
          quorateFor: 1e9,
          votes: 99,
          members: [],
          ack: null,
          key: { term: null, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 } },
        },
      };
      const target = nodes.get(to)!;
      const a = push(now, 'wire', target, target.gen);
      a.wire = simCodec('wrong-key').seal(forged);
      a.desc = 'forged';
      const b = push(now, 'wire', target, target.gen);
      b.wire = simCodec(CLUSTER_KEY).seal({ ...forged, from: 'mallory' });
      b.desc = 'unknown sender';
      log(`FAULT forged frames to ${to}`);
    } else if (captured.length > 0) {
      const c = rng.pick(captured);
      const t = nodes.get(c.to)!;
      if (t.up) {
        const e = push(now, 'wire', t, t.gen);
        e.link = c.link;
        e.wire = c.wire;
        e.desc = 'replayed';
      }
      log(`FAULT replayed a captured frame to ${c.to}`);
    }
  };

  // Invariants after every event, checked where they can change (the same verdicts as checking
  // every node after every event, without its cost): a node becomes a quorate DC, or changes its
  // copy, only in its own step (quorum otherwise only expires); committed updates are added by any
  // node's step; resources become active or inactive on runOp, opDone and crashes.
  // What was checked of each node's copy: its content (never changed in place: a new copy has a new
  // array), as a set, and how many of `commitOrder` were found in it. A copy with the same content
  // is only checked for the updates committed since; the first missing one is the same.
  const checkedContent: (Content | null)[] = list.map(() => null);
  const checkedSet: Set<string>[] = list.map(() => new Set());
  const checkedCommits: number[] = list.map(() => 0);
  let commitsSeen = 0;
  let activeChanged = false;
  /** Whether the node being stepped was a quorate DC just before its step (then its step cannot make a second one). */
  let wasQuorateDc = false;
  /** A scripted step (update, inject, boot from a scenario) ran outside the loop: count quorate DCs at the next check. */
  let scripted = false;
  const checkDc = (n: SimNode, stepped: boolean) => {
    const m = n.m;
    if (!m?.isQuorateDc(now)) return;
    // two_node gives both halves quorum: only fencing decides which one survives, so committed
    // updates of the loser can be lost; the check does not apply.
    if (!opts.twoNode && m.isStableDc() && (checkedContent[n.i] !== m.copy.content || checkedCommits[n.i] !== commitOrder.length)) {
      let from = checkedCommits[n.i]!;
      let have = checkedSet[n.i]!;
      const content = m.copy.content;
      if (checkedContent[n.i] !== content) {
        // Usually the checked content plus one update: only the new ids are added to the set.
        if (!extends_(content, checkedContent[n.i]!)) have = checkedSet[n.i] = new Set(content);
        else for (let i = checkedContent[n.i]!.length; i < content.length; i++) have.add(content[i]!);
        checkedContent[n.i] = content;
        from = 0;
      }
      checkedCommits[n.i] = commitOrder.length;
      for (let i = from; i < commitOrder.length; i++) {
        const id = commitOrder[i]!;
        if (!have.has(id)) fail(`committed update ${id} is missing from the CIB of the quorate DC ${n.name} (${formatKey(m.copy)})`);
      }
    }
    // Two quorate DCs at once begin when a node becomes a quorate DC, which it does only in its own
    // step (quorum otherwise only expires): counted then, as checking after every event would find it.
    if (!opts.twoNode && (scripted || (stepped && !wasQuorateDc))) {
      let quorateDcs = 0;
      for (const o of list) if (o.m?.isQuorateDc(now)) quorateDcs++;
      if (quorateDcs > 1) fail(`${quorateDcs} DCs have quorum at once`);
    }
    if (n.name !== lastDc) {
      stats.dcChanges++;
      lastDc = n.name;
    }
  };
  const checkInvariants = (stepped: SimNode | undefined) => {
    if (committed.size !== commitsSeen) {
      commitsSeen = committed.size;
      for (const n of list) checkDc(n, n === stepped);
    } else if (stepped) checkDc(stepped, true);
    scripted = false;
    if (activeChanged) {
      activeChanged = false;
      if (opts.fencing)
        for (const [r, holders] of active) if (holders.size > 1) fail(`${r} is active on ${[...holders].join(' and ')} at once`);
    }
  };

  for (const n of list) if (!opts.down?.includes(n.name)) push(rng.int(0, opts.keepaliveMs * 2), 'boot', n);
  if (random) {
    push(opts.initdeadMs + rng.int(0, opts.faultEveryMs), 'fault', null);
    push(opts.initdeadMs, 'update', list[0]!);
  }

  const healAll = () => {
    for (const g of group) g.fill(0);
    for (const n of list) if (!n.up) boot(n);
    log('END OF FAULTS: network healed, every node up');
  };

  // The two events of nearly every step, reused (MemberNode.step reads an event and keeps nothing of it).
  const wireEv = { type: 'wire' as const, now: 0, link: 0, wire: null as unknown };
  const wakeEv = { type: 'wake' as const, now: 0 };

  const runUntil = (end: number) => {
    while (heap.size > 0 && !failure && heap.peek()!.at <= end) {
      const e = heap.pop()!;
      now = e.at;
      stats.events++;
      const n = e.node;
      wasQuorateDc = n?.m?.isQuorateDc(now) === true;
      switch (e.kind) {
        case 'boot':
          if (!n!.up) boot(n!);
          break;
        case 'wake':
          if (n!.up && n!.gen === e.gen && n!.wakeAt === e.at) {
            n!.wakeAt = -1;
            wakeEv.now = now;
            perform(n!, n!.m!.step(wakeEv));
          }
          break;
        case 'wire':
          if (n!.up && n!.gen === e.gen) {
            if (opts.trace) log(`${n!.name} <- ${e.desc} (link ${e.link})`);
            wireEv.now = now;
            wireEv.link = e.link;
            wireEv.wire = e.wire;
            const effects = n!.m!.step(wireEv);
            wireEv.wire = null;
            perform(n!, effects);
          }
          break;
        case 'opDone':
          if (n!.up && n!.gen === e.gen) {
            if (e.action === 'stop') active.get(e.rsc)!.delete(n!.name);
            activeChanged = true;
            perform(n!, n!.m!.step({ type: 'opDone', now, rsc: e.rsc, action: e.action, ok: true }));
          }
          break;
        case 'fenced': {
          const target = nodes.get(e.target)!;
          if (target.up) {
            crash(target, `fenced by ${n!.name}`);
            push(now + rng.int(opts.keepaliveMs, 3 * opts.deadtimeMs), 'boot', target);
          }
          if (n!.up && n!.gen === e.gen) perform(n!, n!.m!.step({ type: 'fenced', now, target: e.target, ok: true }));
          break;
        }
        case 'update': {
          if (random && now < opts.durationMs) push(now + rng.int(1, 2 * opts.updateEveryMs), 'update', nodes.get(rng.pick(names))!);
          if (n!.up) {
            const id = `u${++updateNo}`;
            pendingUpdates.add(id);
            perform(n!, n!.m!.step({ type: 'update', now, id, op: { id } }));
          }
          break;
        }
        case 'fault':
          if (random && now < opts.durationMs) {
            fault();
            push(now + rng.int(1, 2 * opts.faultEveryMs), 'fault', null);
          }
          break;
      }
      checkInvariants(n ?? undefined);
      recycle(e);
    }
    if (!failure) now = Math.max(now, end);
  };

  const result = (): SimResult => {
    stats.simulatedMs = now;
    for (const n of nodes.values()) {
      if (!n.m) continue;
      stats.forgedDropped += n.m.drops.forged + n.m.drops.unknownSender;
      stats.replayDropped += n.m.drops.replayed;
    }
    return { seed: opts.seed, ok: !failure, ...(failure ? { failure } : {}), trace, stats };
  };

  const byName = (name: string) => {
    const n = nodes.get(name);
    if (!n) throw new Error(`no node ${name} (nodes: ${names.join(', ')})`);
    return n;
  };

  return {
    names,
    trace,
    committed,
    active,
    get now() {
      return now;
    },
    get failure() {
      return failure;
    },
    runUntil,
    healAll,
    checkConverged,
    divergence,
    result,
    /** Runs `ms` more simulated milliseconds. */
    run: (ms: number) => runUntil(now + ms),
    /** Crashes a node now (kill -9: it keeps only what it persisted); `bootAfter` ms later it boots again. */
    kill(name: string, bootAfter?: number) {
      crash(byName(name), 'killed');
      if (bootAfter !== undefined) push(now + bootAfter, 'boot', byName(name));
    },
    boot(name: string) {
      const n = byName(name);
      scripted = true;
      if (!n.up) boot(n);
    },
    /** Cuts `side` off from the other nodes on `links` (default: every link). */
    partition(side: readonly string[], links?: readonly number[]) {
      setGroups(links ?? allLinks, (x) => side.includes(x));
      log(`partition {${side.join(',')}} | rest on link(s) ${(links ?? allLinks).join(',')}`);
    },
    heal() {
      for (const g of group) g.fill(0);
      log('heal');
    },
    /** A client CIB update submitted on `node`; its id, committed once `committed` has it. */
    update(node: string): string {
      const id = `u${++updateNo}`;
      const n = byName(node);
      scripted = true;
      if (n.up) perform(n, n.m!.step({ type: 'update', now, id, op: { id } }));
      return id;
    },
    /** Delivers `wire` to `node` as if it came from the network (forgeries, replays). */
    inject(node: string, link: number, wire: unknown) {
      const n = byName(node);
      scripted = true;
      if (n.up) perform(n, n.m!.step({ type: 'wire', now, link, wire }));
    },
    /** The frames captured off the wire so far (what an attacker could replay). */
    captured,
    sealWith: (key: string, frame: Frame<Content, Op>) => simCodec(key).seal(frame),
    view: (name: string) => byName(name).m?.view(now) ?? null,
    /** The node every live node agrees is DC, or null. */
    dc(): string | null {
      const dcs = [...nodes.values()].filter((n) => n.m?.probe(now).role === 'dc');
      return dcs.length === 1 ? dcs[0]!.name : null;
    },
  };

  /** Fails the run unless the healed cluster has converged now (see {@link divergence}). */
  function checkConverged() {
    const why = divergence();
    if (why !== undefined) fail(why);
  }

  /**
   * Why the cluster has not converged yet, or undefined: one quorate, stable DC that every node
   * follows, one CIB everywhere holding every committed update, every resource on exactly one node.
   */
  function divergence(): string | undefined {
    const views = [...nodes.values()].map((n) => n.m!.view(now));
    const dcs = views.filter((v) => v.role === 'dc');
    if (dcs.length !== 1) return `after healing: ${dcs.length} DCs (${dcs.map((d) => d.name).join(', ')}), want 1`;
    const dc = dcs[0]!;
    if (dc.phase !== 'stable' || !dc.quorate) return `after healing: DC ${dc.name} is ${dc.phase}${dc.quorate ? '' : ' without quorum'}`;
    for (const v of views) {
      if (v.dc !== dc.name) return `after healing: ${v.name} follows ${v.dc ?? 'no DC'}, not ${dc.name}`;
      if (!sameKey(v.copy, dc.copy) || v.copy.content.join() !== dc.copy.content.join())
        return `after healing: ${v.name}'s CIB ${formatKey(v.copy)} differs from the DC's ${formatKey(dc.copy)}`;
    }
    const have = new Set(dc.copy.content);
    if (!opts.twoNode) for (const id of committed.keys()) if (!have.has(id)) return `after healing: committed update ${id} lost`;
    for (const [r, holders] of active)
      if (holders.size !== 1) return `after healing: ${r} active on ${holders.size} nodes (${[...holders].join(', ')}), want 1`;
    return undefined;
  }
}
