import { InChannel, OutChannel } from './channel';
import { jsonStringBytes, Reassembly, splitText } from './fragment';
import type { Body, Effect, Frame, Heartbeat, NodeEvent, Persisted, ProtocolMsg, Role } from './messages';
import { leaseMs, type NodeOptions, quorumThreshold } from './options';
import { ReplayGuard } from './replay-guard';
import { type Copy, type CopyKey, compareKey, compareTerm, formatKey, type Term } from './term';

type Msg<C, O> = ProtocolMsg<C, O>;

/** How often the peers' replay marks are written when nothing else is (the frames a restarted node could be fooled by once). */
const PEER_MARKS_MS = 30_000;

/** Unacknowledged channel messages resent per peer and round (the oldest first). */
const RETRANSMIT_WINDOW = 8;

/**
 * At most this many rounds between two resends to a peer that acknowledges nothing: a receiver
 * whose event loop is busy (parsing a large status) was sent the same 8 × 48 KB every
 * keepalive / 2, which kept it, and the sender's HMAC, busier still.
 */
const MAX_RETRANSMIT_BACKOFF = 8;

interface Peer<C, O> {
  name: string;
  gen: number;
  guard: ReplayGuard;
  lastHeard: number[];
  /** When the last heartbeat came on each link (other frames do not count: warntime is about heartbeats). */
  lastBeat: number[];
  lastAny: number;
  alive: boolean;
  linkUp: boolean[];
  hb: Heartbeat | null;
  hbAt: number;
  /** Frame sequence number of the newest heartbeat of this generation: an older one is stale news. */
  hbSeq: number;
  /** Frame sequence number of the frame being handled (a join is only undone by a later heartbeat). */
  curSeq: number;
  out: OutChannel<Msg<C, O>> | null;
  in: InChannel<Msg<C, O>> | null;
  /** The parts of a cut message received so far (reset with the incoming channel). */
  frags: Reassembly;
  /**
   * Retransmission backoff: the oldest unacknowledged channel number at the last round, the rounds
   * to skip before the next resend, and the current backoff (doubling while nothing is acknowledged).
   */
  retxOldest: number;
  retxWait: number;
  retxBackoff: number;
}

interface Joined {
  key: CopyKey;
  running: Set<string>;
  synced: CopyKey | null;
  /** Frame sequence number the join came in: heartbeats sent before it say nothing about it. */
  seq: number;
}

type Phase = 'collecting' | 'fetching' | 'syncing' | 'stable';

interface DcState {
  term: Term;
  phase: Phase;
  joined: Map<string, Joined>;
  fetchFrom: string | null;
  beat: number;
  beatSent: Map<number, number>;
  leases: Map<string, number>;
  quorateUntil: number;
  queue: { id: string; origin: string; op: unknown }[];
  inflight: { id: string; origin: string; key: CopyKey; at: number } | null;
  pendingOps: Map<string, { node: string; action: 'start' | 'stop'; at: number }>;
  fencing: Set<string>;
  cleanDown: Set<string>;
  stableAt: number;
}

/** Counters of dropped frames, by reason. */
export interface DropCounters {
  forged: number;
  replayed: number;
  unknownSender: number;
  staleGeneration: number;
}

/** A read-only snapshot of a node, for status output, scheduler input and simulator invariants. */
export interface NodeView<C> {
  name: string;
  generation: number;
  role: Role;
  dc: string | null;
  term: Term | null;
  phase: Phase | null;
  /** DC: its quorum; member: what its DC last told it and still holds. */
  quorate: boolean;
  /** Nodes alive (heard on at least one link within deadtime), self included, sorted. */
  alive: string[];
  /** DC only: joined members (self included), sorted. */
  members: string[];
  copy: Copy<C>;
  running: string[];
  drops: DropCounters;
}

/**
 * One cluster node's membership, messaging, DC election, CIB replication and quorum as a pure
 * state machine: {@link step} takes an event (a frame from the wire, a timer, a local update or
 * op result) with the time, returns effects (send, wake, persist, log, run op, fence). No I/O,
 * no clock: the daemon and the simulator run the same code. See `../README.md` for the protocol.
 *
 * @example
 * const n = new MemberNode(options, loaded ?? MemberNode.fresh(emptyCib), 0);
 * for (const e of n.start(0)) perform(e);
 * for (const e of n.step({ type: 'wire', now, link: 0, wire })) perform(e);
 */
export class MemberNode<C, O> {
  readonly o: NodeOptions<C, O>;
  #persisted: Persisted<C>;
  #bootAt: number;
  #lastNow: number;
  #marksAt: number;
  #seq = 0;
  #peers = new Map<string, Peer<C, O>>();
  /** The same peers in configuration order, for the loops that run after every event (no Map iterator each time). */
  readonly #peerList: Peer<C, O>[];
  #role: Role = 'seeking';
  #following: string | null = null;
  #joinedTerm: Term | null = null;
  #joinAt = 0;
  #seekingSince: number;
  /**
   * This node has seen the cluster since its boot: it heard every configured node at once, or
   * joined a DC. initdead is the boot wait for nodes whose network comes up late; once a node has
   * seen the cluster it no longer waits for it, and a lost DC is replaced by the usual rules at
   * once (a DC killed within initdead of a survivor's boot waited out the rest of it: 1-3 s of
   * the rig's failover p95).
   */
  #seenCluster = false;
  #dcBeat: { beat: number; at: number; hb: Heartbeat } | null = null;
  #dc: DcState | null = null;
  #nextBeat: number;
  /**
   * Send a heartbeat at the end of this step besides the schedule, which stays: a member's
   * acknowledging the first beat of its DC that lists it. (A member whose schedule moved instead,
   * in phase with its DC's beats, let the DC's leases lapse under jitter in the simulator's
   * 5-node seeds.)
   */
  #beatNow = false;
  #nextRetransmit = Number.POSITIVE_INFINITY;
  #seenAll = false;
  #threshold: number;
  /** Every node has the default single vote (no keyed lookup per count: quorum is counted after every event). */
  readonly #oneVoteEach: boolean;
  #lease: number;
  #running = new Set<string>();
  #busy = new Set<string>();
  #pendingUpdates = new Map<string, number>();
  #forgedLoggedAt = Number.NEGATIVE_INFINITY;
  #forgedLogged = 0;
  #out: Effect<C>[] = [];
  #beatKey: { copy: Copy<C> | null; key: CopyKey } = {
    copy: null,
    key: { term: null, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 } },
  };
  #wakeAt = Number.NaN;
  /**
   * The earliest time a link or a peer can be found dead (lastHeard + deadtime of an up link or
   * alive peer), or earlier: before it, {@link #liveness} has nothing to do. A frame only moves a
   * deadline later, so it only lowers this when it brings a link up from none.
   */
  #liveDue = Number.POSITIVE_INFINITY;
  /**
   * Bumped whenever what {@link #place} counts changes (this node's running set, a member's, the
   * joined set); `#placedClean` is its value when the last placement found every resource on
   * exactly one node, which it does again, without acting, until something is bumped.
   */
  #placeVer = 0;
  #placedClean = -1;
  /** The DC's member list as its heartbeats carry it, and the `#placeVer` it was built at (every joined change bumps it). */
  #beatMembers: string[] = [];
  #beatMembersVer = -1;
  readonly #leaseTimes: number[] = [];
  readonly #leaseVotes: number[] = [];
  readonly drops: DropCounters = { forged: 0, replayed: 0, unknownSender: 0, staleGeneration: 0 };
  /** Heartbeats received on a live link: how many came later than warntime after the previous one, and the longest gap (ms). */
  readonly heartbeats = { received: 0, late: 0, maxGapMs: 0 };

  /** The persisted state of a node that never ran: generation 0, an empty copy. */
  static fresh<C>(content: C): Persisted<C> {
    return { generation: 0, promised: null, copy: { term: null, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 }, content } };
  }

  constructor(options: NodeOptions<C, O>, persisted: Persisted<C>, now: number) {
    this.o = options;
    this.#persisted = { ...persisted, generation: persisted.generation + 1 };
    this.#bootAt = now;
    this.#lastNow = now;
    this.#marksAt = now;
    this.#nextBeat = now;
    this.#seekingSince = now;
    this.#threshold = quorumThreshold(options.nodes, options.quorum);
    this.#oneVoteEach = Object.values(options.quorum.votes).every((v) => v === 1);
    this.#lease = leaseMs(options);
    for (const n of options.nodes) {
      if (n === options.name) continue;
      const mark = persisted.peers?.[n];
      this.#peers.set(n, {
        name: n,
        gen: -1,
        guard: new ReplayGuard(),
        lastHeard: Array.from({ length: options.links }, () => Number.NEGATIVE_INFINITY),
        lastBeat: Array.from({ length: options.links }, () => Number.NEGATIVE_INFINITY),
        lastAny: Number.NEGATIVE_INFINITY,
        alive: false,
        linkUp: Array.from({ length: options.links }, () => false),
        hb: null,
        hbAt: 0,
        hbSeq: 0,
        curSeq: 0,
        out: null,
        in: null,
        frags: new Reassembly(),
        retxOldest: 0,
        retxWait: 0,
        retxBackoff: 1,
      });
      if (mark) this.#peers.get(n)!.guard.restore(mark.gen, mark.seq);
    }
    this.#peerList = [...this.#peers.values()];
  }

  /** Boot: persist the new generation (before anything is sent with it), then run. */
  start(now: number): Effect<C>[] {
    this.#emit({ type: 'persist', state: this.#persisted });
    this.#log('info', `${this.o.name}: starting, generation ${this.#persisted.generation}, CIB ${formatKey(this.#persisted.copy)}`);
    return this.#finish(now);
  }

  step(ev: NodeEvent<O>): Effect<C>[] {
    switch (ev.type) {
      case 'wire':
        this.#onWire(ev.now, ev.link, ev.wire);
        break;
      case 'wake':
        break;
      case 'update':
        this.#onLocalUpdate(ev.now, ev.id, ev.op);
        break;
      case 'opDone':
        this.#onOpDone(ev.now, ev.rsc, ev.action, ev.ok);
        break;
      case 'fenced':
        this.#onFenced(ev.target, ev.ok);
        break;
      case 'app':
        this.#sendApp(ev.to, ev.body);
        break;
    }
    return this.#finish(ev.now, ev.type === 'wake');
  }

  /** The few facts the simulator checks after every step, without building a {@link view}. */
  probe(now: number): { role: Role; quorate: boolean; stable: boolean; copy: Copy<C>; dc: string | null } {
    return {
      role: this.#role,
      quorate: this.#quorate(now),
      stable: this.#dc?.phase === 'stable',
      copy: this.#persisted.copy,
      dc: this.#role === 'dc' ? this.o.name : this.#following,
    };
  }

  /** Whether this node is a DC with quorum at `now` (the simulator's check after every event: no allocation). */
  isQuorateDc(now: number): boolean {
    return this.#role === 'dc' && this.#quorate(now);
  }

  /** Whether this node is a DC whose members hold its copy (join complete). */
  isStableDc(): boolean {
    return this.#dc?.phase === 'stable';
  }

  /** Messages to `to` not yet acknowledged (the parts of a cut message count one each): a sender's flow control. */
  backlog(to: string): number {
    return this.#peers.get(to)?.out?.unacked.size ?? 0;
  }

  /** This node's CIB copy. */
  get copy(): Copy<C> {
    return this.#persisted.copy;
  }

  view(now: number): NodeView<C> {
    const alive = [this.o.name, ...this.#peerList.filter((p) => p.alive).map((p) => p.name)].sort();
    return {
      name: this.o.name,
      generation: this.#persisted.generation,
      role: this.#role,
      dc: this.#role === 'dc' ? this.o.name : this.#following,
      term: this.#dc?.term ?? this.#joinedTerm,
      phase: this.#dc?.phase ?? null,
      quorate: this.#quorate(now),
      alive,
      members: this.#dc ? [this.o.name, ...this.#dc.joined.keys()].sort() : [],
      copy: this.#persisted.copy,
      running: [...this.#running].sort(),
      drops: { ...this.drops },
    };
  }

  // ---- wire: authentication, replay protection, heartbeats, channels ----

  #onWire(now: number, link: number, wire: unknown): void {
    const f = this.o.codec.open(wire);
    if (!f) {
      this.drops.forged++;
      // Logged at most every 10 s: a node with the wrong key must not flood the log.
      if (now - this.#forgedLoggedAt >= 10_000) {
        this.#log(
          'warn',
          `${this.o.name}: dropped ${this.drops.forged - this.#forgedLogged} frames that failed authentication (link ${link}; wrong authkeys?)`,
        );
        this.#forgedLoggedAt = now;
        this.#forgedLogged = this.drops.forged;
      }
      return;
    }
    if (f.to !== null && f.to !== this.o.name) return;
    const p = this.#peers.get(f.from);
    if (!p) {
      if (f.from !== this.o.name) {
        this.drops.unknownSender++;
        this.#log('warn', `${this.o.name}: dropped a frame from "${f.from}", which is not a configured node`);
      }
      return;
    }
    const bad = p.guard.check(f.gen, f.seq);
    if (bad) {
      if (bad === 'replayed') this.drops.replayed++;
      else this.drops.staleGeneration++;
      return;
    }
    if (f.gen !== p.gen) {
      this.#peerRestarted(now, p, f.gen);
      // A generation never seen before: written at once, so a restart of ours keeps rejecting the older ones.
      if (f.gen !== this.#persisted.peers?.[p.name]?.gen) this.#persist({});
    }
    p.curSeq = f.seq;
    if (f.body.t === 'hb') {
      const late = now - p.lastBeat[link]!;
      if (p.linkUp[link] && late < Number.POSITIVE_INFINITY) {
        this.heartbeats.received++;
        if (late > this.heartbeats.maxGapMs) this.heartbeats.maxGapMs = late;
        if (late > this.o.warntimeMs) {
          this.heartbeats.late++;
          this.#log(
            'warn',
            `${this.o.name}: late heartbeat from ${p.name} on link ${link}: ${late} ms after the previous one (warntime ${this.o.warntimeMs} ms)`,
          );
        }
      }
      p.lastBeat[link] = now;
    }
    p.lastHeard[link] = now;
    p.lastAny = now;
    if (now + this.o.deadtimeMs < this.#liveDue) this.#liveDue = now + this.o.deadtimeMs;
    if (!p.linkUp[link]) {
      p.linkUp[link] = true;
      if (p.alive) this.#log('info', `${this.o.name}: link ${link} to ${p.name} up`);
    }
    if (!p.alive) {
      p.alive = true;
      this.#log('info', `${this.o.name}: node ${p.name} is alive (generation ${p.gen})`);
      this.#emit({ type: 'changed', what: 'membership' });
    }
    const b = f.body;
    if (b.t === 'hb') {
      if (f.seq > p.hbSeq) {
        p.hbSeq = f.seq;
        this.#onHeartbeat(now, p, b);
      }
    } else if (b.t === 'ack') {
      if (b.toGen === this.#persisted.generation && b.ep === p.out?.epoch) p.out.ack(b.upTo);
    } else if (b.toGen === this.#persisted.generation && p.in && b.ep >= p.in.epoch) {
      if (b.ep > p.in.epoch) {
        p.in = new InChannel(p.gen, b.ep);
        p.frags = new Reassembly();
      }
      const ready = p.in.receive(b.cseq, b.msg);
      this.#frame(f.from, link, { t: 'ack', toGen: p.gen, ep: b.ep, upTo: p.in.ackUpTo });
      for (const m of ready) {
        if (m.t !== 'frag') this.#onMsg(now, p, m);
        else {
          const text = p.frags.add(m.i, m.n, m.part);
          if (text === null) continue;
          let whole: Msg<C, O>;
          try {
            whole = JSON.parse(text) as Msg<C, O>;
          } catch {
            this.#log('warn', `${this.o.name}: a message of ${m.n} parts from ${p.name} does not parse: dropped`);
            continue;
          }
          this.#onMsg(now, p, whole);
        }
      }
    }
  }

  #peerRestarted(now: number, p: Peer<C, O>, gen: number): void {
    const wasKnown = p.gen >= 0;
    p.gen = gen;
    p.out = new OutChannel(gen);
    p.retxOldest = 0;
    p.retxWait = 0;
    p.retxBackoff = 1;
    p.in = new InChannel(gen);
    p.frags = new Reassembly();
    p.hb = null;
    p.hbSeq = 0;
    if (!wasKnown) return;
    this.#log('info', `${this.o.name}: ${p.name} restarted (generation ${gen})`);
    this.#lost(now, p.name, 'restarted');
  }

  #onHeartbeat(now: number, p: Peer<C, O>, hb: Heartbeat): void {
    p.hb = hb;
    p.hbAt = now;
    const dc = this.#dc;
    if (this.#role === 'member' && p.name === this.#following && hb.role === 'dc' && compareTerm(hb.term, this.#joinedTerm) === 0) {
      // The first beat of the DC that lists this node as joined is acknowledged at once (an earlier
      // acknowledgement may reach the DC before the join and not count): its quorum (and so a
      // failover) waits for it, which the next regular heartbeat would send up to a keepalive later.
      if (hb.members.includes(this.o.name) && !this.#dcBeat?.hb.members.includes(this.o.name)) this.#beatNow = true;
      if (!this.#dcBeat || hb.beat > this.#dcBeat.beat) this.#dcBeat = { beat: hb.beat, at: now, hb };
    }
    if (dc) {
      const j = dc.joined.get(p.name);
      if (j && hb.dc !== this.o.name && p.hbSeq > j.seq) {
        this.#removeMember(p.name, `it follows ${hb.dc ?? 'no DC'}`);
      } else if (j && hb.ack && compareTerm(hb.ack.term, dc.term) === 0) {
        const sent = dc.beatSent.get(hb.ack.beat);
        if (sent !== undefined) dc.leases.set(p.name, Math.max(dc.leases.get(p.name) ?? 0, sent + this.#lease));
      }
    }
  }

  /** Sends `msg` reliably to `to` (dropped when we never heard that node: it will join afresh). */
  #send(to: string, msg: Msg<C, O>): void {
    const p = this.#peers.get(to);
    if (!p?.out) return;
    for (const m of this.#cut(msg)) {
      const cseq = p.out.push(m);
      for (let l = 0; l < this.o.links; l++) this.#frame(to, l, { t: 'data', toGen: p.gen, ep: p.out.epoch, cseq, msg: m });
    }
    if (this.#nextRetransmit === Number.POSITIVE_INFINITY) this.#nextRetransmit = Number.NaN;
  }

  /** `msg` as it goes on the channel: whole, or cut into parts when its JSON text is too large for one datagram. */
  #cut(msg: Msg<C, O>): Msg<C, O>[] {
    // Only these carry documents of unbounded size; the others are a few hundred bytes.
    if (msg.t !== 'sync' && msg.t !== 'copy' && msg.t !== 'app' && msg.t !== 'update' && msg.t !== 'join') return [msg];
    const max = this.o.maxMessageBytes ?? 48_000;
    // A copy goes to every member, and again to each joiner: its text length is measured once per
    // copy. A message whose text cannot be longer than max / 6 fits whatever it holds (the test below).
    if ((msg.t === 'sync' || msg.t === 'copy') && (copyTextLength(msg.copy) + MSG_TEXT_OVERHEAD + 6 * msg.term.dc.length) * 6 <= max)
      return [msg];
    const text = JSON.stringify(msg);
    // A quick bound first: a text shorter than max / 6 fits whatever it holds.
    if (text.length * 6 <= max || jsonStringBytes(text) <= max) return [msg];
    const parts = splitText(text, max);
    return parts.map((part, i) => ({ t: 'frag', i, n: parts.length, part }));
  }

  #frame(to: string | null, link: number, body: Body<C, O>): void {
    const frame: Frame<C, O> = { from: this.o.name, gen: this.#persisted.generation, seq: ++this.#seq, to, body };
    this.#emit({ type: 'send', link, to, wire: this.o.codec.seal(frame) });
  }

  // ---- the cluster protocol ----

  #onMsg(now: number, p: Peer<C, O>, m: Msg<C, O>): void {
    const dc = this.#dc;
    const fromMyDc = this.#role === 'member' && p.name === this.#following && 'term' in m && compareTerm(m.term, this.#joinedTerm) === 0;
    switch (m.t) {
      case 'join':
        if (dc) this.#onJoin(now, p.name, m);
        break;
      case 'sync':
        if (fromMyDc && compareTerm(m.term, this.#persisted.promised) >= 0) {
          if (compareKey(m.copy, this.#persisted.copy) !== 0) {
            this.#persist({ copy: m.copy });
            this.#emit({ type: 'changed', what: 'cib' });
          }
          this.#send(p.name, { t: 'synced', term: m.term, key: keyOf(m.copy) });
        }
        break;
      case 'synced': {
        const j = dc && compareTerm(m.term, dc.term) === 0 ? dc.joined.get(p.name) : undefined;
        if (j) j.synced = m.key;
        break;
      }
      case 'fetch':
        if (fromMyDc) this.#send(p.name, { t: 'copy', term: m.term, copy: this.#persisted.copy });
        break;
      case 'copy':
        if (dc && dc.phase === 'fetching' && dc.fetchFrom === p.name && compareTerm(m.term, dc.term) === 0) {
          if (compareKey(m.copy, this.#persisted.copy) > 0) this.#persist({ copy: m.copy });
          this.#stamp(now);
        }
        break;
      case 'update':
        if (dc) this.#enqueue(now, p.name, m.id, m.op);
        else this.#send(p.name, { t: 'updated', id: m.id, ok: false, error: `${this.o.name} is not the DC` });
        break;
      case 'updated':
        if (this.#pendingUpdates.delete(m.id)) this.#emit({ type: 'updated', id: m.id, ok: m.ok, ...(m.error ? { error: m.error } : {}) });
        break;
      case 'op':
        if (fromMyDc) this.#runOp(now, m.rsc, m.action);
        break;
      case 'status': {
        const j = dc && compareTerm(m.term, dc.term) === 0 ? dc.joined.get(p.name) : undefined;
        if (j) {
          j.running = new Set(m.running);
          this.#placeVer++;
          for (const [rsc, op] of dc!.pendingOps)
            if (op.node === p.name && j.running.has(rsc) === (op.action === 'start')) dc!.pendingOps.delete(rsc);
        }
        break;
      }
      case 'release':
        if (this.#role === 'member' && p.name === this.#following) this.#seek(now, `${p.name} stepped down as DC`);
        break;
      case 'app':
        // From my DC in the term I joined, or to me as DC from a member of my term.
        if (fromMyDc || (dc && compareTerm(m.term, dc.term) === 0 && dc.joined.has(p.name)))
          this.#emit({ type: 'deliver', from: p.name, body: m.body });
        break;
    }
  }

  #sendApp(to: string, body: unknown): void {
    if (to === 'dc') {
      if (this.#role === 'member' && this.#joinedTerm) this.#send(this.#following!, { t: 'app', term: this.#joinedTerm, body });
      return;
    }
    const dc = this.#dc;
    if (dc?.joined.has(to)) this.#send(to, { t: 'app', term: dc.term, body });
  }

  // ---- roles ----

  #seek(now: number, why: string): void {
    if (this.#role === 'dc') this.#stepDown(why);
    if (this.#role === 'member') this.#log('info', `${this.o.name}: leaving DC ${this.#following}: ${why}`);
    this.#role = 'seeking';
    this.#seekingSince = now;
    this.#following = null;
    this.#joinedTerm = null;
    this.#dcBeat = null;
    for (const id of this.#pendingUpdates.keys())
      this.#emit({ type: 'updated', id, ok: false, error: `DC lost (${why}); the outcome is unknown` });
    this.#pendingUpdates.clear();
    this.#emit({ type: 'changed', what: 'dc' });
  }

  #stepDown(why: string): void {
    const dc = this.#dc!;
    this.#log('info', `${this.o.name}: stepping down as DC (term ${dc.term.n}): ${why}`);
    for (const n of dc.joined.keys()) this.#send(n, { t: 'release', term: dc.term });
    for (const q of dc.queue) this.#reply(q.origin, q.id, false, 'the DC stepped down');
    if (dc.inflight) this.#reply(dc.inflight.origin, dc.inflight.id, false, 'the DC stepped down; the outcome is unknown');
    this.#dc = null;
    this.#role = 'seeking';
  }

  #lost(now: number, name: string, why: string): void {
    if (this.#role === 'member' && this.#following === name) this.#seek(now, `DC ${name} ${why}`);
    if (this.#dc?.joined.has(name)) this.#removeMember(name, why);
    if (this.#dc?.fetchFrom === name) {
      this.#dc.phase = 'collecting';
      this.#dc.fetchFrom = null;
    }
  }

  #removeMember(name: string, why: string): void {
    const dc = this.#dc!;
    dc.joined.delete(name);
    this.#placeVer++;
    dc.leases.delete(name);
    for (const [rsc, op] of dc.pendingOps) if (op.node === name) dc.pendingOps.delete(rsc);
    this.#log('info', `${this.o.name}: ${name} left the DC's membership: ${why}`);
    this.#emit({ type: 'changed', what: 'membership' });
  }

  /** Priority of a DC when two meet: quorum, then votes, then the later term, then the smaller name. */
  #better(hb: Heartbeat, from: string, now: number): boolean {
    const dc = this.#dc!;
    const mine = { quorate: this.#quorate(now), votes: this.#memberVotes() };
    if (hb.quorate !== mine.quorate) return hb.quorate;
    if (hb.votes !== mine.votes) return hb.votes > mine.votes;
    const t = compareTerm(hb.term, dc.term);
    if (t !== 0) return t > 0;
    return from < this.o.name;
  }

  #becomeDc(now: number): void {
    let n = Math.max(this.#persisted.promised?.n ?? 0, this.#persisted.copy.term?.n ?? 0);
    for (const p of this.#peerList) if (p.hb?.term) n = Math.max(n, p.hb.term.n);
    const term = { n: n + 1, dc: this.o.name };
    this.#role = 'dc';
    this.#following = null;
    this.#placeVer++;
    this.#dc = {
      term,
      phase: 'collecting',
      joined: new Map(),
      fetchFrom: null,
      beat: 0,
      beatSent: new Map(),
      leases: new Map(),
      quorateUntil: Number.NEGATIVE_INFINITY,
      queue: [],
      inflight: null,
      pendingOps: new Map(),
      fencing: new Set(),
      cleanDown: new Set(),
      stableAt: Number.POSITIVE_INFINITY,
    };
    this.#persist({ promised: term });
    this.#log('info', `${this.o.name}: elected DC, term ${term.n}`);
    this.#emit({ type: 'changed', what: 'dc' });
    this.#nextBeat = now;
  }

  #reterm(now: number, above: Term): void {
    const dc = this.#dc!;
    dc.term = { n: Math.max(above.n, dc.term.n) + 1, dc: this.o.name };
    dc.phase = 'collecting';
    dc.fetchFrom = null;
    dc.joined.clear();
    this.#placeVer++;
    // Another DC may have run in between: what this one fenced may have been started since.
    dc.cleanDown.clear();
    this.#persist({ promised: dc.term });
    this.#log('info', `${this.o.name}: new DC term ${dc.term.n} (a member had promised term ${above.n})`);
    this.#nextBeat = now;
  }

  #onJoin(now: number, from: string, m: Extract<Msg<C, O>, { t: 'join' }>): void {
    const dc = this.#dc!;
    if (compareTerm(m.promised, dc.term) > 0) {
      this.#reterm(now, m.promised!);
      return;
    }
    if (compareTerm(m.term, dc.term) !== 0) return;
    dc.joined.set(from, { key: m.key, running: new Set(m.running), synced: null, seq: this.#peers.get(from)!.curSeq });
    this.#placeVer++;
    dc.cleanDown.delete(from);
    this.#log('info', `${this.o.name}: ${from} joined (CIB ${formatKey(m.key)})`);
    this.#emit({ type: 'changed', what: 'membership' });
    // The next beat now, listing the joiner: it acknowledges it at once (see #onHeartbeat), so the
    // lease, and quorum, come without waiting up to a keepalive for this node's next beat.
    this.#nextBeat = now;
    if (dc.phase === 'syncing' || dc.phase === 'stable') this.#send(from, { t: 'sync', term: dc.term, copy: this.#persisted.copy });
  }

  #stamp(now: number): void {
    const dc = this.#dc!;
    const c = this.#persisted.copy;
    this.#persist({ copy: { ...c, term: dc.term, version: { ...c.version, numUpdates: c.version.numUpdates + 1 } } });
    dc.phase = 'syncing';
    dc.fetchFrom = null;
    for (const n of dc.joined.keys()) this.#send(n, { t: 'sync', term: dc.term, copy: this.#persisted.copy });
    this.#emit({ type: 'changed', what: 'cib' });
    void now;
  }

  #votes(n: string): number {
    return this.#oneVoteEach ? 1 : (this.o.quorum.votes[n] ?? 1);
  }

  #memberVotes(): number {
    let s = this.#votes(this.o.name);
    if (this.#dc) for (const n of this.#dc.joined.keys()) s += this.#votes(n);
    return s;
  }

  #quorate(now: number): boolean {
    if (this.#dc) return this.#seenAll && now < this.#dc.quorateUntil;
    const b = this.#dcBeat;
    return this.#role === 'member' && b !== null && b.hb.quorate && now < b.at + b.hb.quorateFor;
  }

  #computeQuorum(now: number): void {
    const dc = this.#dc!;
    let have = this.#votes(this.o.name);
    let until = Number.POSITIVE_INFINITY;
    if (have < this.#threshold) {
      until = Number.NEGATIVE_INFINITY;
      // The current leases, latest first, until their votes reach the threshold (run after every
      // event: reused arrays and a selection instead of sorting a copy; ties give the same time).
      const ts = this.#leaseTimes;
      const vs = this.#leaseVotes;
      let len = 0;
      for (const n of dc.leases.keys()) {
        const t = dc.leases.get(n)!;
        if (t > now && dc.joined.has(n)) {
          ts[len] = t;
          vs[len++] = this.#votes(n);
        }
      }
      while (len > 0) {
        let best = 0;
        for (let i = 1; i < len; i++) if (ts[i]! > ts[best]!) best = i;
        have += vs[best]!;
        if (have >= this.#threshold) {
          until = ts[best]!;
          break;
        }
        len--;
        ts[best] = ts[len]!;
        vs[best] = vs[len]!;
      }
    }
    const before = this.#quorate(now);
    dc.quorateUntil = until;
    const after = this.#quorate(now);
    if (before !== after) {
      this.#log(after ? 'info' : 'warn', `${this.o.name}: partition ${after ? 'has' : 'lost'} quorum`);
      this.#emit({ type: 'changed', what: 'quorum' });
    }
  }

  // ---- the periodic evaluation after every event ----

  #finish(now: number, woke = false): Effect<C>[] {
    this.#lastNow = now;
    if (now - this.#marksAt >= PEER_MARKS_MS) this.#persist({});
    this.#liveness(now);
    if (!this.o.quorum.waitForAll) this.#seenAll = true;
    else if (!this.#seenAll && this.#peerList.every((p) => p.alive)) this.#seenAll = true;
    if (this.#role === 'seeking') this.#trySeek(now);
    if (this.#role === 'member') this.#memberTick(now);
    if (this.#role === 'dc') this.#dcTick(now);
    this.#enforcePolicy(now);
    if (this.#beatNow) {
      this.#beatNow = false;
      const due = this.#nextBeat;
      this.#beat(now);
      if (due > now) this.#nextBeat = due;
    } else if (now >= this.#nextBeat) this.#beat(now);
    this.#retransmit(now);
    // The shell keeps one timer, for the last wake asked for: asked again only when the time
    // changes, or after it fired (a timer that fired a little early must be set again). Most
    // frames change nothing here, and re-arming a timer per frame costs the daemon's loop.
    const at = this.#nextWake(now);
    if (at !== this.#wakeAt || woke) {
      this.#wakeAt = at;
      this.#emit({ type: 'wake', at });
    }
    const out = this.#out;
    // Most frames (a heartbeat that changes nothing) have no effects: no new array for them.
    if (out.length === 0) return NO_EFFECTS as Effect<C>[];
    this.#out = [];
    return out;
  }

  #liveness(now: number): void {
    // Run after every event: nothing can be dead before the earliest deadline.
    if (now <= this.#liveDue) return;
    const deadtime = this.o.deadtimeMs;
    let due = Number.POSITIVE_INFINITY;
    for (const p of this.#peerList) {
      for (let l = 0; l < this.o.links; l++) {
        if (!p.linkUp[l]) continue;
        if (now - p.lastHeard[l]! > deadtime) {
          p.linkUp[l] = false;
          this.#log('warn', `${this.o.name}: link ${l} to ${p.name} dead`);
        } else if (p.lastHeard[l]! + deadtime < due) due = p.lastHeard[l]! + deadtime;
      }
      if (p.alive && now - p.lastAny > deadtime) {
        p.alive = false;
        this.#log('warn', `${this.o.name}: node ${p.name} is dead (no heartbeat on any link for ${now - p.lastAny} ms)`);
        this.#emit({ type: 'changed', what: 'membership' });
        this.#lost(now, p.name, 'is dead');
      } else if (p.alive && p.lastAny + deadtime < due) due = p.lastAny + deadtime;
    }
    // A frame handled in #lost's effects cannot arrive here (this runs after the event): exact.
    this.#liveDue = due;
  }

  #trySeek(now: number): void {
    // A restarted node may have promised its old DC a lease it no longer remembers: wait it out.
    if (now < this.#bootAt + this.#lease) return;
    let best: Peer<C, O> | null = null;
    for (const p of this.#peerList) {
      if (!p.alive || p.hb?.role !== 'dc') continue;
      if (!best || dcRank(p.hb, p.name, best.hb!, best.name) > 0) best = p;
    }
    if (best) {
      this.#join(now, best);
      return;
    }
    if (!this.#seenCluster && this.#peerList.every((p) => p.alive)) this.#seenCluster = true;
    if (now < this.#initdeadEnd()) return;
    // Views can disagree (one-way links): after a deadtime of waiting for a smaller node, claim anyway.
    if (now - Math.max(this.#seekingSince, this.#initdeadEnd()) > this.o.deadtimeMs) {
      this.#becomeDc(now);
      return;
    }
    for (const p of this.#peerList) {
      if (!p.alive || p.name > this.o.name) continue;
      const follows = p.hb?.dc;
      const followsLive = follows != null && (follows === this.o.name ? false : this.#peers.get(follows)?.alive === true);
      if (!followsLive) return; // a smaller alive node is a candidate too: it will claim
    }
    this.#becomeDc(now);
  }

  /** Until when a seeking node waits for every configured node: its boot + initdead, unless it has seen the cluster since. */
  #initdeadEnd(): number {
    return this.#seenCluster ? this.#bootAt : this.#bootAt + this.o.initdeadMs;
  }

  #join(now: number, p: Peer<C, O>): void {
    const hb = p.hb!;
    this.#seenCluster = true;
    this.#role = 'member';
    this.#following = p.name;
    this.#joinedTerm = hb.term;
    this.#joinAt = now;
    this.#dcBeat = null;
    if (compareTerm(hb.term, this.#persisted.promised) > 0) this.#persist({ promised: hb.term });
    this.#send(p.name, {
      t: 'join',
      term: hb.term!,
      promised: this.#persisted.promised,
      key: keyOf(this.#persisted.copy),
      running: [...this.#running],
    });
    this.#log('info', `${this.o.name}: joining DC ${p.name} (term ${hb.term?.n})`);
    this.#emit({ type: 'changed', what: 'dc' });
  }

  #memberTick(now: number): void {
    const p = this.#peers.get(this.#following!)!;
    const hb = p.hb;
    if (!hb) return;
    if (hb.role !== 'dc') {
      this.#seek(now, `${p.name} is no longer DC`);
      return;
    }
    if (compareTerm(hb.term, this.#joinedTerm) !== 0 && compareTerm(hb.term, this.#persisted.promised) >= 0) {
      this.#join(now, p);
      return;
    }
    // The DC dropped us (it missed our heartbeats for a while): join again.
    if (!hb.members.includes(this.o.name) && now - this.#joinAt > 2 * this.o.keepaliveMs && p.hbAt > this.#joinAt) this.#join(now, p);
  }

  #dcTick(now: number): void {
    const dc = this.#dc!;
    for (const p of this.#peerList) {
      if (!p.alive || !p.hb) continue;
      if (p.hb.role === 'dc' && p.hb.dc === p.name && this.#better(p.hb, p.name, now)) {
        this.#stepDown(`${p.name} is DC too and has priority`);
        this.#emit({ type: 'changed', what: 'dc' });
        this.#join(now, p);
        return;
      }
    }
    this.#computeQuorum(now);
    if (dc.phase === 'collecting' && this.#seenAll && this.#memberVotes() >= this.#threshold) {
      let best: string = this.o.name;
      let bestKey: CopyKey = this.#persisted.copy;
      for (const [n, j] of dc.joined) if (compareKey(j.key, bestKey) > 0) [best, bestKey] = [n, j.key];
      if (best === this.o.name) this.#stamp(now);
      else {
        dc.phase = 'fetching';
        dc.fetchFrom = best;
        this.#send(best, { t: 'fetch', term: dc.term });
      }
    }
    if (dc.phase === 'syncing' && this.#syncedVotes(this.#persisted.copy) >= this.#threshold) {
      dc.phase = 'stable';
      dc.stableAt = now;
      this.#log(
        'info',
        `${this.o.name}: join complete, CIB ${formatKey(this.#persisted.copy)} on ${this.#syncedVotes(this.#persisted.copy)} votes`,
      );
      this.#emit({ type: 'changed', what: 'dc' });
    }
    if (dc.phase === 'stable') {
      this.#commitProgress(now);
      this.#place(now);
    }
  }

  #syncedVotes(key: CopyKey): number {
    let s = this.#votes(this.o.name);
    const joined = this.#dc!.joined;
    for (const n of joined.keys()) {
      const j = joined.get(n)!;
      if (j.synced !== null && compareTerm(j.synced.term, key.term) === 0 && compareKey(j.synced, key) >= 0) s += this.#votes(n);
    }
    return s;
  }

  // ---- CIB updates ----

  #onLocalUpdate(now: number, id: string, op: O): void {
    if (this.#dc) {
      this.#enqueue(now, this.o.name, id, op);
      return;
    }
    if (this.#role !== 'member') {
      this.#emit({ type: 'updated', id, ok: false, error: 'no DC: this node is not a member of a partition' });
      return;
    }
    this.#pendingUpdates.set(id, now);
    this.#send(this.#following!, { t: 'update', id, op });
  }

  #reply(origin: string, id: string, ok: boolean, error?: string): void {
    if (origin === this.o.name) this.#emit({ type: 'updated', id, ok, ...(error ? { error } : {}) });
    else this.#send(origin, { t: 'updated', id, ok, ...(error ? { error } : {}) });
  }

  #enqueue(now: number, origin: string, id: string, op: unknown): void {
    const dc = this.#dc!;
    if (dc.phase !== 'stable') {
      this.#reply(origin, id, false, `the DC is still joining its members (${dc.phase}); retry`);
      return;
    }
    if (!this.#quorate(now)) {
      this.#reply(origin, id, false, 'no quorum: the CIB takes no updates in a partition without quorum');
      return;
    }
    dc.queue.push({ id, origin, op });
  }

  #commitProgress(now: number): void {
    const dc = this.#dc!;
    const f = dc.inflight;
    if (f) {
      if (this.#syncedVotes(f.key) >= this.#threshold) {
        this.#reply(f.origin, f.id, true);
        dc.inflight = null;
      } else if (now - f.at > this.o.deadtimeMs) {
        this.#reply(f.origin, f.id, false, `not confirmed by a majority within deadtime (${this.o.deadtimeMs} ms); the outcome is unknown`);
        dc.inflight = null;
      } else return;
    }
    while (!dc.inflight && dc.queue.length > 0) {
      const q = dc.queue.shift()!;
      if (!this.#quorate(now)) {
        this.#reply(q.origin, q.id, false, 'no quorum');
        continue;
      }
      const c = this.#persisted.copy;
      const r = this.o.apply(c.content, q.op as O);
      if (!r.ok) {
        this.#reply(q.origin, q.id, false, r.error);
        continue;
      }
      const copy: Copy<C> = { term: dc.term, version: { ...c.version, epoch: c.version.epoch + 1, numUpdates: 0 }, content: r.content };
      this.#persist({ copy });
      this.#emit({ type: 'changed', what: 'cib' });
      for (const n of dc.joined.keys()) this.#send(n, { t: 'sync', term: dc.term, copy });
      dc.inflight = { id: q.id, origin: q.origin, key: keyOf(copy), at: now };
      if (this.#syncedVotes(copy) >= this.#threshold) {
        this.#reply(q.origin, q.id, true);
        dc.inflight = null;
      }
    }
  }

  // ---- resources: the built-in placement (one instance per resource), ops on members ----

  #mayRun(now: number): boolean {
    const policy = this.o.noQuorumPolicy ?? 'stop';
    return policy === 'ignore' || this.#quorate(now);
  }

  #runOp(now: number, rsc: string, action: 'start' | 'stop'): void {
    if (action === 'start' && (this.#running.has(rsc) || !this.#mayRun(now))) {
      this.#reportStatus();
      return;
    }
    if (action === 'stop' && !this.#running.has(rsc)) {
      this.#reportStatus();
      return;
    }
    if (this.#busy.has(rsc)) return;
    this.#busy.add(rsc);
    this.#emit({ type: 'runOp', rsc, action });
  }

  #onOpDone(now: number, rsc: string, action: 'start' | 'stop', ok: boolean): void {
    this.#busy.delete(rsc);
    if (action === 'start' && ok) this.#running.add(rsc);
    if (action === 'stop' && ok) this.#running.delete(rsc);
    this.#placeVer++;
    this.#log(ok ? 'info' : 'error', `${this.o.name}: ${action} ${rsc} ${ok ? 'done' : 'failed'}`);
    this.#reportStatus();
    if (this.#dc) for (const [r, op] of this.#dc.pendingOps) if (op.node === this.o.name && r === rsc) this.#dc.pendingOps.delete(r);
    void now;
  }

  #reportStatus(): void {
    if (this.#role === 'member' && this.#joinedTerm)
      this.#send(this.#following!, { t: 'status', term: this.#joinedTerm, running: [...this.#running] });
  }

  #enforcePolicy(now: number): void {
    if (this.#mayRun(now)) return;
    const policy = this.o.noQuorumPolicy ?? 'stop';
    if (policy === 'freeze') return;
    if (policy === 'suicide' && this.#running.size > 0) {
      this.#emit({ type: 'fence', target: this.o.name });
      return;
    }
    for (const r of this.#running) if (!this.#busy.has(r)) this.#runOp(now, r, 'stop');
  }

  #onFenced(target: string, ok: boolean): void {
    const dc = this.#dc;
    if (!dc) return;
    dc.fencing.delete(target);
    if (ok) {
      dc.cleanDown.add(target);
      this.#log('info', `${this.o.name}: ${target} fenced`);
    } else this.#log('error', `${this.o.name}: fencing ${target} failed`);
  }

  #place(now: number): void {
    const dc = this.#dc!;
    if (!this.#mayRun(now) || !this.o.resources) return;
    // Run after every event on a DC: when the last run found each resource on exactly one node
    // and no running set changed since, it finds that again (pending ops and time do not matter
    // then). Otherwise the common case is counted without building the member list.
    if (this.#placedClean === this.#placeVer) return;
    let members: string[] | null = null;
    let clean = true;
    for (const rsc of this.o.resources) {
      const p = dc.pendingOps.get(rsc);
      if (p && now - p.at < this.o.deadtimeMs) {
        clean = false;
        continue;
      }
      let count = this.#running.has(rsc) ? 1 : 0;
      for (const j of dc.joined.values()) if (j.running.has(rsc)) count++;
      if (count === 1) continue;
      clean = false;
      members ??= [this.o.name, ...dc.joined.keys()].sort();
      const all = members;
      const holders = all.filter((n) => (n === this.o.name ? this.#running : dc.joined.get(n)!.running).has(rsc));
      if (holders.length > 1) {
        this.#log('error', `${this.o.name}: ${rsc} is active on ${holders.join(', ')}; stopping it on all but ${holders[0]}`);
        for (const n of holders.slice(1)) this.#order(now, n, rsc, 'stop');
        continue;
      }
      if (holders.length === 1) continue;
      if (this.o.fencing) {
        const unknown = this.o.nodes.filter((n) => !all.includes(n) && !dc.cleanDown.has(n));
        for (const n of unknown) {
          // An alive node gets a deadtime to join first (Pacemaker's join timeout); a dead one is fenced at once.
          if (dc.fencing.has(n) || (this.#peers.get(n)?.alive && now < dc.stableAt + this.o.deadtimeMs)) continue;
          dc.fencing.add(n);
          this.#log('warn', `${this.o.name}: fencing ${n} before recovering resources (its state is unknown)`);
          this.#emit({ type: 'fence', target: n });
        }
        if (unknown.length > 0) continue;
      }
      this.#order(now, all[0]!, rsc, 'start');
    }
    if (clean) this.#placedClean = this.#placeVer;
  }

  #order(now: number, node: string, rsc: string, action: 'start' | 'stop'): void {
    const dc = this.#dc!;
    dc.pendingOps.set(rsc, { node, action, at: now });
    if (node === this.o.name) this.#runOp(now, rsc, action);
    else this.#send(node, { t: 'op', term: dc.term, rsc, action });
  }

  // ---- output ----

  #beat(now: number): void {
    const dc = this.#dc;
    if (dc) {
      dc.beat++;
      dc.beatSent.set(dc.beat, now);
      dc.beatSent.delete(dc.beat - Math.ceil(this.#lease / this.o.keepaliveMs) - 4);
    }
    const quorate = this.#quorate(now);
    const ackable = this.#role === 'member' && this.#dcBeat && compareTerm(this.#joinedTerm, this.#persisted.promised) >= 0;
    // Shared by the links' heartbeats (nothing changes a heartbeat once built).
    let members: string[] = [];
    if (dc) {
      if (this.#beatMembersVer !== this.#placeVer) {
        this.#beatMembers = [...dc.joined.keys()];
        this.#beatMembersVer = this.#placeVer;
      }
      members = this.#beatMembers;
    }
    const ack = ackable ? { term: this.#joinedTerm!, beat: this.#dcBeat!.beat } : null;
    // The same key object while the copy is the same (a heartbeat is never changed once built).
    if (this.#beatKey.copy !== this.#persisted.copy) this.#beatKey = { copy: this.#persisted.copy, key: keyOf(this.#persisted.copy) };
    const key = this.#beatKey.key;
    for (let l = 0; l < this.o.links; l++) {
      const hb: Heartbeat = {
        t: 'hb',
        link: l,
        role: this.#role,
        dc: this.#role === 'dc' ? this.o.name : this.#following,
        term: dc?.term ?? this.#joinedTerm,
        beat: dc?.beat ?? 0,
        quorate: dc ? quorate : false,
        quorateFor: dc && quorate ? Math.min(dc.quorateUntil - now, this.#lease) : 0,
        votes: dc ? this.#memberVotes() : 0,
        members,
        ack,
        key,
      };
      this.#frame(null, l, hb);
    }
    this.#nextBeat = now + this.o.keepaliveMs;
  }

  #retransmit(now: number): void {
    if (Number.isNaN(this.#nextRetransmit)) this.#nextRetransmit = now + (this.o.retransmitMs ?? Math.max(1, this.o.keepaliveMs / 2));
    if (now < this.#nextRetransmit) return;
    let any = false;
    for (const p of this.#peerList) {
      if (!p.out || p.out.unacked.size === 0) continue;
      if (!p.alive) {
        p.out = new OutChannel(p.gen, p.out.epoch + 1);
        p.retxOldest = 0;
        continue;
      }
      any = true;
      // Backoff while nothing is acknowledged; back to every round once the oldest is.
      const oldest = p.out.unacked.keys().next().value as number;
      if (oldest !== p.retxOldest) {
        p.retxOldest = oldest;
        p.retxBackoff = 1;
        p.retxWait = 0;
      }
      if (p.retxWait > 0) {
        p.retxWait--;
        continue;
      }
      p.retxWait = p.retxBackoff - 1;
      p.retxBackoff = Math.min(2 * p.retxBackoff, MAX_RETRANSMIT_BACKOFF);
      const ep = p.out.epoch;
      // The oldest few only: the receiver acknowledges cumulatively, and a long queue (the parts
      // of a large message, a backlog after a partition) resent whole every round would flood a
      // slow receiver with what it already holds.
      let budget = RETRANSMIT_WINDOW;
      for (const [cseq, msg] of p.out.unacked) {
        if (budget-- <= 0) break;
        for (let l = 0; l < this.o.links; l++) this.#frame(p.name, l, { t: 'data', toGen: p.gen, ep, cseq, msg });
      }
    }
    this.#nextRetransmit = any ? now + (this.o.retransmitMs ?? Math.max(1, this.o.keepaliveMs / 2)) : Number.POSITIVE_INFINITY;
  }

  #nextWake(now: number): number {
    let at = Math.min(this.#nextBeat, this.#nextRetransmit);
    // The earliest of these times after now (no closure: this runs after every event).
    for (const p of this.#peerList) if (p.alive) at = earliestAfter(now, at, p.lastAny + this.o.deadtimeMs + 1);
    if (this.#role === 'seeking') {
      at = earliestAfter(now, at, this.#bootAt + this.#lease);
      at = earliestAfter(now, at, this.#initdeadEnd());
      at = earliestAfter(now, at, Math.max(this.#seekingSince, this.#initdeadEnd()) + this.o.deadtimeMs + 1);
    }
    const dc = this.#dc;
    if (dc) {
      at = earliestAfter(now, at, dc.quorateUntil);
      if (dc.inflight) at = earliestAfter(now, at, dc.inflight.at + this.o.deadtimeMs + 1);
      if (dc.phase === 'stable' && this.o.fencing) at = earliestAfter(now, at, dc.stableAt + this.o.deadtimeMs);
      for (const op of dc.pendingOps.values()) at = earliestAfter(now, at, op.at + this.o.deadtimeMs);
    }
    const b = this.#dcBeat;
    if (b?.hb.quorate) at = earliestAfter(now, at, b.at + b.hb.quorateFor);
    return Math.max(at, now + 1);
  }

  #persist(patch: Partial<Persisted<C>>): void {
    // The peers' marks ride along every write (and are written at least every PEER_MARKS_MS).
    const peers: Record<string, { gen: number; seq: number }> = { ...this.#persisted.peers };
    for (const p of this.#peerList) if (p.guard.gen >= 0) peers[p.name] = { gen: p.guard.gen, seq: p.guard.max };
    this.#marksAt = this.#lastNow;
    this.#persisted = { ...this.#persisted, ...patch, peers };
    this.#emit({ type: 'persist', state: this.#persisted });
  }

  #emit(e: Effect<C>): void {
    this.#out.push(e);
  }

  #log(level: 'info' | 'warn' | 'error', msg: string): void {
    this.#out.push({ type: 'log', level, msg });
  }
}

/**
 * The longest the rest of a `sync` or `copy` message can be as JSON text, beyond its copy and its
 * term's DC name: `{"t":"sync","term":{"n":N,"dc":""},"copy":}` with any number N (≤ 24
 * characters), padded.
 */
const MSG_TEXT_OVERHEAD = 64;

/** The JSON text length of each copy measured (copies are never changed in place: a change is a new copy). */
const copyLengths = new WeakMap<object, number>();

/** The copy measured last, and its length: a copy goes to every member in a row (no WeakMap lookup each). */
let lastCopy: object | null = null;
let lastCopyLength = 0;

function copyTextLength(copy: object): number {
  if (copy === lastCopy) return lastCopyLength;
  let n = copyLengths.get(copy);
  if (n === undefined) {
    n = JSON.stringify(copy).length;
    copyLengths.set(copy, n);
  }
  lastCopy = copy;
  lastCopyLength = n;
  return n;
}

/** What {@link MemberNode.step} returns when an event has no effects (frozen: shared by every call). */
const NO_EFFECTS: readonly Effect<never>[] = Object.freeze([]);

/** `t` if it is after `now` and before `at`, else `at`. */
function earliestAfter(now: number, at: number, t: number): number {
  return t > now && t < at ? t : at;
}

function keyOf(c: CopyKey): CopyKey {
  return { term: c.term, version: c.version };
}

/** Orders DC claims as a seeking node picks one: quorate, more votes, later term, smaller name. */
function dcRank(a: Heartbeat, an: string, b: Heartbeat, bn: string): number {
  if (a.quorate !== b.quorate) return a.quorate ? 1 : -1;
  if (a.votes !== b.votes) return a.votes - b.votes;
  return compareTerm(a.term, b.term) || (an < bn ? 1 : an > bn ? -1 : 0);
}
