import type { ClusterStatus } from '../rigs/rig';
import { type AgentsUnderTest, agentName } from './agents-under-test';

/** What a node still runs of grp_pgsql after the cluster moved it away. */
interface Leftovers {
  vip: boolean;
  postmaster: boolean;
}

/**
 * Says whose fault leftovers on a node are when the cluster itself counts the resource as stopped
 * there (the node is online and no longer listed for it): the agent's stop reported success while
 * the address or the server was still up. Nothing when the cluster still places the resource on
 * the node (a stop in progress or failed) or cannot see the node (a partition's minority).
 *
 * @example
 * blameStop(status, 'node1', { vip: false, postmaster: true }, HEARTBEAT_AGENTS)
 * // ['the cluster counts prmPg as stopped on node1 (its stop returned success), but a postmaster
 * //   still runs there: ocf:heartbeat:pgsql's stop reported success without stopping the server']
 */
export function blameStop(st: ClusterStatus, node: string, left: Leftovers, agents: AgentsUnderTest): string[] {
  if (!st.online.includes(node)) return [];
  const out: string[] = [];
  const stoppedHere = (id: string): boolean => !(st.resources.get(id)?.nodes ?? []).includes(node);
  if (left.postmaster && stoppedHere('prmPg'))
    out.push(
      `the cluster counts prmPg as stopped on ${node} (its stop returned success), but a postmaster still runs there: ` +
        `${agentName(agents.pgsql)}'s stop reported success without stopping the server`,
    );
  if (left.vip && stoppedHere('prmIp'))
    out.push(
      `the cluster counts prmIp as stopped on ${node} (its stop returned success), but the address is still there: ` +
        `${agentName(agents.ip)}'s stop reported success without removing it`,
    );
  return out;
}
