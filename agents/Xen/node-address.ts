import type { AgentContext } from '@ocfkit/sdk';

/**
 * The migration address of a node: the value of its node attribute `attribute` (e.g. a
 * replication-network IP set with `crm_attribute -N node2 -n xen_ip -v 10.1.1.2`), read with
 * Pacemaker's `crm_attribute -N <node> -n <attr> -G -q`. Falls back to the node name, with a
 * warning, when the attribute is unset or cannot be read — as the heartbeat agent does.
 *
 * @example
 * await nodeAddress(ctx, 'node2', 'xen_ip') // '10.1.1.2'
 */
export async function nodeAddress(ctx: AgentContext, node: string, attribute: string | undefined): Promise<string> {
  if (!attribute) return node;
  const r = await ctx.exec('crm_attribute', ['-N', node, '-n', attribute, '-G', '-q'], { check: false });
  const value = r.stdout.trim().split('\n').pop()?.trim() ?? '';
  if (r.exitCode === 0 && value !== '') return value;
  ctx.log.warn(`cannot read node attribute ${attribute} of ${node} (${r.stderr.trim() || `exit ${r.exitCode}`}): migrating to ${node}`);
  return node;
}
