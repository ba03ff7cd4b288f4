import type { Copy, CopyKey, Term } from './term';

export type Role = 'seeking' | 'member' | 'dc';

/** A heartbeat, sent on every link every keepalive (not retransmitted). */
export interface Heartbeat {
  t: 'hb';
  link: number;
  role: Role;
  /** The DC this node follows (itself when DC), or null while seeking. */
  dc: string | null;
  /** The term this node follows or leads. */
  term: Term | null;
  /** DC only: the heartbeat round number, which members echo in `ack` (the lease). */
  beat: number;
  /** DC only: whether it has quorum, and for how long it is sure to keep it (ms). */
  quorate: boolean;
  quorateFor: number;
  /** DC only: the votes of its joined members (merge priority), and who they are. */
  votes: number;
  members: string[];
  /** Member only: the last beat of its DC it saw, in the term it joined (grants the DC a lease). */
  ack: { term: Term; beat: number } | null;
  key: CopyKey;
}

/** Messages of the cluster protocol, carried by the reliable channel. */
export type ProtocolMsg<C, O> =
  | { t: 'join'; term: Term; promised: Term | null; key: CopyKey; running: string[] }
  | { t: 'sync'; term: Term; copy: Copy<C> }
  | { t: 'synced'; term: Term; key: CopyKey }
  | { t: 'fetch'; term: Term }
  | { t: 'copy'; term: Term; copy: Copy<C> }
  | { t: 'update'; id: string; op: O }
  | { t: 'updated'; id: string; ok: boolean; error?: string }
  | { t: 'op'; term: Term; rsc: string; action: 'start' | 'stop' }
  | { t: 'status'; term: Term; running: string[] }
  | { t: 'release'; term: Term }
  /** An application message (the node daemon's controller traffic) between a DC and its members. */
  | { t: 'app'; term: Term; body: unknown }
  /**
   * Part `i` of `n` of a message too large for one datagram: its JSON text, cut (fragment.ts). The
   * channel delivers the parts in a row; the receiver handles the message once the last is in.
   */
  | { t: 'frag'; i: number; n: number; part: string };

/** What travels in a frame: a heartbeat, a channel message, or a channel acknowledgement. */
export type Body<C, O> =
  | Heartbeat
  | { t: 'data'; toGen: number; ep: number; cseq: number; msg: ProtocolMsg<C, O> }
  | { t: 'ack'; toGen: number; ep: number; upTo: number };

/** One authenticated unit on the wire: sender, boot generation, sequence number, body. */
export interface Frame<C, O> {
  from: string;
  gen: number;
  seq: number;
  /** Recipient node, or null for everyone (heartbeats). */
  to: string | null;
  body: Body<C, O>;
}

/**
 * Turns frames into wire data and back, authenticating them (the real one: JSON + HMAC with the
 * authkeys key). `open` returns null for anything it cannot authenticate or parse.
 */
export interface Codec<C, O> {
  seal(frame: Frame<C, O>): unknown;
  open(wire: unknown): Frame<C, O> | null;
}

/** Events a node's state machine reacts to; `now` is the node's monotonic clock in ms. */
export type NodeEvent<O> =
  | { type: 'wire'; now: number; link: number; wire: unknown }
  | { type: 'wake'; now: number }
  | { type: 'update'; now: number; id: string; op: O }
  | { type: 'opDone'; now: number; rsc: string; action: 'start' | 'stop'; ok: boolean }
  | { type: 'fenced'; now: number; target: string; ok: boolean }
  /**
   * Sends an application message reliably: from a DC to one of its members, or from a member to
   * its DC (`to: 'dc'`). Dropped when that relation does not hold (no DC, not a member).
   */
  | { type: 'app'; now: number; to: string | 'dc'; body: unknown };

/** What a node persists (synchronously, before the effects after it): survives restarts. */
export interface Persisted<C> {
  generation: number;
  promised: Term | null;
  copy: Copy<C>;
  /**
   * What this node saw of each peer: its boot generation and the highest frame sequence number
   * (as of the last write). After a restart, frames of an older generation stay stale and those of
   * that generation up to `seq` stay replays: replay protection survives the restart.
   */
  peers?: Record<string, { gen: number; seq: number }>;
}

/** Effects the shell performs, in order. */
export type Effect<C> =
  | { type: 'send'; link: number | 'all'; to: string | null; wire: unknown }
  | { type: 'wake'; at: number }
  | { type: 'persist'; state: Persisted<C> }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { type: 'updated'; id: string; ok: boolean; error?: string }
  | { type: 'runOp'; rsc: string; action: 'start' | 'stop' }
  | { type: 'fence'; target: string }
  | { type: 'changed'; what: 'membership' | 'dc' | 'quorum' | 'cib' }
  /** An application message arrived: from this node's DC, or (on a DC) from one of its members. */
  | { type: 'deliver'; from: string; body: unknown };
