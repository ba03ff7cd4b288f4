/**
 * Ordering cycles in a transition graph. A cycle (`a start → b start → c start → a start`) can
 * never run: Pacemaker writes the graph anyway and its transition engine gives up on it
 * (crm_simulate: "An invalid transition was produced"). The engine finds the cycles, names them,
 * and leaves their actions — and every action ordered after them — out of the graph, so what it
 * hands the controller can run to the end.
 */
import type { GraphAction, TransitionGraph } from './graph.js';

/**
 * The strongly connected components of more than one action (Tarjan's algorithm, iterative so a
 * graph of any size fits the stack), each as action ids in graph order.
 *
 * @example
 * orderingCycles({ actions, edges: [{ before: 0, after: 1 }, { before: 1, after: 0 }] }) // [[0, 1]]
 */
export function orderingCycles(graph: TransitionGraph): number[][] {
  const n = graph.actions.length;
  const next: number[][] = Array.from({ length: n }, () => []);
  for (const e of graph.edges) next[e.before]?.push(e.after);
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[node: number, edge: number]> = [[root, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1] as [number, number];
      const [v, i] = top;
      if (i === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      const out = next[v] as number[];
      if (i < out.length) {
        top[1] = i + 1;
        const w = out[i] as number;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] as number, low[v] as number);
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      for (;;) {
        const w = stack.pop() as number;
        onStack[w] = false;
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) cycles.push(component.sort((a, b) => a - b));
    }
  }
  return cycles.sort((a, b) => (a[0] as number) - (b[0] as number));
}

function label(a: GraphAction): string {
  return `${a.key} on ${a.node}`;
}

/**
 * One readable loop through a cycle's actions, starting at its first action and back to it.
 *
 * @example
 * describeCycle(graph, [0, 1, 2]) // 'a_start_0 on node1 → b_start_0 on node2 → c_start_0 on node3 → a_start_0 on node1'
 */
export function describeCycle(graph: TransitionGraph, cycle: number[]): string {
  const members = new Set(cycle);
  const next = new Map<number, number[]>();
  for (const e of graph.edges) {
    if (!members.has(e.before) || !members.has(e.after)) continue;
    next.set(e.before, [...(next.get(e.before) ?? []), e.after]);
  }
  const start = cycle[0] as number;
  // Breadth-first from the start back to it: the shortest loop, which names the orderings at fault.
  const from = new Map<number, number>();
  const queue = [start];
  let last: number | undefined;
  while (queue.length > 0 && last === undefined) {
    const v = queue.shift() as number;
    for (const w of next.get(v) ?? []) {
      if (w === start) {
        last = v;
        break;
      }
      if (from.has(w)) continue;
      from.set(w, v);
      queue.push(w);
    }
  }
  const path = [start];
  for (let v = last; v !== undefined && v !== start; v = from.get(v)) path.splice(1, 0, v);
  path.push(start);
  return path.map((id) => label(graph.actions[id] as GraphAction)).join(' → ');
}

/**
 * The graph without the given actions and every action ordered (transitively) after them, with
 * ids renumbered; also the ids (in the input graph) of what was left out.
 *
 * @example
 * const { graph: runnable, dropped } = withoutUnrunnable(graph, new Set([0, 1, 2]));
 */
export function withoutUnrunnable(
  graph: TransitionGraph,
  unrunnable: ReadonlySet<number>,
): { graph: TransitionGraph; dropped: Set<number> } {
  const dropped = new Set(unrunnable);
  const after: number[][] = graph.actions.map(() => []);
  for (const e of graph.edges) after[e.before]?.push(e.after);
  const queue = [...dropped];
  while (queue.length > 0) {
    for (const w of after[queue.pop() as number] ?? []) {
      if (dropped.has(w)) continue;
      dropped.add(w);
      queue.push(w);
    }
  }
  const renumber = new Map<number, number>();
  const actions: GraphAction[] = [];
  for (const a of graph.actions) {
    if (dropped.has(a.id)) continue;
    renumber.set(a.id, actions.length);
    actions.push({ ...a, id: actions.length });
  }
  const edges = graph.edges.flatMap((e) => {
    const before = renumber.get(e.before);
    const after = renumber.get(e.after);
    return before === undefined || after === undefined ? [] : [{ before, after }];
  });
  return { graph: { ...graph, actions, edges }, dropped };
}
