/** One action of a transition. */
export interface GraphAction {
  /** Dense index, also the position in `actions`. */
  id: number;
  /** Pacemaker's operation key, e.g. `web_start_0`, `web_monitor_10000`; `stonith-<node>-<reboot|off>` for fencing. */
  key: string;
  task: 'start' | 'stop' | 'promote' | 'demote' | 'monitor' | 'stonith';
  rsc?: string;
  node: string;
  intervalMs: number;
  /** A probe is a one-shot monitor that finds out whether the resource is active. */
  probe: boolean;
  /** Implied by fencing: not executed, the node is already down. */
  pseudo: boolean;
  /** A monitor of the promoted role (expects rc 8). */
  promoted?: boolean;
  /** Operation timeout in milliseconds, when configured. */
  timeoutMs?: number;
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
}

/** A graph under construction: actions deduplicated by key+node. */
export class GraphBuilder {
  readonly actions: GraphAction[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly index = new Map<string, number>();
  private readonly edgeSet = new Set<string>();

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
    const k = `${before}>${after}`;
    if (this.edgeSet.has(k)) return;
    this.edgeSet.add(k);
    this.edges.push({ before, after });
  }

  build(): TransitionGraph {
    return { actions: this.actions, edges: [...this.edges].sort((a, b) => a.before - b.before || a.after - b.after) };
  }
}

export { opKey } from '../pcmk/op-key.js';
