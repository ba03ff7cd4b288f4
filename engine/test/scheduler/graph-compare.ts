/**
 * Reads Pacemaker transition graph XML (crm_simulate's or the engine's) and reduces it to what
 * the cluster would actually do: the real actions, and which real action must finish before
 * which other one, following orderings through pseudo events.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml, type XmlElement } from '../../src/cib/xml-tree.js';
import type { Cib } from '../../src/core/cib-model.js';
import { isoTime } from './crm-simulate.js';

/** One action of a transition graph XML. */
interface XmlAction {
  id: string;
  tag: string;
  operation: string;
  /** `operation_key@on_node` for node actions (what runs where), the bare key for pseudo events. */
  name: string;
  /** An action the cluster executes: a resource operation or a controller event (fencing, clear_failcount). */
  real: boolean;
  /** The `<attributes>` of the action, as written. */
  attrs: Record<string, string>;
  /** The `<primitive>` of a resource operation, as written. */
  primitive?: Record<string, string>;
  /** `internal_operation_key` (a clone instance's own key), when written. */
  internalKey?: string;
  /** The synapse's `priority` (0 when not written). */
  priority: number;
}

/** A transition graph XML reduced to real actions and the orderings between them. */
export interface ReducedGraph {
  /** The root element's attributes. */
  header: Record<string, string>;
  actions: Map<string, XmlAction>;
  /** Names of the real actions. */
  real: Set<string>;
  /** `a -> b` for real actions a, b where b waits for a, directly or through other actions. */
  orders: Set<string>;
}

function actionOf(e: XmlElement, priority: number): XmlAction {
  const key = e.attrs.operation_key ?? '';
  const node = e.attrs.on_node;
  const attrs = e.children.find((c) => c.name === 'attributes')?.attrs ?? {};
  const primitive = e.children.find((c) => c.name === 'primitive')?.attrs;
  return {
    id: e.attrs.id ?? '',
    tag: e.name,
    operation: e.attrs.operation ?? '',
    name: node === undefined ? key : `${key}@${node}`,
    real: e.name === 'rsc_op' || e.name === 'crm_event',
    attrs,
    primitive,
    internalKey: e.attrs.internal_operation_key,
    priority,
  };
}

/**
 * Parses transition graph XML and computes the transitive orderings between its real actions.
 * Actions named in `drop` are taken out first, with every ordering path through them.
 *
 * @example
 * reduceGraph(xml).orders.has('web_start_0@node1 -> web_monitor_10000@node1') // true
 */
export function reduceGraph(xml: string, drop: ReadonlySet<string> = new Set(), opts: { incomplete?: boolean } = {}): ReducedGraph {
  const root = parseXml(xml);
  if (root.name !== 'transition_graph') throw new Error(`expected <transition_graph>, found <${root.name}>`);
  const actions = new Map<string, XmlAction>();
  const inputs = new Map<string, string[]>();
  const dropped = new Set<string>();
  for (const syn of root.children.filter((c) => c.name === 'synapse')) {
    const set = syn.children.find((c) => c.name === 'action_set');
    const el = set?.children[0];
    if (!el) throw new Error(`synapse ${syn.attrs.id} has no action`);
    const a = actionOf(el, Number.parseInt(syn.attrs.priority ?? '0', 10));
    if (actions.has(a.id)) throw new Error(`action id ${a.id} appears in two synapses`);
    actions.set(a.id, a);
    if (a.real && drop.has(a.name)) dropped.add(a.id);
    const triggers = syn.children.find((c) => c.name === 'inputs')?.children ?? [];
    inputs.set(
      a.id,
      triggers.flatMap((t) => t.children.map((c) => c.attrs.id ?? '')),
    );
  }
  // In a transition crm_simulate cannot complete, an action waiting for one the graph lacks (an
  // unrunnable action) never runs, nor does anything after it: those are taken out.
  for (let changed = opts.incomplete === true; changed; ) {
    changed = false;
    for (const [id, waits] of inputs)
      if (actions.has(id) && waits.some((b) => !actions.has(b))) {
        actions.delete(id);
        changed = true;
      }
  }
  // Everything each action waits for, directly or not (memoized depth-first walk).
  const before = new Map<string, Set<string>>();
  const visit = (id: string, path: Set<string>): Set<string> => {
    const done = before.get(id);
    if (done) return done;
    if (path.has(id)) throw new Error(`ordering loop through action ${id}`);
    path.add(id);
    const all = new Set<string>();
    for (const b of inputs.get(id) ?? []) {
      if (dropped.has(b)) continue;
      if (!actions.has(b)) throw new Error(`action ${id} waits for unknown action ${b}`);
      all.add(b);
      for (const x of visit(b, path)) all.add(x);
    }
    path.delete(id);
    before.set(id, all);
    return all;
  };
  const orders = new Set<string>();
  for (const id of dropped) actions.delete(id);
  for (const [id, a] of actions) {
    if (!a.real) continue;
    for (const b of visit(id, new Set())) {
      const first = actions.get(b);
      if (first?.real) orders.add(`${first.name} -> ${a.name}`);
    }
  }
  const real = new Set([...actions.values()].filter((a) => a.real).map((a) => a.name));
  return { header: root.attrs, actions, real, orders };
}

/**
 * `crm_simulate -x IN -S -G GRAPH -t NOW`: the transition graph Pacemaker computes for a CIB.
 *
 * @example
 * const xml = await crmSimulateGraph(cibXml, 1_800_000_000);
 */
export async function crmSimulateGraph(cibXml: string, now: number, opts: { incomplete?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-graph-'));
  try {
    const input = join(dir, 'in.xml');
    const graph = join(dir, 'graph.xml');
    await writeFile(input, cibXml);
    await new Promise<void>((resolve, reject) => {
      execFile('crm_simulate', ['-x', input, '-S', '-Q', '-G', graph, '-t', isoTime(now)], (err, _out, stderr) =>
        // With `incomplete`, a transition crm_simulate cannot complete still has its graph written.
        err && !(opts.incomplete && /Transition failed: terminated/.test(stderr))
          ? reject(new Error(`crm_simulate failed: ${stderr.trim().slice(0, 2000)}`))
          : resolve(),
      );
    });
    return await readFile(graph, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The digest Pacemaker 2.1.5 records for a one-shot operation of a resource without parameters. */
const NO_PARAMS_DIGEST = 'f2317cad3d54cec5d7d7aa7d0bf35cf8';

/**
 * The CIB with an `op-digest` on every history entry, as the controller records them. Without one,
 * Pacemaker cannot tell whether a resource's definition changed and restarts every active
 * resource. Only for CIBs whose resources have no instance attributes and whose history holds
 * one-shot operations (the generator's): they all have {@link NO_PARAMS_DIGEST}.
 *
 * @example
 * const cib = withRecordedDigests(generateCib(7, profileFor(7)));
 */
export function withRecordedDigests(cib: Cib): Cib {
  return {
    ...cib,
    status: cib.status.map((s) => ({
      ...s,
      lrm: s.lrm.map((r) => ({
        ...r,
        ops: r.ops.map((o) => {
          if (o.intervalMs !== 0) throw new Error(`${o.id}: recurring history needs its own digest`);
          return { ...o, attrs: { ...o.attrs, 'op-digest': NO_PARAMS_DIGEST } };
        }),
      })),
    })),
  };
}
