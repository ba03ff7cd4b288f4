/** One action of a transition. */
export interface GraphAction {
  /** Dense index, also the position in `actions`. */
  id: number;
  /** Pacemaker's operation key, e.g. `web_start_0`, `web_monitor_10000`; `stonith-<node>-<reboot|off>` for fencing. */
  key: string;
  task:
    | 'start'
    | 'stop'
    | 'promote'
    | 'demote'
    | 'monitor'
    | 'stonith'
    | 'delete'
    | 'migrate_to'
    | 'migrate_from'
    | 'notify'
    | 'reload-agent';
  rsc?: string;
  node: string;
  intervalMs: number;
  /** A probe is a one-shot monitor that finds out whether the resource is active. */
  probe: boolean;
  /** Implied by fencing: not executed, the node is already down. */
  pseudo: boolean;
  /** A monitor of the promoted role (expects rc 8). */
  promoted?: boolean;
  /** A monitor of the Stopped role: it checks that the resource is not running (expects rc 7). */
  stoppedRole?: boolean;
  /** Operation timeout in milliseconds, when configured. */
  timeoutMs?: number;
  /** A migration action's source and target node (`CRM_meta_migrate_source`/`_target`). */
  migration?: { source: string; target: string };
  /** A clone notification's `notify_*` meta attributes (notify actions, and the instance actions they are about). */
  notify?: Record<string, string>;
  /** The synapse priority when the action sets its own (post notifications: INFINITY). */
  priority?: number;
  /** Everything needed to execute the action without the CIB (filled by `schedule()`; made when first read, then kept). */
  detail?: ActionDetail;
}

/** The agent a resource action runs. */
export interface ActionAgent {
  /** The resource id the agent and the history see (an anonymous clone instance's configured id). */
  id: string;
  /** The instance id (`db:1`) when it differs from `id`. */
  longId?: string;
  /**
   * An anonymous clone instance's history entries on the action's node, as crm_simulate records
   * its result: the first of these the node has, else a new one under the last (history-id.ts).
   */
  historyIds?: string[];
  class: string;
  provider?: string;
  type: string;
}

/**
 * A self-contained action, as Pacemaker's transition graph carries it: what to run where, with
 * which parameters and meta attributes, and what result to expect.
 */
export interface ActionDetail {
  /** `rsc_op` runs an agent, `pseudo_event` only orders, `crm_event` is fencing or another cluster action. */
  tag: 'rsc_op' | 'pseudo_event' | 'crm_event';
  /** `operation_key` as the graph writes it (the configured id for an anonymous clone instance with history). */
  operationKey: string;
  /** The instance's key (`db:1_start_0`) when it differs from `operationKey`. */
  internalKey?: string;
  /** The target node's id (`on_node_uuid`). */
  nodeUuid: string;
  agent?: ActionAgent;
  /**
   * Every attribute the agent is given, sorted by name: instance parameters evaluated for the
   * node, the operation's own parameters, `crm_feature_set` and the `CRM_meta_*` values.
   */
  attributes: Record<string, string>;
  /** Parameters whose names start with a digit (the graph writes them as `<param>` children). */
  extraParams?: Record<string, string>;
  /** The rc that means success (`CRM_meta_op_target_rc`, 0 when absent). */
  targetRc: number;
  timeoutMs: number;
  /** The synapse priority (0 when none). */
  priority: number;
  /** Node ids a fencing action takes down. */
  downed?: string[];
  /**
   * `shutdown-lock`: the resource is locked to this node since then (shutdown-locks.ts); the
   * controller records it with a stop's result and clears it with any other action's.
   */
  shutdownLock?: number;
}

/** `before` must complete before `after` may begin (indices into `actions`). */
export interface GraphEdge {
  before: number;
  after: number;
}

/** A transition graph: actions and the orderings between them. */
export interface TransitionGraph {
  actions: GraphAction[];
  edges: GraphEdge[];
  /** The `<transition_graph>` attributes (cluster-delay, batch-limit, recheck-by...), filled by `schedule()`. */
  attrs?: Record<string, string>;
}

/** Action ids an edge key can hold (2^26, so that two fit a double exactly). */
const EDGE_ID_LIMIT = 67_108_864;

/** A graph under construction: actions deduplicated by key+node. */
export class GraphBuilder {
  readonly actions: GraphAction[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly index = new Map<string, number>();
  /** Each edge as one number, `before * 2^26 + after`: exact while ids are under 2^26 (67 million). */
  private readonly edgeSet = new Set<number>();

  /** Adds (or finds) an action and returns its id. */
  add(a: Omit<GraphAction, 'id'>): number {
    const k = `${a.key}@${a.node}`;
    const found = this.index.get(k);
    if (found !== undefined) return found;
    const id = this.actions.length;
    this.actions.push({ id, ...a });
    this.index.set(k, id);
    return id;
  }

  /** The id of an existing action, if any. */
  find(key: string, node: string): number | undefined {
    return this.index.get(`${key}@${node}`);
  }

  /** Orders `before` ahead of `after` (ignored for self-edges and duplicates). */
  order(before: number | undefined, after: number | undefined): void {
    if (before === undefined || after === undefined || before === after) return;
    if (before >= EDGE_ID_LIMIT || after >= EDGE_ID_LIMIT)
      throw new Error(`GraphBuilder: action id ${Math.max(before, after)} is past ${EDGE_ID_LIMIT}`);
    const k = before * EDGE_ID_LIMIT + after;
    if (this.edgeSet.has(k)) return;
    this.edgeSet.add(k);
    this.edges.push({ before, after });
  }

  build(): TransitionGraph {
    return { actions: this.actions, edges: [...this.edges].sort((a, b) => a.before - b.before || a.after - b.after) };
  }
}

export { opKey } from '../pcmk/op-key.js';
