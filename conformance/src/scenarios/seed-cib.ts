import { escapeXml } from '@ocfkit/sdk/xml';
import { type AgentsUnderTest, OCFKIT_AGENTS } from './agents-under-test';

/** What the seed configuration is made of; every field has the rig's default. */
interface SeedOptions {
  agents?: AgentsUnderTest;
  nodes?: readonly string[];
  /** The VIP of grp_pgsql (on the rig's lan). */
  vip?: string;
  cidrNetmask?: number;
  /** PostgreSQL's data directory on the shared disk. */
  pgdata?: string;
  /** The directory the diskcheck clone writes to (the shared disk). */
  diskDir?: string;
  /** Recurring monitor of the group's members, seconds. */
  monitorInterval?: number;
  migrationThreshold?: number;
  stickiness?: number;
  /** More parameters of prmPg (pgport, socketdir, logfile… of a test's own cluster). */
  pgsqlParams?: Readonly<Record<string, string>>;
  /** Fencing on: stonith-enabled=true and one `stonith:` device (no fencing when absent). */
  fencing?: FencingOptions;
}

/** A fence device of the seed, e.g. `fence_ocfkit_docker` with its connection parameters. */
export interface FencingOptions {
  /** The fence agent (its name under /usr/sbin). */
  agent: string;
  /** The device's instance attributes (pcmk_host_map, pcmk_delay_max, ip, tlscert...). */
  params: Record<string, string>;
  /** stonith-action (default reboot, as Pacemaker's). */
  action?: 'reboot' | 'off';
  /** stonith-timeout (default 60s). */
  timeout?: string;
  /** stonith-max-attempts (Pacemaker's default 10 when absent). */
  maxAttempts?: number;
}

const esc = (v: string): string => escapeXml(v, { attribute: true });

function primitive(
  id: string,
  agent: { provider?: string; type: string; class?: string },
  params: Record<string, string>,
  ops: string,
): string {
  const nv = Object.entries(params)
    .map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${esc(v)}"/>`)
    .join('');
  return [
    agent.class === 'stonith'
      ? `<primitive id="${id}" class="stonith" type="${esc(agent.type)}">`
      : `<primitive id="${id}" class="ocf" provider="${esc(agent.provider ?? '')}" type="${esc(agent.type)}">`,
    `<instance_attributes id="${id}-params">${nv}</instance_attributes>`,
    `<operations>${ops}</operations>`,
    '</primitive>',
  ].join('\n          ');
}

const op = (id: string, name: string, interval: string, timeout: string, onFail?: string): string =>
  `<op id="${id}-${name}-${interval}" name="${name}" interval="${interval}" timeout="${timeout}"${onFail ? ` on-fail="${onFail}"` : ''}/>`;

/**
 * The seed's configuration as a Pacemaker cib.xml: `grp_pgsql` (VIP + PostgreSQL on the shared
 * disk), the `clnDiskd` clone writing `diskcheck_status` on every node, and `rul_DK_dsc` keeping
 * the group off a node whose disk check says ERROR (or has not said anything yet). Quorum policy
 * stop, no fencing unless `fencing` names a device, dc-deadtime 2 s (rig start-up). Operation
 * timeouts are generous (60-120 s): on a loaded CI machine a timed-out monitor is noise, not a finding.
 * load-threshold 5000%: in a container /proc/loadavg is the host's, and Pacemaker's controller
 * throttles to one action at a time when it is high (seen here: clone instances not started for
 * minutes on a host at load 55 with the default 80%).
 *
 * @example
 * writeFileSync('cib.xml', seedCib({ agents: HEARTBEAT_AGENTS }));
 */
export function seedCib(o: SeedOptions = {}): string {
  const agents = o.agents ?? OCFKIT_AGENTS;
  const nodes = o.nodes ?? ['node1', 'node2', 'node3'];
  const mon = `${o.monitorInterval ?? 3}s`;
  const pgbin = '/usr/lib/postgresql/15/bin';
  const ip = primitive(
    'prmIp',
    agents.ip,
    { ip: o.vip ?? '10.217.1.100', cidr_netmask: String(o.cidrNetmask ?? 24) },
    op('prmIp', 'start', '0s', '60s') + op('prmIp', 'monitor', mon, '60s', 'restart') + op('prmIp', 'stop', '0s', '60s'),
  );
  const pg = primitive(
    'prmPg',
    agents.pgsql,
    { pgctl: `${pgbin}/pg_ctl`, psql: `${pgbin}/psql`, pgdata: o.pgdata ?? '/shared/pgdata', ...o.pgsqlParams },
    op('prmPg', 'start', '0s', '120s') + op('prmPg', 'monitor', mon, '60s', 'restart') + op('prmPg', 'stop', '0s', '120s'),
  );
  const disk = primitive(
    'prmDiskd',
    agents.diskcheck,
    { write_dir: o.diskDir ?? '/shared', interval: '2s', timeout: '10s', retries: '0' },
    op('prmDiskd', 'start', '0s', '60s') + op('prmDiskd', 'monitor', '10s', '60s') + op('prmDiskd', 'stop', '0s', '60s'),
  );
  const f = o.fencing;
  const fence = f
    ? `\n      ${primitive('fenceDocker', { class: 'stonith', type: f.agent }, f.params, op('fenceDocker', 'monitor', '60s', '30s'))}`
    : '';
  const nodeXml = nodes.map((n, i) => `<node id="${i + 1}" uname="${esc(n)}"/>`).join('\n      ');
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="${f ? 'true' : 'false'}"/>${
          f
            ? `\n        <nvpair id="opt-stonith-action" name="stonith-action" value="${f.action ?? 'reboot'}"/>` +
              `\n        <nvpair id="opt-stonith-timeout" name="stonith-timeout" value="${esc(f.timeout ?? '60s')}"/>` +
              (
                f.maxAttempts === undefined
                  ? ''
                  : `\n        <nvpair id="opt-stonith-max-attempts" name="stonith-max-attempts" value="${f.maxAttempts}"/>`
              )
            : ''
        }
        <nvpair id="opt-no-quorum-policy" name="no-quorum-policy" value="stop"/>
        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="opt-start-failure-is-fatal" name="start-failure-is-fatal" value="false"/>
        <nvpair id="opt-cluster-recheck-interval" name="cluster-recheck-interval" value="60s"/>
        <nvpair id="opt-load-threshold" name="load-threshold" value="5000%"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      ${nodeXml}
    </nodes>
    <resources>
      <group id="grp_pgsql">
        ${ip}
        ${pg}
      </group>
      <clone id="clnDiskd">
        ${disk}
      </clone>${fence}
    </resources>
    <constraints>
      <rsc_location id="rul_DK_dsc" rsc="grp_pgsql">
        <rule id="rul_DK_dsc-rule" score="-INFINITY" boolean-op="or">
          <expression id="rul_DK_dsc-undef" attribute="diskcheck_status" operation="not_defined"/>
          <expression id="rul_DK_dsc-error" attribute="diskcheck_status" operation="eq" value="ERROR"/>
        </rule>
      </rsc_location>
    </constraints>
    <rsc_defaults>
      <meta_attributes id="rsc-options">
        <nvpair id="rsc-options-stickiness" name="resource-stickiness" value="${o.stickiness ?? 200}"/>
        <nvpair id="rsc-options-migration-threshold" name="migration-threshold" value="${o.migrationThreshold ?? 2}"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>
`;
}
