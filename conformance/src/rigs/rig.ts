import type { ExecResult } from './docker-nodes';

export type RigKind = 'pacemaker' | 'docker' | 'local';
export const RIG_KINDS: readonly RigKind[] = ['pacemaker', 'docker', 'local'];

/** A resource as the cluster reports it: where it is active, and whether it has failed there. */
export interface ResourceState {
  id: string;
  /** Nodes where it is active (a clone's instances: one per node). */
  nodes: string[];
  failed: boolean;
}

/** What the cluster says about itself, as one node sees it. */
export interface ClusterStatus {
  /** The node that answered. */
  via: string;
  dc?: string;
  quorate: boolean;
  online: string[];
  resources: Map<string, ResourceState>;
  /** Transient node attributes, by node. */
  attributes: Map<string, Record<string, string>>;
  /** Fail counts by `resource@node`. */
  failCounts: Map<string, number>;
}

/**
 * A multi-node rig: the nodes of docker-compose.yml running one cluster stack. The scenarios only
 * use this interface, so they run on every rig.
 */
export interface Rig {
  readonly kind: RigKind;
  readonly nodes: readonly string[];
  /** The seed's VIP on the rig's lan (host 100 of its subnet), when the rig knows its lan. */
  readonly vip?: string;
  /** The shared disk as the nodes see it (default /shared): PostgreSQL's data directory, diskcheck's write_dir. */
  readonly shared?: string;
  /** Creates and starts every node with `cib` as the seed configuration; resolves when all are members. */
  up(cib: string, progress: (line: string) => void): Promise<void>;
  /** The cluster's view from `via` (default: the first node that answers). */
  status(via?: string): Promise<ClusterStatus>;
  /** A node that dies at once (SIGKILL of every process of the node). */
  kill(node: string): Promise<void>;
  /** Starts a killed node again (fresh /run, same disks). */
  start(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  /** Cuts the node off every cluster link (a partition of one). */
  isolate(node: string): Promise<void>;
  /** Undoes isolate. */
  reconnect(node: string): Promise<void>;
  /** Makes a mount point of the node read-only for new writes (a disk fault) or writable again. */
  remount(node: string, path: string, mode: 'ro' | 'rw'): Promise<ExecResult>;
  /** Whether the node is running and reachable by exec. */
  isUp(node: string): Promise<boolean>;
  exec(node: string, argv: readonly string[], o?: { timeoutMs?: number; privileged?: boolean }): Promise<ExecResult>;
  /** Runs argv on the client, a machine on the lan outside the cluster. */
  client(argv: readonly string[], o?: { timeoutMs?: number }): Promise<ExecResult>;
  /** The node's cluster logs (for failure reports). */
  logs(node: string, lines?: number): Promise<string>;
  /** The node's log files beyond logs(), by file name (pacemaker.log, corosync.log), where the stack writes them. */
  logFiles?(node: string): Promise<Record<string, string>>;
  down(): Promise<void>;
  /** Removes the rig for good (an interrupted run): what is being created goes too, nothing is created afterwards. */
  abort(): Promise<void>;
}
