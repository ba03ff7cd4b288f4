import { type AgentContext, nodeAttributes } from '@ocfkit/sdk';

/** Set by the bundled engine's executor when its attrd serves node attributes. */
const ATTRD_SOCKET_ENV = 'OCFKIT_ATTRD_SOCKET';

async function permanent(ctx: AgentContext, node: string, attribute: string): Promise<string | undefined> {
  // The nodes section (lifetime "forever"), where a per-node migration address is configured
  // (`crm_attribute -N node2 -n xen_ip -v 10.1.1.2`); this is the heartbeat agent's query too.
  const r = await ctx.exec('crm_attribute', ['-N', node, '-n', attribute, '-G', '-q'], { check: false });
  const value = r.stdout.trim().split('\n').pop()?.trim() ?? '';
  if (r.exitCode === 0 && value !== '') return value;
  ctx.log.debug(`crm_attribute: no permanent ${attribute} for ${node} (${r.stderr.trim() || `exit ${r.exitCode}`})`);
  return undefined;
}

/**
 * The migration address of a node: the value of its node attribute `attribute`. Under the
 * bundled engine (`OCFKIT_ATTRD_SOCKET` set) it comes from the engine's attrd through the SDK's
 * node-attribute port; under Pacemaker from the node's permanent attribute (`crm_attribute -N
 * <node> -n <attr> -G -q`, as the heartbeat agent reads it), else its transient one in attrd.
 * Falls back to the node name, with a warning, when the attribute is unset or unreadable.
 *
 * @example
 * await nodeAddress(ctx, 'node2', 'xen_ip') // '10.1.1.2'
 */
export async function nodeAddress(ctx: AgentContext, node: string, attribute: string | undefined): Promise<string> {
  if (!attribute) return node;
  let value: string | undefined;
  let problem = 'not set';
  try {
    if (!ctx.env[ATTRD_SOCKET_ENV]) value = await permanent(ctx, node, attribute);
    value ??= await nodeAttributes(ctx).get(attribute, { node });
  } catch (err) {
    problem = (err as Error).message;
  }
  if (value) return value;
  ctx.log.warn(`cannot read node attribute ${attribute} of ${node} (${problem}): migrating to ${node}`);
  return node;
}
