/**
 * The seed configuration on three node daemons (under CI=true, and on demand with
 * OCFKIT_RIG_SEED_CLUSTER=1; root, `ip`, PostgreSQL 15): the cluster rig's namespaces on a bridge (10.215.0.0/24 on eth1), `seedCib()` with
 * grp_pgsql = ocfkit IPaddr (the VIP 10.215.0.100 on the bridge) + ocfkit pgsql (one real
 * PostgreSQL 15 data directory on the host's file system, which every namespace shares), and the
 * clnDiskd clone of ocfkit diskcheck writing to a shared directory. The node running the group
 * dies (every process in its namespace killed, its link down); the group must run on a survivor:
 * asserted from `ocfkit status --output-as json` on the survivors and from the agents' effects
 * (the VIP answers ping from the other survivor's namespace, `select 1` answers from a new
 * postmaster). stonith is disabled (the rig has no fence device), as in seed-one-node.test.ts.
 * OCFKIT_RIG_LOGS=DIR keeps the daemons' logs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, makeCluster, PGBIN, missing as pgMissing } from '../../agents/pgsql/test/cluster';
import { HA_CF_TEST, NodeRig } from '../../engine/test/node/cluster-rig';
import { ocfkit } from '../../engine/test/node/helpers';
import { seedCib } from '../src/scenarios/seed-cib';

const ROOT = resolve(import.meta.dirname, '../..');
const NODES = ['n1', 'n2', 'n3'];
const VIP = '10.215.0.100';
// In npm test under CI=true (25-85 s for the file at load 6-16), where a missing tool fails it; elsewhere on demand.
const wanted = process.env.OCFKIT_RIG_SEED_CLUSTER === '1' || process.env.CI === 'true';
const missing = !wanted
  ? 'on demand: OCFKIT_RIG_SEED_CLUSTER=1 (always under CI=true)'
  : (pgMissing ?? requireTool(['ip', 'ping'], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root')));

interface Member {
  id: string;
  role: string;
  nodes: string[];
}
interface Status {
  dc?: string;
  quorum: boolean;
  resources: { kind: string; id: string; members?: Member[]; instances?: Member[] }[];
}

describe.skipIf(missing)('the seed configuration on three node daemons in network namespaces (real agents)', { timeout: 420_000 }, () => {
  let c: NodeRig | undefined;
  let pg: Cluster | undefined;

  afterAll(() => {
    pg?.destroy();
    c?.close();
  }, 60_000);

  const status = async (n: string): Promise<Status | null> => {
    const r = await ocfkit('status', '--output-as', 'json', '--run-dir', c!.run(n));
    return r.rc === 0 ? (JSON.parse(r.out) as Status) : null;
  };
  /** `group/member Role node` and `clone/instance Role node` lines of a node's status. */
  const roles = (s: Status | null) => {
    const out: string[] = [];
    for (const r of s?.resources ?? [])
      for (const m of r.members ?? r.instances ?? []) out.push(`${r.id}/${m.id} ${m.role} ${m.nodes.join(',')}`.trim());
    return out.sort();
  };
  const groupHost = (s: Status | null) => {
    const g = s?.resources.find((r) => r.id === 'grp_pgsql')?.members ?? [];
    const hosts = new Set(g.filter((m) => m.role === 'Started').flatMap((m) => m.nodes));
    return g.length === 2 && g.every((m) => m.role === 'Started' && m.nodes.length === 1) && hosts.size === 1 ? [...hosts][0] : undefined;
  };
  const diskdOn = (s: Status | null) =>
    (s?.resources.find((r) => r.id === 'clnDiskd')?.instances ?? [])
      .filter((m) => m.role === 'Started')
      .flatMap((m) => m.nodes)
      .sort();
  const vipOn = (n: string) =>
    spawnSync('ip', ['-n', c!.rig.ns(n), '-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout.includes(`${VIP}/24`);
  const pingFrom = (n: string) => spawnSync('ip', ['netns', 'exec', c!.rig.ns(n), 'ping', '-c', '1', '-W', '2', VIP]).status === 0;
  const selectOne = () => {
    const psql = [join(PGBIN, 'psql'), '-X', '-A', '-t', '-h', pg!.socketdir, '-p', String(pg!.port), '-c', 'select 1'];
    const r = spawnSync('runuser', ['-u', 'postgres', '--', ...psql], { cwd: '/', encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : 'down';
  };
  const postmaster = () => Number(readFileSync(join(pg!.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  /** Polls the statuses of `nodes` until `pred` holds for all; the last statuses and logs on timeout. */
  const until = async (what: string, nodes: string[], pred: (s: Status) => boolean, timeoutMs: number) => {
    const t0 = performance.now();
    for (;;) {
      const all = await Promise.all(nodes.map(status));
      if (all.every((s) => s !== null && pred(s))) return all as Status[];
      if (performance.now() - t0 > timeoutMs)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}:\n${nodes
            .map(
              (n, i) =>
                `${n}: dc=${all[i]?.dc} ${roles(all[i] ?? null).join('; ')}\n${(c!.rig.logs.get(n) ?? '').split('\n').slice(-12).join('\n')}`,
            )
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('comes up on three nodes; the node running grp_pgsql dies and the group runs on a survivor', async () => {
    pg = await makeCluster();
    c = new NodeRig(NODES, HA_CF_TEST, '<cib/>', `h64s${process.pid % 100000}`);
    const shared = join(c.rig.dir, 'shared');
    mkdirSync(shared);
    c.writeSeed(
      seedCib({
        nodes: NODES,
        vip: VIP,
        pgdata: pg.pgdata,
        diskDir: shared,
        pgsqlParams: { pgport: String(pg.port), socketdir: pg.socketdir, logfile: join(pg.dir, 'server.log') },
      }),
    );
    const dist = join(c.rig.dir, 'dist');
    for (const a of ['IPaddr', 'pgsql', 'diskcheck'])
      await buildAgent(join(ROOT, `agents/${a}/agent.ts`), { out: dist, provider: 'ocfkit' });
    for (const n of NODES) c.start(n, ['--agent-path', join(dist, 'ocf/resource.d')]);

    // 1. Up: the clone on every node, the group on one, its VIP there, PostgreSQL answering.
    const up = await until(
      'the clone everywhere and the group on one node',
      NODES,
      (s) => s.quorum && diskdOn(s).join() === NODES.join() && groupHost(s) !== undefined,
      240_000,
    );
    const host = groupHost(up[0]!) as string;
    expect(up.map((s) => groupHost(s))).toEqual([host, host, host]);
    expect(NODES.filter(vipOn)).toEqual([host]);
    const others = NODES.filter((n) => n !== host);
    expect(pingFrom(others[0]!)).toBe(true);
    expect(selectOne()).toBe('1');
    const firstPostmaster = postmaster();

    // 2. The host dies: every process in its namespace killed (the daemon, PostgreSQL, the
    //    diskcheck checker), its link down (its VIP gone from the bridge with it).
    const pids = spawnSync('ip', ['netns', 'pids', c.rig.ns(host)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['-n', c.rig.ns(host), 'link', 'set', 'eth1', 'down']);

    // 3. The survivors: a DC among them with quorum, the group on one of them, its effects there.
    const after = await until(
      'grp_pgsql on a survivor',
      others,
      (s) => s.quorum && others.includes(s.dc ?? '') && others.includes(groupHost(s) ?? ''),
      180_000,
    );
    const now = groupHost(after[0]!) as string;
    expect(after.map((s) => groupHost(s))).toEqual([now, now]);
    expect(after.map((s) => diskdOn(s))).toEqual([others, others]);
    expect(others.filter(vipOn)).toEqual([now]);
    expect(pingFrom(others.find((n) => n !== now)!)).toBe(true);
    expect(selectOne()).toBe('1');
    expect(postmaster()).not.toBe(firstPostmaster);
  });
});
