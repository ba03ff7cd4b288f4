import type { Cib, LrmResource, Primitive, Resource } from './cib-model.js';
import type { TicketDependency, TicketState } from './tickets.js';
import type { PlacementStrategy } from './utilization.js';

/** A resource's role, as Pacemaker names them. */
export type Role = 'Stopped' | 'Started' | 'Unpromoted' | 'Promoted';

/** Role rank for comparisons (Pacemaker's enum order). */
export const roleRank: Record<Role, number> = { Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

/** A cluster node during one scheduler run. */
export interface WNode {
  id: string;
  uname: string;
  online: boolean;
  standby: boolean;
  /** Put in standby by a failure with on-fail=standby. */
  standbyOnFail?: boolean;
  unclean: boolean;
  /** Online and shutting down cleanly (the `shutdown` node attribute): runs nothing, is not fenced. */
  shutdown: boolean;
  /** Up but not yet joined (Pacemaker's pending node): standby, and no action can run on it, probes included. */
  pending?: boolean;
  maintenance: boolean;
  /** Attributes rules see: configured, then transient (which win), plus #uname/#id/#kind/#is_dc. */
  attrs: Map<string, string>;
  /** How many resources the scheduler has assigned here so far (a tie-breaker). */
  numResources: number;
  /** Capacity left, by utilization name (placement strategies other than `default` only). */
  capacity?: Map<string, number>;
  /**
   * A Pacemaker Remote node (remote-nodes.ts): its connection's id (none when left without one), its unpacking
   * state, and for a guest node the id of the resource it runs in (containers.ts).
   */
  remote?: { connection?: string; unseen: boolean; requiresReset: boolean; unpacked: boolean; wasFenced: boolean; container?: string };
}

/** A colocation between two resources, as the scheduler uses it. */
export interface Coloc {
  id: string;
  dependent: WRsc;
  primary: WRsc;
  score: number;
  dependentRole?: Role;
  primaryRole?: Role;
  nodeAttribute?: string;
  influence: boolean;
  /**
   * A bundle's guest connection with its container (Pacemaker's `pe_rsc_allow_remote_remotes`):
   * the connection never moves a clean container active on one node.
   */
  bundleConnection?: true;
}

/** An ordering between two resource actions. */
export interface Ordering {
  id: string;
  first: WRsc;
  firstAction: string;
  then: WRsc;
  thenAction: string;
  kind: 'Mandatory' | 'Optional' | 'Serialize';
  symmetrical: boolean;
  /**
   * How many instances of a `first` clone must be able to start before `then` may (its `clone-min`,
   * or 1 for `require-all=false`); 0 when every instance counts.
   */
  minFirst: number;
  /**
   * A `require-all=false` resource set's pseudo action (`one-or-more:<set>`): `then` may start once
   * any one `first` of the orderings sharing it (and this `then`) can (resource-sets.ts).
   */
  anyOf?: string;
  /**
   * From a resource set: Pacemaker takes the ordering's flags from the `then` action
   * (`order_rsc_sets`; within one set both actions are the set's), not from the `first` one.
   */
  fromSet?: true;
  /** Added by the scheduler itself (Pacemaker's `pe_order_preserve`), not an order constraint. */
  internal?: boolean;
  /**
   * Symmetrical for what `then` must do (restarted with `first`) but without the stop-before-stop
   * ordering: the stops on a guest node being reset follow its fencing instead (containers.ts).
   */
  startOnly?: boolean;
  /**
   * An Optional order whose `then` has the deprecated meta attribute `restart-type=restart`: it
   * implies its `then` (and its inverse its `first`) as a Mandatory one does (restart-type.ts).
   */
  restartType?: true;
}

type Variant = 'primitive' | 'group' | 'clone';

/** Pacemaker's variant order: clones are processed before groups before primitives. */
export const variantRank: Record<Variant, number> = { primitive: 0, group: 1, clone: 2 };

/** A resource during one scheduler run (its mutable scheduling state lives here). */
export interface WRsc {
  id: string;
  variant: Variant;
  config: Resource;
  parent?: WRsc;
  children: WRsc[];
  meta: Map<string, string>;
  priority: number;
  stickiness: number;
  migrationThreshold: number;
  failureTimeoutS: number;
  managed: boolean;
  critical: boolean;
  promotable: boolean;
  /**
   * `globally-unique=true` (set on a clone, inherited by its instances): every instance is a
   * distinct resource with its own history (`rsc:N`), fail counts and promotion score.
   */
  unique: boolean;
  /**
   * A clone's `clone-max` when it asks for more instances than its nodes can ever run and only
   * those were created (see `cloneInstanceCount`); agents are still told the configured value.
   */
  configuredMax?: number;
  /** Allowed nodes and their scores, by uname (absent = not allowed). */
  allowed: Map<string, number>;
  runningOn: WNode[];
  role: Role;
  nextRole?: Role;
  failed: boolean;
  /** Nodes where the resource failed and must be recovered (stopped there, then started again). */
  failedOn: WNode[];
  /** Nodes where a failure with on-fail=demote asks for the promoted instance to be demoted. */
  demoteOn: WNode[];
  /** on-fail=block (or a failed stop nothing can recover): left as it is, no actions. */
  blocked: boolean;
  /** Frozen by a lost ticket (`loss-policy=freeze`) while active: blocked for scheduling only. */
  ticketFrozen?: boolean;
  /** A failure of it was ignored (on-fail=ignore): migration-threshold does not apply to it. */
  failureIgnored?: boolean;
  /** An operation still pending (the first one found, probes aside) and its node: crm_mon shows "Starting". */
  pending?: { task: string; node: string };
  /** A start is pending in its history (on any node): Pacemaker asks for it again where it stays. */
  startPending?: boolean;
  /** Targets of a migrate_to pending on an unclean node: stopped there (Pacemaker forces the stop). */
  pendingMigrationStops?: WNode[];
  /** Nodes where its definition changed since it started (definition-change.ts): restarted there. */
  definitionChangedOn?: WNode[];
  /**
   * A changed digest forces its restart (Pacemaker's force_restart): a required start created before
   * assignment, with no node, so unrunnable — which no-quorum-policy=freeze never makes runnable again.
   */
  restartForced?: boolean;
  /** Nodes where only reloadable parameters changed: reloaded there, unless restarted anyway. */
  reloadOn?: WNode[];
  /** Recurring monitors to schedule again (their failure expired, or their definition changed), by node uname. */
  rescheduled?: Map<string, number[]>;
  /** Kept from starting by no-quorum-policy=freeze: its start exists but cannot run. */
  frozen?: boolean;
  /** Its stop cannot run (it must follow the stop of a resource that cannot stop): held in place. */
  stopBlocked?: boolean;
  /** Assigned to this node, but its start cannot run (the summary lists the start, blocked). */
  blockedStartOn?: WNode;
  /**
   * Blocked (applyBlocking) where it was assigned: its start there exists but cannot run, and is
   * required all the same (a new start, or a stop the blocking makes required restarts it), which
   * makes its clone's start and running required (Pacemaker's summary flags of a clone action).
   */
  unrunnableStartOn?: WNode;
  /** The blocked start was of an instance chosen for promotion (the summary lists a blocked promote from Stopped). */
  blockedStartPromoted?: boolean;
  /** Chosen for promotion, but its promote cannot run (a mandatory `rsc-role=Promoted` colocation with a resource that cannot start): it stays unpromoted, listed as a blocked promote. */
  blockedPromote?: boolean;
  /** Held in place although it was to stop or move (the summary lists the stop, blocked). */
  blockedStop?: boolean;
  /**
   * Cluster nodes that left cleanly where it stays active besides its own node: their stop is
   * optional and cannot run (schedule.ts, staysWithOptionalStops).
   */
  keptOn?: WNode[];
  /** The next role decided before assignment (target-role, on-fail=stop, a failed promote...). */
  initialNextRole?: Role;
  provisional: boolean;
  allocating: boolean;
  merging: boolean;
  assignedTo?: WNode;
  /** The node's score when the resource was assigned there (Pacemaker's `allocated_to` weight). */
  assignedScore?: number;
  thisWith: Coloc[];
  withThis: Coloc[];
  /** A clone instance beyond clone-max found active in the history: it is only ever stopped. */
  orphan?: boolean;
  /** The history id an anonymous clone instance was found under, when not its own id. */
  cloneName?: string;
  /** The history entries (`lrm_resource`) unpacking matched to this primitive, by node uname. */
  foundUnder?: Map<string, LrmResource[]>;
  /** Nodes where the resource's history is known (probed or run), by uname. */
  knownOn: Set<string>;
  /** The primitive's configuration (for primitives). */
  primitive?: Primitive;
  /** The resource its `container` meta attribute names: it lives inside it (containers.ts). */
  container?: WRsc;
  /** The primitives living inside it (whose `container` it is). */
  fillers?: WRsc[];
  /** What a primitive consumes of its node's capacity (placement strategies other than `default` only). */
  utilization?: Map<string, number>;
  /** `resource-discovery` of the location constraints naming it, by node (resource-discovery.ts; absent = always). */
  discovery?: Map<string, 'never' | 'exclusive'>;
  /** A location constraint gave it `resource-discovery=exclusive`. */
  exclusiveDiscovery?: boolean;
  /** Locked to the node it was shut down on, since `time` (shutdown-locks.ts): banned from every other node. */
  shutdownLock?: { node: WNode; time: number };
  /** A bundle replica's container: assigned to the node it is active on whenever it may stay there (bundles.ts). */
  bundleReplica?: boolean;
  /** A bundle's child clone: its bundle's guest nodes in replica order; instance N lives in replica N (bundles.ts). */
  bundleGuests?: readonly string[];
  /** A bundle replica's container: all its bundle's containers in replica order, and `replicas-per-host` (bundles.ts). */
  bundleReplicas?: { readonly all: readonly WRsc[]; readonly perHost: number };
  /**
   * A resource a bundle implies (container, IP, guest connection; bundles.ts): its parameters are
   * Pacemaker's own making, not the CIB's, so its history's digests are not compared.
   */
  bundleImplied?: boolean;
  /**
   * INFINITY colocations with a bundle of several replicas (bundle-constraints.ts): the bundle's
   * parts are assigned first, then the resource may run only where one of the containers runs.
   */
  withBundle?: { readonly id: string; readonly containers: readonly WRsc[]; readonly parts: readonly WRsc[] }[];
  /** What its migration history says (migration-history.ts): a partial migration, stops still due, no migrating. */
  migration?: { partial?: { source: WNode; target: WNode }; dangling: WNode[]; failed: boolean };
}

/** Everything one scheduler run works on. */
export interface WorkingSet {
  cib: Cib;
  now: number;
  /** When a date rule's outcome next changes (date-rules.ts): the scheduler must run again then. */
  dateRecheckAt?: number;
  options: Map<string, string>;
  stonithEnabled: boolean;
  symmetric: boolean;
  haveQuorum: boolean;
  noQuorumPolicy: string;
  stopAll: boolean;
  /** Ticket states and the dependencies on them (tickets.ts; set by applyTickets). */
  ticketStates?: Map<string, TicketState>;
  ticketDependencies?: TicketDependency[];
  maintenanceMode: boolean;
  haveStonithResource: boolean;
  nodes: WNode[];
  nodeByName: Map<string, WNode>;
  /** Top-level resources in allocation order (priority, then CIB order). */
  resources: WRsc[];
  byId: Map<string, WRsc>;
  primitives: WRsc[];
  colocations: Coloc[];
  orderings: Ordering[];
  /** Operation history by node uname, then by history name (anonymous clone instances under their base id). */
  history: Map<string, Map<string, LrmResource>>;
  /**
   * Receives each score line as crm_simulate prints it, in the order computed; undefined when
   * nobody asked (then no line is even formatted).
   */
  onScore: ((line: string) => void) | undefined;
  warnings: string[];
  /** `placement-strategy` (utilization.ts); undefined counts as `default`. */
  placementStrategy?: PlacementStrategy;
}

/**
 * Whether a resource or anything in it is blocked (on-fail=block, or a failed stop nothing can
 * recover): such an instance is left where it failed and counts for nothing else.
 *
 * @example
 * isBlocked(ws.byId.get('db:0')!) // true after an unrecoverable stop failure
 */
export function isBlocked(r: WRsc): boolean {
  return r.blocked || r.children.some(isBlocked);
}

/**
 * A cluster node that is down and clean (not in maintenance): nothing can run there and it will
 * not be fenced, so a managed resource's stop there cannot run, and such a stop makes the node
 * unclean (Pacemaker's update_resource_action_runnable, "stop is unrunnable"). Its history is read
 * at all only with shutdown locks on and fencing off.
 *
 * @example
 * stopCannotRunOn(ws.nodeByName.get('node4')!) // true for a node that left cleanly
 */
export function stopCannotRunOn(n: WNode): boolean {
  return !n.online && !n.unclean && !n.maintenance && n.remote === undefined;
}
