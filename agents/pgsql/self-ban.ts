/**
 * heartbeat pgsql's pre-promote self-ban under Pacemaker, done so Pacemaker applies it: a ban
 * must name the promotable clone, not the primitive inside it. `crm_resource --ban --resource
 * <primitive>` (what heartbeat runs with its OCF_RESOURCE_INSTANCE) writes a constraint that
 * Pacemaker 2.1.5 ignores ("'pg' is not a valid resource or tag", crm_verify), and the instance
 * name `pg:0` is refused outright. So the clone holding the primitive is looked up in the CIB.
 */
import type { Ctx } from './owner';

/** The id of the clone (or old-style master) whose primitive is `rsc`, from `cibadmin --query --xpath` output. */
export function cloneIdOf(xml: string): string | undefined {
  return /^\s*<(?:clone|master)\s+id="([^"]+)"/.exec(xml)?.[1];
}

/** XML ids: safe inside the single-quoted XPath literal. */
const XML_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Bans the promotable clone of `rsc` from `node` (cli-ban-<clone>-on-<node>); returns what was
 * done, or why not, for the log.
 *
 * @example
 * await banFromNode(ctx, 'pg', 'node3') // 'banned pg-clone from node3: clear it with crm_resource --clear --resource pg-clone once node3 is rewound'
 */
export async function banFromNode(ctx: Ctx, rsc: string, node: string): Promise<string> {
  if (!XML_ID.test(rsc)) return `not banning: resource id ${JSON.stringify(rsc)} is not an XML id`;
  for (const tool of ['cibadmin', 'crm_resource']) if (!ctx.haveBinary(tool)) return `not banning: ${tool} is not installed`;
  const timeoutMs = Math.max(1000, Math.min(15_000, ctx.remainingMs() / 3));
  const q = await ctx.exec('cibadmin', ['--query', '--xpath', `//clone[primitive[@id='${rsc}']]|//master[primitive[@id='${rsc}']]`], {
    check: false,
    timeoutMs,
  });
  const clone = q.exitCode === 0 ? cloneIdOf(q.stdout) : undefined;
  if (!clone) return `not banning: no clone holds ${rsc} in the CIB (cibadmin rc ${q.exitCode}: ${q.stderr.trim()})`;
  const r = await ctx.exec('crm_resource', ['--ban', '--resource', clone, '--node', node, '--quiet'], { check: false, timeoutMs });
  if (r.exitCode !== 0) return `crm_resource --ban --resource ${clone} --node ${node} failed (rc ${r.exitCode}): ${r.stderr.trim()}`;
  return `banned ${clone} from ${node}: clear it with crm_resource --clear --resource ${clone} once ${node} is rewound`;
}
