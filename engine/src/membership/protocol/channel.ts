/**
 * Reliable, ordered delivery to one peer incarnation over a network that drops, duplicates and
 * reorders: every message gets a channel sequence number; the receiver delivers in order,
 * buffers what arrives early, drops what it already delivered, and acknowledges cumulatively;
 * the sender retransmits everything unacknowledged every retransmit interval. A restart of either
 * side (a new generation) starts a new channel: messages for a dead incarnation are meaningless,
 * the protocol above re-synchronises on join. The sender also starts a new channel epoch when it
 * gives up on a peer it declared dead (dropping its queue); the receiver starts afresh on a new
 * epoch instead of waiting forever for the messages that were dropped.
 */
export class OutChannel<M> {
  next = 1;
  readonly unacked = new Map<number, M>();
  constructor(
    readonly peerGen: number,
    readonly epoch = 0,
  ) {}

  /** Queues `msg`; returns its channel sequence number. */
  push(msg: M): number {
    const seq = this.next++;
    this.unacked.set(seq, msg);
    return seq;
  }

  ack(upTo: number): void {
    for (const s of this.unacked.keys()) if (s <= upTo) this.unacked.delete(s);
  }
}

/** What {@link InChannel.receive} returns for a duplicate (frozen: shared by every call). */
const NOTHING: readonly never[] = Object.freeze([]);

export class InChannel<M> {
  expected = 1;
  readonly early = new Map<number, M>();
  constructor(
    readonly peerGen: number,
    readonly epoch = 0,
  ) {}

  /** Accepts message `seq`; returns the messages now deliverable, in order (none for a duplicate). */
  receive(seq: number, msg: M): readonly M[] {
    if (seq < this.expected || this.early.has(seq)) return NOTHING;
    this.early.set(seq, msg);
    const out: M[] = [];
    for (let m = this.early.get(this.expected); m !== undefined; m = this.early.get(this.expected)) {
      this.early.delete(this.expected);
      this.expected++;
      out.push(m);
    }
    return out;
  }

  /** The cumulative acknowledgement: everything below `expected` was delivered. */
  get ackUpTo(): number {
    return this.expected - 1;
  }
}
