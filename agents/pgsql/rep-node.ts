/**
 * Who this node is in a replicated pgsql (its name, the other nodes, the resource's attribute
 * names) and the node attributes heartbeat pgsql publishes, through the SDK's attribute port
 * (Pacemaker's attrd_updater/crm_attribute, or the bundled engine's attrd).
 */
import { hostname } from 'node:os';
import { type NodeAttributes, nodeAttributes, promotionAttribute } from '@ocfkit/sdk';
import type { Ctx } from './owner';
import { repPaths } from './rep-files';

export interface Rep {
  /** This node's name, lower case (heartbeat's NODENAME); also the standby's application_name. */
  me: string;
  /** node_list, lower case. */
  nodes: string[];
  mode: 'async' | 'sync';
  /** The resource id without `:N`. */
  rsc: string;
  attr: { status: string; dataStatus: string; xlogLoc: string; baseline: string; receiver: string; timeline: string };
  paths: ReturnType<typeof repPaths>;
  attrs: NodeAttributes;
  /**
   * What this invocation knows of the attributes: name → node → value, each name read once for
   * every node (`getAll`: on Pacemaker one attrd_updater per name, not one per node and name), then
   * kept up to date by this invocation's own writes. A promoted monitor in a steady state thus
   * spawns one read per attribute name and no writes.
   */
  seen: Map<string, Map<string, string>>;
}

/** rep_mode async or sync. */
export function replicating(p: { rep_mode: string }): boolean {
  return p.rep_mode === 'async' || p.rep_mode === 'sync';
}

/** Inside a promotable clone: Pacemaker 2.1 sends promoted_max (and the old master_max). */
export function promotable(ctx: Ctx): boolean {
  return ctx.meta.raw.promoted_max !== undefined || ctx.meta.raw.master_max !== undefined;
}

/** node_list split on whitespace, lower case. */
export function nodeList(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** The local node: CRM_meta_on_node, else `crm_node -n`, else the host name (lower case). */
async function localNode(ctx: Ctx): Promise<string> {
  if (ctx.meta.onNode) return ctx.meta.onNode.toLowerCase();
  if (ctx.haveBinary('crm_node')) {
    const r = await ctx.exec('crm_node', ['-n'], { check: false, timeoutMs: Math.min(5000, ctx.remainingMs()) });
    const name = r.stdout.trim();
    if (r.exitCode === 0 && name) return name.toLowerCase();
  }
  return hostname().toLowerCase();
}

/**
 * The replication context of one invocation.
 *
 * @example
 * const rep = await repContext(ctx); // { me: 'node1', nodes: ['node1', 'node2'], mode: 'sync', rsc: 'pgsql', ... }
 */
export async function repContext(ctx: Ctx): Promise<Rep> {
  const rsc = ctx.instance.replace(/:\d+$/, '');
  return {
    me: await localNode(ctx),
    nodes: nodeList(ctx.params.node_list),
    mode: ctx.params.rep_mode === 'sync' ? 'sync' : 'async',
    rsc,
    attr: {
      status: `${rsc}-status`,
      dataStatus: `${rsc}-data-status`,
      xlogLoc: `${rsc}-xlog-loc`,
      baseline: `${rsc}-master-baseline`,
      receiver: `${rsc}-receiver-status`,
      timeline: `${rsc}-timeline`,
    },
    paths: repPaths(ctx.params.tmpdir),
    attrs: nodeAttributes(ctx),
    seen: new Map(),
  };
}

/** A node attribute (default: this node's) as this invocation knows it; the first read of a name reads it for every node. */
export async function readAttr(rep: Rep, name: string, node = rep.me): Promise<string | undefined> {
  let byNode = rep.seen.get(name);
  if (!byNode) {
    byNode = new Map([...((await rep.attrs.getAll([name])).get(name) ?? [])].map(([n, v]) => [n.toLowerCase(), v]));
    rep.seen.set(name, byNode);
  }
  return byNode.get(node);
}

/** Forgets what was read: the next reads ask attrd again (after a wait in which other nodes may have written). */
export function forgetAttrs(rep: Rep): void {
  rep.seen.clear();
}

function remember(rep: Rep, name: string, node: string, value: string | undefined): void {
  const byNode = rep.seen.get(name);
  if (!byNode) return;
  if (value === undefined) byNode.delete(node);
  else byNode.set(node, value);
}

/** Sets a node attribute (default: on this node) when its value differs; logs the change. */
export async function setAttr(ctx: Ctx, rep: Rep, name: string, value: string, node = rep.me): Promise<void> {
  const now = await readAttr(rep, name, node);
  if (now === value) return;
  ctx.log.info(`Changing ${name} on ${node} : ${now ?? ''}->${value}`);
  await rep.attrs.set(name, value, { node });
  remember(rep, name, node, value);
}

/** Removes a node attribute (default: on this node) when it is set. */
export async function deleteAttr(rep: Rep, name: string, node = rep.me): Promise<void> {
  if ((await readAttr(rep, name, node)) === undefined) return;
  await rep.attrs.delete(name, { node });
  remember(rep, name, node, undefined);
}

/** The promotion score of the resource on a node (default: this one), as this invocation knows it. */
async function readScore(rep: Rep, node = rep.me): Promise<number | undefined> {
  const v = await readAttr(rep, promotionAttribute(rep.rsc), node);
  const n = v === undefined ? Number.NaN : Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

/** Sets the promotion score of the resource on a node (default: this one) when it differs. */
export async function setScore(ctx: Ctx, rep: Rep, score: number, node = rep.me): Promise<void> {
  const now = await readScore(rep, node);
  if (now === score) return;
  ctx.log.info(`Changing ${rep.rsc} promotion score on ${node} : ${now ?? ''}->${score}`);
  await rep.attrs.setPromotionScore(rep.rsc, score, { node });
  remember(rep, promotionAttribute(rep.rsc), node, String(score));
}

/** The first other node of node_list whose `<rsc>-status` says PRI. */
export async function primaryNode(rep: Rep): Promise<string | undefined> {
  for (const node of rep.nodes) {
    if (node !== rep.me && (await readAttr(rep, rep.attr.status, node)) === 'PRI') return node;
  }
  return undefined;
}
