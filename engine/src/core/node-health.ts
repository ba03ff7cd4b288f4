/**
 * Node health (Pacemaker 2.1.5's `pcmk__apply_node_health`): with `node-health-strategy` set,
 * each node's `#health*` attributes add up to a health score, which every top-level resource gets
 * as a location score on that node (a negative one not for resources with
 * `allow-unhealthy-nodes=true`). The attribute values `red`, `yellow` and `green` score as the
 * strategy says:
 *
 * - `migrate-on-red`: red is -INFINITY, yellow and green 0;
 * - `only-green`: red and yellow are -INFINITY;
 * - `progressive` and `custom`: `node-health-red` (default -INFINITY), `node-health-yellow` and
 *   `node-health-green` (default 0); `progressive` starts from `node-health-base` (default 0).
 *
 * Any other value is a score (`INFINITY`, integers).
 */
import { isTrue } from './nvsets.js';
import { addScores, INFINITY, parseScore } from './score.js';
import type { WNode, WorkingSet, WRsc } from './working-set.js';

type Strategy = 'migrate-on-red' | 'only-green' | 'progressive' | 'custom';

const STRATEGIES: readonly string[] = ['migrate-on-red', 'only-green', 'progressive', 'custom'];

/**
 * The health strategy configured, or undefined for `none`, unset, or a value Pacemaker does not
 * know (it then uses `none` too).
 *
 * @example
 * healthStrategy(new Map([['node-health-strategy', 'Only-Green']])) // 'only-green'
 */
export function healthStrategy(options: ReadonlyMap<string, string>): Strategy | undefined {
  const v = options.get('node-health-strategy')?.toLowerCase();
  return v !== undefined && STRATEGIES.includes(v) ? (v as Strategy) : undefined;
}

function option(options: ReadonlyMap<string, string>, name: string, fallback: number): number {
  return parseScore(options.get(name)) ?? fallback;
}

/** The score of one `#health*` value (Pacemaker's `char2score` with the strategy's colours). */
function valueScore(value: string, colours: { red: number; yellow: number; green: number }): number {
  const v = value.trim().toLowerCase();
  if (v === 'red') return colours.red;
  if (v === 'yellow') return colours.yellow;
  if (v === 'green') return colours.green;
  return (
    parseScore(value) ??
    (Number.isNaN(Number.parseInt(value, 10)) ? 0 : Math.max(-INFINITY, Math.min(INFINITY, Number.parseInt(value, 10))))
  );
}

function colours(strategy: Strategy, opts: ReadonlyMap<string, string>): { red: number; yellow: number; green: number } {
  if (strategy === 'migrate-on-red') return { red: -INFINITY, yellow: 0, green: 0 };
  if (strategy === 'only-green') return { red: -INFINITY, yellow: -INFINITY, green: 0 };
  return {
    red: option(opts, 'node-health-red', -INFINITY),
    yellow: option(opts, 'node-health-yellow', 0),
    green: option(opts, 'node-health-green', 0),
  };
}

/**
 * A node's health as crm_mon shows it (`pe__node_health`): `RED` when any `#health*` attribute is
 * red (or scores no better than red), `YELLOW` when one is yellow, else undefined (green, or no
 * strategy).
 *
 * @example
 * healthColour(ws, node) // 'YELLOW' for #health-disk=yellow
 */
export function healthColour(ws: WorkingSet, node: WNode): 'RED' | 'YELLOW' | undefined {
  const strategy = healthStrategy(ws.options);
  if (strategy === undefined) return undefined;
  const c = colours(strategy, ws.options);
  let yellow = false;
  for (const [name, value] of node.attrs) {
    if (!name.startsWith('#health')) continue;
    const v = value.trim().toLowerCase();
    if (v === 'red') return 'RED';
    if (v === 'yellow') {
      yellow = true;
      continue;
    }
    const score = valueScore(value, c);
    if (score <= c.red) return 'RED';
    if (score <= c.yellow && c.yellow !== c.green) yellow = true;
  }
  return yellow ? 'YELLOW' : undefined;
}

/**
 * Each node's overall health score under the configured strategy (nodes with 0 left out: it has no
 * effect). Empty when no strategy is set.
 *
 * @example
 * nodeHealth(ws) // Map { 'node2' => -1000000 } when node2 has #health-disk=red under migrate-on-red
 */
function nodeHealth(ws: WorkingSet): Map<WNode, number> {
  const out = new Map<WNode, number>();
  const strategy = healthStrategy(ws.options);
  if (strategy === undefined) return out;
  const opts = ws.options;
  const c = colours(strategy, opts);
  const base = strategy === 'progressive' ? option(opts, 'node-health-base', 0) : 0;
  for (const node of ws.nodes) {
    let health = base;
    for (const [name, value] of node.attrs) if (name.startsWith('#health')) health = addScores(valueScore(value, c), health);
    if (health !== 0) out.set(node, health);
  }
  return out;
}

/**
 * The location scores node health gives: for each top-level resource, the nodes and scores to
 * apply as a location constraint would.
 *
 * @example
 * healthLocations(ws) // [{ rsc: web, placements: [{ node: node2, score: -1000000 }] }]
 */
export function healthLocations(ws: WorkingSet): { rsc: WRsc; placements: { node: WNode; score: number }[] }[] {
  const health = nodeHealth(ws);
  if (health.size === 0) return [];
  const out: { rsc: WRsc; placements: { node: WNode; score: number }[] }[] = [];
  for (const rsc of ws.resources) {
    const immune = isTrue(rsc.meta.get('allow-unhealthy-nodes'));
    const placements = [...health].filter(([, score]) => score >= 0 || !immune).map(([node, score]) => ({ node, score }));
    if (placements.length > 0) out.push({ rsc, placements });
  }
  return out;
}
