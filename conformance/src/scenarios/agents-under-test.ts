/** An OCF agent as a CIB names it. */
interface AgentRef {
  provider: string;
  type: string;
}

/** The agents the seed configuration runs, by role. */
export interface AgentsUnderTest {
  /** The VIP of grp_pgsql (IPaddr-like: ip, cidr_netmask). */
  ip: AgentRef;
  /** The database of grp_pgsql (pgsql-like: pgctl, psql, pgdata). */
  pgsql: AgentRef;
  /** The disk check clone that sets `diskcheck_status` (diskcheck-like: write_dir, interval). */
  diskcheck: AgentRef;
}

export type Role = keyof AgentsUnderTest;

/** ocfkit's reference agents. */
export const OCFKIT_AGENTS: AgentsUnderTest = {
  ip: { provider: 'ocfkit', type: 'IPaddr' },
  pgsql: { provider: 'ocfkit', type: 'pgsql' },
  diskcheck: { provider: 'ocfkit', type: 'diskcheck' },
};

/** Debian's resource-agents as the baseline (it ships no diskcheck: ocfkit's stays). */
export const HEARTBEAT_AGENTS: AgentsUnderTest = {
  ip: { provider: 'heartbeat', type: 'IPaddr2' },
  pgsql: { provider: 'heartbeat', type: 'pgsql' },
  diskcheck: { provider: 'ocfkit', type: 'diskcheck' },
};

const ROLE_OF: [RegExp, Role][] = [
  [/^IPaddr/i, 'ip'],
  [/^pgsql/i, 'pgsql'],
  [/^disk/i, 'diskcheck'],
];

/**
 * The agents under test from the command line: `[ROLE=]ocf:PROVIDER:TYPE`, where ROLE (ip, pgsql,
 * diskcheck) defaults from the type's name; roles not given keep ocfkit's agents.
 *
 * @example
 * parseAgents(['ocf:heartbeat:IPaddr2', 'pgsql=ocf:acme:postgres']).ip // { provider: 'heartbeat', type: 'IPaddr2' }
 */
export function parseAgents(specs: readonly string[], base: AgentsUnderTest = OCFKIT_AGENTS): AgentsUnderTest {
  const out: AgentsUnderTest = { ...base };
  for (const spec of specs) {
    const m = /^(?:(ip|pgsql|diskcheck)=)?ocf:([A-Za-z0-9_][A-Za-z0-9_.+-]*):([A-Za-z0-9_][A-Za-z0-9_.+-]*)$/.exec(spec);
    if (!m) throw new Error(`agent ${JSON.stringify(spec)} must be [ip=|pgsql=|diskcheck=]ocf:PROVIDER:TYPE`);
    const [, explicit, provider = '', type = ''] = m;
    const role = (explicit as Role | undefined) ?? ROLE_OF.find(([re]) => re.test(type))?.[1];
    if (!role) throw new Error(`cannot tell the role of ${spec}: prefix it with ip=, pgsql= or diskcheck=`);
    out[role] = { provider, type };
  }
  return out;
}

/** `ocf:P:T` of an agent. */
export const agentName = (a: AgentRef): string => `ocf:${a.provider}:${a.type}`;
