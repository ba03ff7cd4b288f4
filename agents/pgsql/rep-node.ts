/**
 * Who this node is in a replicated pgsql (its name, the other nodes, the resource's attribute
 * names) and the node attributes heartbeat pgsql publishes, through the SDK's attribute port
 * (Pacemaker's attrd_updater/crm_attribute, or the bundled engine's attrd).
 */
import { hostname } from 'node:os';
import { type NodeAttributes, nodeAttributes } from '@ocfkit/sdk';
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
  };
}

/** Sets a node attribute (default: on this node) when its value differs; logs the change. */
export async function setAttr(ctx: Ctx, rep: Rep, name: string, value: string, node = rep.me): Promise<void> {
  const now = await rep.attrs.get(name, { node });
  if (now === value) return;
  ctx.log.info(`Changing ${name} on ${node} : ${now ?? ''}->${value}`);
  await rep.attrs.set(name, value, { node });
}

/** Removes a node attribute (default: on this node) when it is set. */
export async function deleteAttr(rep: Rep, name: string, node = rep.me): Promise<void> {
  if ((await rep.attrs.get(name, { node })) !== undefined) await rep.attrs.delete(name, { node });
}

/** Sets the promotion score of the resource on a node (default: this one) when it differs. */
export async function setScore(ctx: Ctx, rep: Rep, score: number, node = rep.me): Promise<void> {
  const now = await rep.attrs.getPromotionScore(rep.rsc, { node });
  if (now === score) return;
  ctx.log.info(`Changing ${rep.rsc} promotion score on ${node} : ${now ?? ''}->${score}`);
  await rep.attrs.setPromotionScore(rep.rsc, score, { node });
}

/** The first other node of node_list whose `<rsc>-status` says PRI. */
export async function primaryNode(rep: Rep): Promise<string | undefined> {
  for (const node of rep.nodes) {
    if (node !== rep.me && (await rep.attrs.get(rep.attr.status, { node })) === 'PRI') return node;
  }
  return undefined;
}
