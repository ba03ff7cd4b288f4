/**
 * The seed's configuration end to end on one node, with the reference agents and real things:
 * `ocfkit node start` (its own process, inside a network namespace) runs `seedCib()` — grp_pgsql =
 * ocfkit IPaddr + ocfkit pgsql (a real PostgreSQL 15 cluster made by the pgsql tests' helper), the
 * clnDiskd clone of ocfkit diskcheck writing to ext4 on a loop device that fails on demand, and
 * rul_DK_dsc. Every step is asserted from `ocfkit status --output-as json`, the CIB's operation
 * history (`ocfkit cib query`) and the agents' real effects (`ip addr`, `psql -c 'select 1'`):
 *
 * - everything starts (the clone first: rul_DK_dsc keeps the group off until diskcheck_status is set);
 * - kill -9 of the postmaster: monitor failure, prmPg recovered in place, fail count 1;
 * - the VIP deleted behind the agent's back: prmIp recovered in place (prmPg restarted after it, the
 *   group's order), fail count 1;
 * - a second postmaster kill reaches migration-threshold 2: prmPg must leave node1 and, with no
 *   other node, stays stopped; `ocfkit resource cleanup prmPg` brings it back;
 * - the checked disk's writes hang in the kernel (as the diskcheck tests do it): diskcheck_status
 *   turns ERROR, grp_pgsql is stopped; the disk repaired and `ocfkit resource cleanup` run, it comes back;
 * - SIGTERM stops everything in order and the daemon exits 0.
 *
 * The seed runs with stonith-enabled=false (the rigs have no fence device): a failed stop of the
 * group would leave it blocked instead of fencing the node. PostgreSQL's data directory is the
 * helper's cluster directory, not on the failing disk: the disk stands for the shared disk only as
 * far as diskcheck sees it, so a hung disk does not take the database's files with it.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '@ocfkit/conformance/cli';
import { buildAgent } from '@ocfkit/sdk/build';
import { openTempDir } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFaultyfs, type FaultyDisk, faultyDisk, faultyDiskMissing } from '../../agents/diskcheck/test/faulty-disk';
import { missingNetTools, NetLab } from '../../agents/IPaddr/test/netlab';
import { type Cluster, makeCluster, PGBIN, missing as pgMissing } from '../../agents/pgsql/test/cluster';
import { seedCib } from '../src/scenarios/seed-cib';

const ROOT = resolve(import.meta.dirname, '../..');
const missing = pgMissing ?? missingNetTools() ?? faultyDiskMissing();
const VIP = '10.217.1.100';
const SCRIPT = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";

interface Member {
  id: string;
  role: string;
  nodes: string[];
}
interface Status {
  resources: { kind: string; id: string; members?: Member[]; instances?: Member[] }[];
  nodeAttributes: { node: string; attributes: { name: string; value: string }[] }[];
  failCounts: { rsc: string; node: string; failCount: number }[];
  failures: { opKey: string; rc: number; node: string }[];
}

async function ocfkit(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  if (rc !== 0) throw new Error(`ocfkit ${argv.join(' ')} exited ${rc}: ${err}`);
  return out;
}

describe.skipIf(missing)('the seed configuration on one node (ocfkit node start, real agents)', () => {
  const work = openTempDir('ocfkit-seed1-');
  const runDir = join(work, 'run');
  const stateDir = join(work, 'state');
  const haLog = join(work, 'ha.log');
  const mnt = join(work, 'shared');
  let lab: NetLab | undefined;
  let disk: FaultyDisk | undefined;
  let pg: Cluster | undefined;
  let daemon: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      const t = setTimeout(() => daemon?.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(t);
    }
    disk?.mode('ok');
    pg?.destroy();
    for (
      let i = 0;
      i < 20 && spawnSync('umount', [mnt]).status !== 0 && readFileSync('/proc/self/mounts', 'utf8').includes(` ${mnt} `);
      i++
    )
      await new Promise((r) => setTimeout(r, 250));
    await disk?.close();
    lab?.close();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  const status = async () => JSON.parse(await ocfkit('status', '--output-as', 'json', '--run-dir', runDir)) as Status;
  const roles = async () => {
    const s = await status();
    const out: string[] = [];
    for (const r of s.resources)
      for (const m of r.members ?? r.instances ?? []) out.push(`${r.id}/${m.id} ${m.role} ${m.nodes.join(',')}`.trim());
    return out.sort();
  };
  const failCounts = async () => (await status()).failCounts.map((f) => `${f.rsc}@${f.node}=${f.failCount}`).sort();
  const diskStatus = async () =>
    (await status()).nodeAttributes.find((n) => n.node === 'node1')?.attributes.find((a) => a.name === 'diskcheck_status')?.value;
  const vipShown = () => (lab && ns ? lab.ip(ns, ['-o', '-4', 'addr', 'show']).includes(`${VIP}/24`) : false);
  /** `psql -c 'select 1'` through the cluster's socket: '1', or 'down'. */
  const selectOne = () => {
    if (!pg) return 'down';
    const psql = [join(PGBIN, 'psql'), '-X', '-A', '-t', '-h', pg.socketdir, '-p', String(pg.port), '-c', 'select 1'];
    const r = spawnSync('runuser', ['-u', 'postgres', '--', ...psql], { cwd: '/', encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : 'down';
  };
  const postmaster = () => Number(readFileSync(join(pg?.pgdata ?? '', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const history = async (rsc: string) => {
    const xml = await ocfkit('cib', 'query', '--run-dir', runDir);
    return [...xml.matchAll(/<lrm_rsc_op [^>]*>/g)]
      .map((m) => m[0])
      .filter((op) => op.includes(`id="${rsc}_`))
      .map((op) => `${/ id="([^"]+)"/.exec(op)?.[1]} rc=${/rc-code="(\d+)"/.exec(op)?.[1]}`)
      .sort();
  };
  const poll = { timeout: 60_000, interval: 250 };
  let ns: string | undefined;

  const ALL_UP = ['clnDiskd/prmDiskd:0 Started node1', 'grp_pgsql/prmIp Started node1', 'grp_pgsql/prmPg Started node1'];

  it('comes up, and recovers from each injected failure as the CIB says', { timeout: 300_000 }, async () => {
    // The agents, built as users build them (provider ocfkit).
    const dist = join(work, 'dist');
    for (const a of ['IPaddr', 'pgsql', 'diskcheck'])
      await buildAgent(join(ROOT, `agents/${a}/agent.ts`), { out: dist, provider: 'ocfkit' });
    // The node's network: a namespace with a /24 for the VIP.
    lab = new NetLab();
    ns = lab.ns('node1');
    const peer = lab.ns('peer');
    lab.veth(ns, 'v0', peer, 'p0');
    lab.ip(ns, ['addr', 'add', '10.217.1.1/24', 'dev', 'v0']);
    lab.ip(peer, ['addr', 'add', '10.217.1.2/24', 'dev', 'p0']);
    // The shared disk: ext4 on a loop device over a file that fails on demand.
    disk = await faultyDisk(compileFaultyfs(work), join(work, 'disk'), 32);
    execFileSync('mkfs.ext4', ['-q', '-F', disk.device]);
    mkdirSync(mnt);
    execFileSync('mount', [disk.device, mnt]);
    pg = await makeCluster();
    const seed = join(work, 'cib.xml');
    writeFileSync(
      seed,
      seedCib({
        nodes: ['node1'],
        vip: VIP,
        pgdata: pg.pgdata,
        diskDir: mnt,
        pgsqlParams: { pgport: String(pg.port), socketdir: pg.socketdir, logfile: join(pg.dir, 'server.log') },
      }),
    );
    const cli = [process.execPath, '--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT];
    const args = ['node', 'start', '--state-dir', stateDir, '--run-dir', runDir, '--cib', seed, '--node-name', 'node1'];
    daemon = spawn('ip', ['netns', 'exec', ns, ...cli, ...args, '--agent-path', join(dist, 'ocf/resource.d')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HA_LOGFILE: haLog },
    });
    let stderr = '';
    daemon.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    exited = new Promise((r) => daemon?.once('exit', (code) => r(code)));
    const log = () => {
      try {
        return readFileSync(haLog, 'utf8');
      } catch {
        return stderr;
      }
    };
    /**
     * Resolves once the recovery begun after log offset `from` (taken before the failure is injected:
     * on a quiet host the recovery can finish before the test sees its first sign) is over: a
     * transition with actions, and the last transition since then found nothing to do.
     */
    const settled = async (from: number) => {
      await expect
        .poll(() => {
          const runs =
            log()
              .slice(from)
              .match(/: (nothing to do|\d+ actions)/g) ?? [];
          return runs.some((r) => r.endsWith('actions')) && runs.at(-1) === ': nothing to do';
        }, poll)
        .toBe(true);
    };

    // 1. Up: the clone, then the group in order; the VIP in the namespace, PostgreSQL answering.
    await expect.poll(roles, { ...poll, timeout: 90_000 }).toEqual(ALL_UP);
    expect(await diskStatus()).toBe('normal');
    expect(vipShown()).toBe(true);
    expect(selectOne()).toBe('1');
    expect(await failCounts()).toEqual([]);
    expect(log()).toMatch(/initiating prmIp_start_0 on node1[\s\S]*initiating prmPg_start_0 on node1/);
    await expect.poll(() => history('prmPg'), poll).toEqual(['prmPg_last_0 rc=0', 'prmPg_monitor_3000 rc=0']);

    // 2. kill -9 the postmaster: monitor failure (not running), restart in place, fail count 1.
    const first = postmaster();
    let mark = log().length;
    process.kill(first, 'SIGKILL');
    await expect.poll(failCounts, poll).toEqual(['prmPg@node1=1']);
    await settled(mark);
    expect(await roles()).toEqual(ALL_UP);
    await expect.poll(selectOne, poll).toBe('1');
    expect(postmaster()).not.toBe(first);
    expect((await status()).failures.map((f) => `${f.opKey} rc=${f.rc} ${f.node}`)).toEqual(['prmPg_monitor_3000 rc=7 node1']);
    await expect.poll(() => history('prmPg'), poll).toEqual(['prmPg_last_0 rc=0', 'prmPg_last_failure_0 rc=7', 'prmPg_monitor_3000 rc=0']);

    // 3. The VIP deleted behind IPaddr's back: prmIp restarted in place (and prmPg after it).
    mark = log().length;
    lab.ip(ns, ['addr', 'del', `${VIP}/24`, 'dev', 'v0']);
    await expect.poll(failCounts, poll).toEqual(['prmIp@node1=1', 'prmPg@node1=1']);
    await settled(mark);
    expect(await roles()).toEqual(ALL_UP);
    await expect.poll(vipShown, poll).toBe(true);
    await expect.poll(selectOne, poll).toBe('1');
    expect(log()).toMatch(
      /initiating prmPg_stop_0[\s\S]*initiating prmIp_stop_0[\s\S]*initiating prmIp_start_0[\s\S]*initiating prmPg_start_0/,
    );

    // 4. A second postmaster failure reaches migration-threshold (2): prmPg must leave node1, and
    //    with nowhere to go it stays stopped; prmIp, before it in the group, keeps running.
    process.kill(postmaster(), 'SIGKILL');
    await expect.poll(failCounts, poll).toEqual(['prmIp@node1=1', 'prmPg@node1=2']);
    await expect
      .poll(roles, poll)
      .toEqual(['clnDiskd/prmDiskd:0 Started node1', 'grp_pgsql/prmIp Started node1', 'grp_pgsql/prmPg Stopped']);
    await expect.poll(selectOne, poll).toBe('down');
    expect(vipShown()).toBe(true);
    mark = log().length;
    await ocfkit('resource', 'cleanup', 'prmPg', '--run-dir', runDir);
    await expect.poll(roles, poll).toEqual(ALL_UP);
    await settled(mark);
    await expect.poll(selectOne, poll).toBe('1');
    expect(await failCounts()).toEqual(['prmIp@node1=1']);

    // 5. The shared disk's writes hang in the kernel: after diskcheck's timeout (10 s) the
    //    attribute is ERROR, rul_DK_dsc bans grp_pgsql from node1, and it is stopped.
    disk.mode('hang');
    await expect.poll(diskStatus, { ...poll, timeout: 40_000 }).toBe('ERROR');
    await expect.poll(roles, poll).toEqual(['clnDiskd/prmDiskd:0 Started node1', 'grp_pgsql/prmIp Stopped', 'grp_pgsql/prmPg Stopped']);
    expect(vipShown()).toBe(false);
    expect(selectOne()).toBe('down');
    // Repaired, and the history cleaned: it comes back.
    disk.mode('ok');
    await expect.poll(diskStatus, poll).toBe('normal');
    await ocfkit('resource', 'cleanup', 'grp_pgsql', '--run-dir', runDir);
    await expect.poll(roles, poll).toEqual(ALL_UP);
    await expect.poll(vipShown, poll).toBe(true);
    await expect.poll(selectOne, poll).toBe('1');
    expect(await failCounts()).toEqual([]);

    // 6. SIGTERM: everything stops in order, exit 0.
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(vipShown()).toBe(false);
    expect(selectOne()).toBe('down');
    expect(log()).toMatch(/initiating prmPg_stop_0[\s\S]*initiating prmIp_stop_0[\s\S]*initiating prmDiskd_stop_0/);
  });
});
