/**
 * Heartbeat-style membership: configuration (ha.cf, authkeys, cluster.json), the pure protocol
 * state machine, and the UDP daemon shell. See README.md.
 */
export * from './config/index';
export { type DropCounters, MemberNode, type NodeView } from './protocol/member-node';
export type { Codec, Effect, Frame, Heartbeat, NodeEvent, Persisted, ProtocolMsg, Role } from './protocol/messages';
export { type ApplyUpdate, leaseMs, type NodeOptions as MemberNodeOptions, type NoQuorumPolicy, quorumThreshold } from './protocol/options';
export { type Copy, type CopyKey, compareKey, compareTerm, compareVersion, formatKey, type Term, type Version } from './protocol/term';
export { hmacCodec } from './transport/hmac-codec';
export { type MemberDaemon, type MemberDaemonOptions, startMemberDaemon } from './transport/member-daemon';
