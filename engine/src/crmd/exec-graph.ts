/**
 * The graph the controller executes: the scheduler's transition graph, or one read from
 * Pacemaker's transition graph XML (whose actions include pseudo actions for groups and clones,
 * notifications, `do_shutdown`, `clear_failcount`... hence `task` is any string here).
 */
import type { ActionDetail, GraphAction, GraphEdge } from '../core/graph.js';

export type ExecAction = Omit<GraphAction, 'task' | 'detail'> & { task: string; detail?: ActionDetail };

export interface ExecGraph {
  actions: ExecAction[];
  edges: GraphEdge[];
  attrs?: Record<string, string>;
}
