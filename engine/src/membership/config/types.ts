/** A heartbeat medium: one link the cluster talks over (several media = redundant links). */
export type Medium =
  | { kind: 'bcast'; interface: string }
  | { kind: 'mcast'; interface: string; group: string; port: number; ttl: number; loop: boolean }
  | { kind: 'ucast'; interface: string; peer: string };

/** HMAC methods of `authkeys`; `crc` authenticates nothing and needs an explicit opt-in. */
export type AuthMethod = 'sha256' | 'sha1' | 'md5' | 'crc';

/** The active key of `authkeys` (`auth N` and its `N method key` line). */
export interface AuthKey {
  index: number;
  method: AuthMethod;
  key: string;
}

/** A warning about a configuration file: where, and why it was ignored or mapped. */
export interface ConfigWarning {
  file: string;
  line: number;
  message: string;
}

/** Quorum as votequorum has it: votes per node (default 1), majority, two_node, wait_for_all. */
export interface QuorumConfig {
  votes: Record<string, number>;
  twoNode: boolean;
  waitForAll: boolean;
}

/** Everything membership needs, whichever file it came from (ha.cf or cluster.json). */
export interface ClusterConfig {
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  udpport: number;
  media: Medium[];
  /** Cluster node names (ha.cf `node`), in file order, without duplicates. */
  nodes: string[];
  /** ha.cf `crm`/`pacemaker`: whether this node runs the cluster resource manager (controller). */
  crm: 'on' | 'respawn' | 'off';
  logging: { useLogd: boolean; facility: string | null; logfile: string | null; debugfile: string | null };
  /** From `auto_failback`: the resource-stickiness it means (on → 0, off → INFINITY), when given. */
  stickiness?: number | 'INFINITY';
  quorum: QuorumConfig;
  /** Whether authkeys may use `crc` (no authentication at all). */
  allowCrc: boolean;
}

/** Heartbeat's defaults (ha.cf man page / Heartbeat 2.1): keepalive 1 s... made explicit. */
export const DEFAULTS = {
  keepaliveMs: 1000,
  deadtimeMs: 30_000,
  udpport: 694,
} as const;
