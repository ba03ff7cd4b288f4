/**
 * PostgreSQL streaming replication as a promotable clone on the pacemaker rig (real Pacemaker 2.1 +
 * Corosync 3 in three containers), for one replication agent at a time: ocf:ocfkit:pgsql and
 * Debian's ocf:heartbeat:pgsql (rep_mode=sync), and PAF (ocf:paf:pgsqlms, from Debian's
 * resource-agents-paf, mounted from the unpacked package; synchronous_standby_names
 * 'ANY 1 (node1,node2,node3)' and, as PAF wants on PostgreSQL 12+, primary_conninfo with the
 * node's application_name in postgresql.conf: PAF leaves both to the user). Each node has its own data directory
 * (/var/lib/pgrep/data, a pg_basebackup copy in the container's own file system, which survives a
 * kill); a VIP (ocf:ocfkit:IPaddr, host 100 of the lan) is colocated with the promoted instance.
 * The rig runs on a copy of docker-compose.yml on other subnets (OCFKIT_RIG_PGREP_NET, default
 * 10.247: lan 10.247.1.0/24, heartbeat 10.247.2.0/24) so it can run beside the reference rig.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposeRig } from '../src/rigs/compose-rig';
import { checkoutRoot } from '../src/rigs/create-rig';

export type ReplicationAgent = 'ocfkit' | 'heartbeat' | 'paf';

/** One failover's outcome. */
export interface FailoverOutcome {
  agent: ReplicationAgent;
  /** The first primary, killed. */
  killed: string;
  /** The node Pacemaker promoted after the kill. */
  promoted: string;
  /** s from the kill until Pacemaker shows another node promoted. */
  promotedAfterS: number;
  /** s from the kill until the client's first acknowledged write through the VIP. */
  writableAfterS: number;
  /** Writes acknowledged to the client, and how many of them the new primary lacks. */
  acked: number;
  lost: number;
  /** What became of the killed node's instance once the node was back (for 60 s at most). */
  oldPrimary: string;
  /**
   * After the operator step of agents/pgsql/README.md (pg_rewind from the new primary, the lock
   * removed, `crm_resource --cleanup`): what the old primary became; empty when not tried (a
   * baseline, or nothing refused it).
   */
  rejoined: string;
  /** Set when the agent never ran the set up (no promoted instance with two standbys): the evidence why. */
  cannotStart?: string;
}

const BIN = '/usr/lib/postgresql/15/bin';
const DATA = '/var/lib/pgrep/data';
const NODES = ['node1', 'node2', 'node3'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const scale = Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1);

/** PAF's files from Debian's resource-agents-paf, unpacked (apt-get download; nothing is installed on the host). */
function unpackPaf(work: string): string {
  const deb = process.env.OCFKIT_PAF_DEB ?? fetchPafDeb(work);
  const dir = join(work, 'paf');
  const r = spawnSync('dpkg-deb', ['-x', deb, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb -x ${deb}: ${r.stderr}`);
  return dir;
}

function fetchPafDeb(work: string): string {
  const dir = join(work, 'deb');
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  const r = spawnSync('apt-get', ['download', 'resource-agents-paf'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download resource-agents-paf failed (set OCFKIT_PAF_DEB to the .deb): ${r.stderr}`);
  return join(dir, deb);
}

/** The seed: no resources yet (they are created once every node's PostgreSQL is prepared). */
function seed(): string {
  const opt = (n: string, v: string) => `<nvpair id="opt-${n}" name="${n}" value="${v}"/>`;
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options">${[
      opt('stonith-enabled', 'false'),
      opt('no-quorum-policy', 'stop'),
      opt('dc-deadtime', '2s'),
      opt('start-failure-is-fatal', 'true'),
      opt('cluster-recheck-interval', '60s'),
      opt('load-threshold', '5000%'),
    ].join('')}</cluster_property_set></crm_config>
    <nodes>${NODES.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources/>
    <constraints/>
    <rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-stickiness" name="resource-stickiness" value="200"/><nvpair id="rsc-options-migration-threshold" name="migration-threshold" value="1"/></meta_attributes></rsc_defaults>
  </configuration>
  <status/>
</cib>
`;
}

const nv = (rsc: string, params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `<nvpair id="${rsc}-${k}" name="${k}" value="${v}"/>`)
    .join('');

/** The promotable clone `pg-clone` of primitive `pg`, the VIP and their constraints. */
function replicationResources(agent: ReplicationAgent, vip: string): { resources: string[]; constraints: string[] } {
  const common = { pgctl: `${BIN}/pg_ctl`, psql: `${BIN}/psql`, pgdata: DATA };
  const rep = {
    rep_mode: 'sync',
    node_list: NODES.join(' '),
    master_ip: vip,
    repuser: 'postgres',
    primary_conninfo_opt: 'keepalives_idle=10 keepalives_interval=2 keepalives_count=3',
    tmpdir: '/var/lib/pgrep/tmp',
    stop_escalate: '10',
  };
  const [provider, type, params] =
    agent === 'paf'
      ? [
          'paf',
          'pgsqlms',
          {
            bindir: BIN,
            pgdata: DATA,
            datadir: DATA,
            pghost: '/var/run/postgresql',
          },
        ]
      : [agent, 'pgsql', { ...common, ...rep }];
  // timeouts stretched by OCFKIT_RIG_TIME_SCALE: at load 90 on 2 cores a standby's start took 88 s
  const op = (name: string, interval: string, timeoutS: number, role?: string) =>
    `<op id="pg-${name}-${interval}" name="${name}" interval="${interval}" timeout="${Math.round(timeoutS * scale)}s"${role ? ` role="${role}"` : ''}/>`;
  const pg = `<primitive id="pg" class="ocf" provider="${provider}" type="${type}"><instance_attributes id="pg-params">${nv('pg', params)}</instance_attributes><operations>${[
    op('start', '0s', 90),
    op('stop', '0s', 90),
    op('promote', '0s', 90),
    op('demote', '0s', 90),
    op('notify', '0s', 60),
    op('monitor', '3s', 30, 'Promoted'),
    op('monitor', '4s', 30, 'Unpromoted'),
  ].join('')}</operations></primitive>`;
  const meta = nv('pg-clone', {
    promotable: 'true',
    'promoted-max': '1',
    'promoted-node-max': '1',
    'clone-max': '3',
    'clone-node-max': '1',
    notify: 'true',
  });
  return {
    resources: [
      `<clone id="pg-clone"><meta_attributes id="pg-clone-meta">${meta}</meta_attributes>${pg}</clone>`,
      `<primitive id="vip" class="ocf" provider="ocfkit" type="IPaddr"><instance_attributes id="vip-params">${nv('vip', { ip: vip, cidr_netmask: '24' })}</instance_attributes><operations><op id="vip-monitor-3s" name="monitor" interval="3s" timeout="${Math.round(30 * scale)}s"/></operations></primitive>`,
    ],
    constraints: [
      `<rsc_colocation id="col-vip" rsc="vip" with-rsc="pg-clone" with-rsc-role="Promoted" score="INFINITY"/>`,
      `<rsc_order id="ord-promote" first="pg-clone" first-action="promote" then="vip" then-action="start" symmetrical="false" kind="Mandatory"/>`,
      `<rsc_order id="ord-demote" first="pg-clone" first-action="demote" then="vip" then-action="stop" symmetrical="false" kind="Optional"/>`,
    ],
  };
}

/** The shell that prepares one node's PostgreSQL (fixed text; its inputs come as arguments). */
const PREPARE = `set -e
role=$1 primary=$2 agent=$3 vip=$4
B=${BIN} D=${DATA}
install -d -o postgres -g postgres -m 0700 /var/lib/pgrep /var/lib/pgrep/tmp
install -d -o postgres -g postgres -m 2775 /run/postgresql
as() { runuser -u postgres -- "$@"; }
if [ "$role" = primary ]; then
  as $B/initdb -D $D -A trust -U postgres --no-sync >/dev/null
  printf "%s\\n" "listen_addresses = '*'" "wal_level = replica" "hot_standby = on" "wal_log_hints = on" \\
    "max_wal_senders = 10" "wal_keep_size = '256MB'" "wal_receiver_status_interval = '1s'" "fsync = off" >>$D/postgresql.conf
  printf "%s\\n" "host all all 0.0.0.0/0 trust" "host replication all 0.0.0.0/0 trust" >>$D/pg_hba.conf
  as $B/pg_ctl -D $D -l /var/lib/pgrep/prepare.log -w start >/dev/null
  as $B/psql -h /run/postgresql -qAtX -c "create table t (i int primary key)"
elif [ "$role" = standby ]; then
  as $B/pg_basebackup -h "$primary" -U postgres -D $D -X stream
  touch $D/standby.signal && chown postgres: $D/standby.signal
  auto=$(cat $D/postgresql.auto.conf)
  echo "primary_conninfo = 'host=$primary user=postgres'" >>$D/postgresql.auto.conf
  as $B/pg_ctl -D $D -l /var/lib/pgrep/prepare.log -w start >/dev/null
  as $B/pg_ctl -D $D -m fast -w stop >/dev/null
  rm -f $D/standby.signal
  printf "%s\\n" "$auto" >$D/postgresql.auto.conf
else
  as $B/pg_ctl -D $D -m fast -w stop >/dev/null
fi
if [ "$role" != primary ] && [ "$agent" = paf ]; then
  echo "synchronous_standby_names = 'ANY 1 (node1,node2,node3)'" >>$D/postgresql.conf
  # PostgreSQL 12+: PAF refuses a recovery template; the standby settings live in postgresql.conf
  printf "%s\\n" "primary_conninfo = 'host=$vip user=postgres application_name=$(hostname)'" "recovery_target_timeline = 'latest'" >>$D/postgresql.conf
fi
`;

/** Roles of the clone's instances by node, from crm_mon's XML. */
function roles(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<resource id="pg"[^>]*\brole="(\w+)"[^>]*\bfailed="(\w+)"[^>]*>\s*<node name="(\w+)"/g))
    out.set(m[3] as string, m[2] === 'true' ? `${m[1]} (failed)` : (m[1] as string));
  return out;
}

/** The highest promotion score (`master-pg`) of a node other than `primary`, from crm_mon -A's XML. */
function standbyScore(xml: string, primary: string): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const m of xml.matchAll(/<node name="(\w+)">([\s\S]*?)<\/node>/g)) {
    if (m[1] === primary) continue;
    const v = /<attribute name="master-pg" value="(-?\d+)"/.exec(m[2] as string)?.[1];
    if (v !== undefined) best = Math.max(best, Number(v));
  }
  return best;
}

/** The failed operations of `pg` on a node since `since` (epoch ms), with their exit reasons, from crm_mon's XML. */
function failures(xml: string, node: string, since: number): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(/<failure ([^>]*)\/>/g)) {
    const a = m[1] as string;
    const get = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(a)?.[1] ?? '';
    // failures from before the node's return (a monitor that timed out under load) are history
    const at = Date.parse(get('last-rc-change'));
    if (!Number.isNaN(at) && at < since - 2000) continue;
    if (get('node') !== node || !get('op_key').startsWith('pg_')) continue;
    // crm_mon escapes the exit reason twice (&amp;quot;)
    const reason = get('exitreason').replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&apos;', "'");
    out.push(`${get('op_key')}: ${get('exitstatus')} ${reason}`.trim());
  }
  return out;
}

/**
 * heartbeat pgsql 4.12's start under Pacemaker 2.1.5: its `crm_attribute -p <rsc> -v -INFINITY`
 * (crm_master) is parsed as options ("-I -N FINITY"), so crm_attribute fails with "Could not map
 * name=FINITY to a UUID" (rc 105) and the start retries it until its timeout ("Retrying(remain
 * 86400)"). Either line, as the node's logs have it.
 */
const CANNOT_START = /Could not map name=\S+ to a UUID|Retrying\(remain [0-9]+\).*crm_attribute/;

/** The first line of a node's logs matching `re`, trimmed to what follows the daemon's prefix. */
function evidenceLine(log: string, re: RegExp): string | undefined {
  const line = log.split('\n').find((l) => re.test(l));
  // execd logs an agent's stderr on one line, its newlines as "\n": the first one is the evidence
  return line
    ?.replace(/^.*?(pgsql|crm_attribute|pacemaker-execd)/, '$1')
    .split('\\n')[0]
    ?.trim()
    .slice(0, 200);
}

/** A rig for the replication comparison; `run(agent)` does one full failover with it. */
export function pgsqlReplicationRig(o: { project: string; progress: (line: string) => void }) {
  const root = checkoutRoot();
  const net = process.env.OCFKIT_RIG_PGREP_NET ?? '10.247';
  if (!/^\d{1,3}\.\d{1,3}$/.test(net)) throw new Error(`OCFKIT_RIG_PGREP_NET must be two octets like 10.247, not ${JSON.stringify(net)}`);
  const work = mkdtempSync(join(tmpdir(), `${o.project}-`));
  chmodSync(work, 0o755);
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8')
    .replaceAll('10.217.', `${net}.`)
    .replaceAll('- ./', `- ${root}/`)
    .replaceAll('- .:', `- ${root}:`);
  writeFileSync(join(work, 'docker-compose.yml'), compose);
  const cfg = join(work, 'config');
  mkdirSync(cfg, { mode: 0o755 });
  const src = join(root, 'conformance', 'rigs', 'config');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(cfg, f));
  chmodSync(join(cfg, 'start-node.sh'), 0o755);
  writeFileSync(join(cfg, 'corosync.conf'), readFileSync(join(src, 'corosync.conf'), 'utf8').replaceAll('10.217.', `${net}.`));
  const paf = unpackPaf(work);
  const binds: Record<string, string> = {
    '/etc/ocfkit-rig': cfg,
    '/usr/lib/ocf/resource.d/paf': join(paf, 'usr/lib/ocf/resource.d/heartbeat'),
  };
  for (const pm of readdirSync(join(paf, 'usr/lib/ocf/lib/heartbeat')))
    binds[`/usr/lib/ocf/lib/heartbeat/${pm}`] = join(paf, 'usr/lib/ocf/lib/heartbeat', pm);
  const vip = `${net}.1.100`;
  const log = o.progress;
  const rigs: ComposeRig[] = [];

  return {
    vip,
    async run(agent: ReplicationAgent): Promise<FailoverOutcome> {
      const rig = new ComposeRig({
        kind: 'pacemaker',
        composeFile: join(work, 'docker-compose.yml'),
        project: `${o.project}-${agent}`,
        binds,
        // docker-compose.yml takes its subnets from OCFKIT_RIG_NET (start-node.sh rewrites the
        // addresses of corosync.conf to match): without it the nodes sat on 10.217 while
        // corosync.conf named 10.247, and knet found no links ("host: 2 has no active links")
        env: { ...process.env, OCFKIT_RIG_NET: net },
      });
      rigs.push(rig);
      const exec = async (node: string, argv: string[], timeoutMs = 60_000) => {
        const r = await rig.exec(node, argv, { timeoutMs });
        if (r.code !== 0)
          throw new Error(`${node}: ${argv.slice(0, 3).join(' ')}… exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
        return r.stdout;
      };
      const crmMon = () => rig.exec('node2', ['crm_mon', '-1', '-r', '-A', '--output-as=xml'], { timeoutMs: 15_000 }).then((r) => r.stdout);
      /** The first line of any node's logs (/var/log: pacemaker.log, where execd logs the agents' output) matching `re`. */
      const pacemakerLogEvidence = async (re: RegExp): Promise<string | undefined> => {
        for (const n of NODES) {
          const r = await rig.exec(n, ['grep', '-r', '-h', '-m', '1', '-E', re.source, '/var/log'], { timeoutMs: 15_000 });
          const line = r.code === 0 ? evidenceLine(r.stdout, re) : undefined;
          if (line) return `${n}: ${line}`;
        }
        return undefined;
      };
      const client = (sql: string) =>
        rig.client([`${BIN}/psql`, '-h', vip, '-U', 'postgres', '-d', 'postgres', '-qAtX', '-c', sql], { timeoutMs: 15_000 });
      try {
        await rig.up(seed(), log);
        const primaryIp = `${net}.1.11`;
        const prepare = (node: string, role: string) =>
          exec(node, ['bash', '-c', PREPARE, 'prepare', role, primaryIp, agent, vip], 180_000);
        await prepare('node1', 'primary');
        for (const n of ['node2', 'node3']) await prepare(n, 'standby');
        await prepare('node1', 'stop');
        log(`${agent}: PostgreSQL prepared on ${NODES.join(', ')} (node1 primary, pg_basebackup copies)`);
        const { resources, constraints } = replicationResources(agent, vip);
        for (const x of resources) await exec('node1', ['cibadmin', '-C', '-o', 'resources', '-X', x]);
        for (const x of constraints) await exec('node1', ['cibadmin', '-C', '-o', 'constraints', '-X', x]);

        // Up: one promoted, two unpromoted, the VIP answering, the standby(s) streaming in sync.
        let primary = '';
        const limit = Date.now() + 180_000 * scale;
        for (;;) {
          const xml = await crmMon();
          const r = roles(xml);
          const p = [...r].find(([, role]) => role === 'Promoted')?.[0];
          const standbys = [...r].filter(([, role]) => role === 'Unpromoted').length;
          if (p && standbys === 2) {
            // a synchronous standby, and one the agent made promotable (its score is set by a monitor)
            const sync = await client("select count(*) from pg_stat_replication where sync_state in ('sync', 'quorum')");
            if (sync.code === 0 && Number(sync.stdout.trim()) >= 1 && standbyScore(xml, p) > 0) {
              primary = p;
              break;
            }
          }
          // heartbeat's known failure (see CANNOT_START): once execd logged it and nothing started,
          // waiting for the start timeouts proves nothing more
          const evidence = agent === 'heartbeat' && !p && standbys === 0 ? await pacemakerLogEvidence(CANNOT_START) : undefined;
          if (evidence || Date.now() > limit) {
            // a baseline that never gets this far is an outcome of the comparison, not a harness error
            const failed = NODES.flatMap((n) => failures(xml, n, 0).map((f) => `${n} ${f}`));
            const why = evidence
              ? `baseline cannot start: ${evidence}`
              : `never had a promoted instance with two streaming standbys within ${Math.round((180 * scale) / 60)} min (${JSON.stringify([...r])}${failed.length ? `; ${failed.join('; ')}` : ''})`;
            log(`${agent}: ${why}`);
            return {
              agent,
              killed: '',
              promoted: '',
              promotedAfterS: Number.NaN,
              writableAfterS: Number.NaN,
              acked: 0,
              lost: 0,
              oldPrimary: '',
              rejoined: '',
              cannotStart: why,
            };
          }
          await sleep(1000);
        }
        if (agent !== 'paf' || (await client('select 1 from t limit 0')).code !== 0)
          await client('create table if not exists t (i int primary key)');
        log(`${agent}: ${primary} promoted, standbys streaming; writing through ${vip} and killing ${primary}`);

        // The client writes one row per transaction, each with its own psql (3 s at most, scaled;
        // not Debian's pg_wrapper, a Perl script slow to start on a loaded host), and prints what
        // was acknowledged with the time.
        const seconds = Math.round(45 * scale);
        const writer = rig.client(
          [
            'bash',
            '-c',
            'end=$((SECONDS+$1)); i=0; while [ $SECONDS -lt $end ]; do i=$((i+1)); if timeout $3 $4/psql -h "$2" -U postgres -d postgres -qAtX -c "insert into t values ($i)" >/dev/null 2>&1; then echo "ok $i $(date +%s.%N)"; fi; done',
            'writer',
            String(seconds),
            vip,
            String(Math.round(3 * scale)),
            BIN,
          ],
          { timeoutMs: (seconds + 30) * 1000 },
        );
        await sleep(5000);
        const killedAt = Date.now();
        await rig.kill(primary);
        let promoted = '';
        let promotedAt = 0;
        while (Date.now() - killedAt < (seconds - 5) * 1000) {
          const xml = await crmMon().catch(() => '');
          const p = [...roles(xml)].find(([n, role]) => role === 'Promoted' && n !== primary)?.[0];
          if (p) {
            promoted = p;
            promotedAt = Date.now();
            break;
          }
          await sleep(250);
        }
        const out = (await writer).stdout;
        const acks = [...out.matchAll(/^ok (\d+) ([\d.]+)$/gm)].map((m) => ({ i: Number(m[1]), at: Number(m[2]) * 1000 }));
        // Writable again at the end of the outage: the longest pause between two acknowledgements
        // that ends after the kill (a write in flight at the kill may still be acknowledged by the
        // old primary a moment later, which is not the new one taking writes)
        let firstAfter: (typeof acks)[number] | undefined;
        let pause = -1;
        acks.forEach((a, i) => {
          const before = acks[i - 1]?.at ?? killedAt;
          if (a.at > killedAt && a.at - before > pause) {
            pause = a.at - before;
            firstAfter = a;
          }
        });
        const present = new Set((await client('select i from t')).stdout.split('\n').filter(Boolean).map(Number));
        const lost = acks.filter((a) => !present.has(a.i)).length;
        log(`${agent}: ${promoted || 'nothing'} promoted; ${acks.length} writes acknowledged, ${lost} of them missing on the new primary`);

        // The old primary's node comes back.
        const restartedAt = Date.now();
        await rig.start(primary);
        let oldPrimary = 'not seen';
        const until = Date.now() + 60_000 * scale;
        while (Date.now() < until) {
          const xml = await crmMon().catch(() => '');
          const role = roles(xml).get(primary);
          const failed = failures(xml, primary, restartedAt);
          if (failed.length > 0) {
            oldPrimary = `${role ?? 'Stopped'}; ${failed.join('; ')}`;
            break;
          }
          if (role === 'Unpromoted') {
            oldPrimary = 'Unpromoted (rejoined as a standby)';
            const streaming = await client(`select state from pg_stat_replication where application_name = '${primary}'`);
            if (streaming.stdout.trim() === 'streaming') {
              oldPrimary = 'Unpromoted, streaming from the new primary';
              break;
            }
          }
          await sleep(1000);
        }
        log(`${agent}: old primary ${primary} after its return: ${oldPrimary}`);

        // The operator step of agents/pgsql/README.md for a refused old primary: pg_rewind from the
        // new primary, the lock removed, the failure cleaned up; it must come back as a standby.
        let rejoined = '';
        if (agent === 'ocfkit' && promoted && /former primary not cleanly demoted/.test(oldPrimary)) {
          const newIp = `${net}.1.${11 + NODES.indexOf(promoted as (typeof NODES)[number])}`;
          const rewind = await rig.exec(
            primary,
            [
              'runuser',
              '-u',
              'postgres',
              '--',
              `${BIN}/pg_rewind`,
              '-D',
              DATA,
              `--source-server=host=${newIp} user=postgres dbname=postgres`,
            ],
            { timeoutMs: 180_000 * scale },
          );
          log(
            `${agent}: pg_rewind on ${primary} from ${promoted}: exit ${rewind.code} ${(rewind.stdout + rewind.stderr).trim().split('\n').pop()}`,
          );
          if (rewind.code !== 0) rejoined = `pg_rewind failed (${rewind.code}): ${rewind.stderr.trim()}`;
          else {
            await exec(primary, ['rm', '/var/lib/pgrep/tmp/PGSQL.lock']);
            await exec(primary, ['crm_resource', '--cleanup', '--resource', 'pg-clone', '--node', primary]);
            const stepAt = Date.now();
            rejoined = 'not a standby within the wait';
            while (Date.now() - stepAt < 120_000 * scale) {
              const xml = await crmMon().catch(() => '');
              const role = roles(xml).get(primary);
              const failed = failures(xml, primary, stepAt);
              if (failed.length > 0) {
                rejoined = `${role ?? 'Stopped'}; ${failed.join('; ')}`;
                break;
              }
              if (role === 'Unpromoted') {
                const streaming = await client(`select state from pg_stat_replication where application_name = '${primary}'`);
                if (streaming.stdout.trim() === 'streaming') {
                  rejoined = `Unpromoted, streaming from ${promoted} ${((Date.now() - stepAt) / 1000).toFixed(0)} s after the step`;
                  break;
                }
              }
              await sleep(1000);
            }
          }
          log(`${agent}: old primary ${primary} after the operator step: ${rejoined}`);
        }
        return {
          agent,
          killed: primary,
          promoted,
          promotedAfterS: promoted ? (promotedAt - killedAt) / 1000 : Number.NaN,
          writableAfterS: firstAfter ? (firstAfter.at - killedAt) / 1000 : Number.NaN,
          acked: acks.length,
          lost,
          oldPrimary,
          rejoined,
        };
      } catch (err) {
        for (const n of NODES) log(`--- ${n}\n${await rig.logs(n, 30).catch(() => '')}`);
        throw err;
      } finally {
        await rig.down().catch(() => undefined);
      }
    },
    /** Removes every rig's containers (also after a test timed out mid-run) and the work directory. */
    async cleanup(): Promise<void> {
      for (const r of rigs) await r.down().catch(() => undefined);
      if (existsSync(work)) rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The outcomes as a Markdown table. */
export function outcomeTable(rows: readonly FailoverOutcome[]): string {
  const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
  return [
    '| agent | killed → promoted | promoted after (s) | writable after (s) | acked writes | lost | old primary back | after the operator step |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      r.cannotStart !== undefined
        ? `| ${r.agent} | baseline cannot start | — | — | — | — | ${r.cannotStart.replaceAll('|', '/')} | |`
        : `| ${r.agent} | ${r.killed} → ${r.promoted || '—'} | ${f(r.promotedAfterS)} | ${f(r.writableAfterS)} | ${r.acked} | ${r.lost} | ${r.oldPrimary.replaceAll('|', '/')} | ${r.rejoined.replaceAll('|', '/')} |`,
    ),
  ].join('\n');
}
