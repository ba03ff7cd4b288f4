/**
 * A replica set on one host for the replication tests: N copies of one initdb'd cluster (same
 * system identifier, as pg_basebackup would make), each a "node" with its own data directory,
 * socket directory and tmpdir, all on the same port (sockets only, no TCP). `master_ip` is a
 * symlink to the current primary's socket directory — the floating address the standbys
 * connect to, moved by the test as a colocated IPaddr2 would be moved by Pacemaker. One bundled
 * attrd holds every node's attributes; each node's actions run with CRM_meta_on_node naming it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { ATTRD_SOCKET_ENV } from '@ocfkit/sdk';
import { type ActionResult, runAction } from '@ocfkit/sdk/testing';
import pgsql from '../agent';
import { eventually, freePort, killServerProcesses, PGBIN, postgresIds } from './cluster';
import { postmasterPid } from './postmaster-pid';

export interface Node {
  name: string;
  dir: string;
  pgdata: string;
  run: string;
  tmpdir: string;
  /** SQL as postgres on this node's socket (throws on failure). */
  sql(query: string): string;
  act(action: string, opts?: { intervalMs?: number; env?: Record<string, string>; timeoutMs?: number }): Promise<ActionResult>;
  monitor(): Promise<ActionResult>;
}

export interface ReplicaSet {
  dir: string;
  port: number;
  nodes: Node[];
  attrd: Attrd;
  /** A node attribute as attrd holds it. */
  attr(node: string, name: string): string | undefined;
  /** Points master_ip at this node's socket directory. */
  moveVip(node: Node): void;
  /** Everything every action printed (stdout and stderr: logs, exit reasons), in order. */
  output: string[];
  /** Removes master_ip (Pacemaker stops the IP colocated with the promoted instance before a demote). */
  dropVip(): void;
  /**
   * Waits until `primary` streams to every other node. The primary's monitor makes the first
   * standby of node_list it finds streaming the synchronous one; a test that expects node2 (not
   * whichever standby reconnected first after the promotion) waits for this first.
   */
  streaming(primary: Node, ms?: number): Promise<void>;
  /** Sends a notification to every listed node (Pacemaker's notify to all active instances). */
  notify(to: Node[], type: 'pre' | 'post', op: string, lists: Record<string, string[]>): Promise<number[]>;
  destroy(): Promise<void>;
}

const sh = (argv: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { cwd: '/', encoding: 'utf8' });

/**
 * Makes `count` nodes named node1..nodeN with rep_mode `mode`. `env` goes over every action's
 * environment (e.g. `OCFKIT_ATTRD_SOCKET: undefined` and a PATH that reaches a real Pacemaker's
 * attrd instead of the bundled one).
 *
 * @example
 * const rs = await replicaSet(3, 'sync');
 */
export async function replicaSet(
  count: number,
  mode: 'async' | 'sync',
  extra: Record<string, string> = {},
  actionEnv: Record<string, string | undefined> = {},
): Promise<ReplicaSet> {
  const { uid, gid } = postgresIds();
  const dir = mkdtempSync('/tmp/ocfkit-pgrep-');
  chmodSync(dir, 0o755);
  chownSync(dir, uid, gid);
  const seed = join(dir, 'seed');
  sh([join(PGBIN, 'initdb'), '-N', '-A', 'trust', '-U', 'postgres', '-D', seed]);
  appendFileSync(
    join(seed, 'postgresql.conf'),
    [
      "listen_addresses = ''",
      'fsync = off',
      'shared_buffers = 16MB',
      'wal_log_hints = on',
      "wal_retrieve_retry_interval = '200ms'",
      "wal_keep_size = '64MB'",
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const vip = join(dir, 'vip');
  const attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock'), node: 'node1' });
  const names = Array.from({ length: count }, (_, i) => `node${i + 1}`);
  const output: string[] = [];
  const nodes = names.map((name, i): Node => {
    const nd = join(dir, name);
    mkdirSync(nd);
    chownSync(nd, uid, gid);
    const pgdata = join(nd, 'data');
    const run = join(nd, 'run');
    sh(['cp', '-a', seed, pgdata]);
    // Each node's configuration lives outside its data directory (as Debian keeps it in /etc):
    // pg_rewind copies the source's data directory files, configuration included.
    const config = join(nd, 'postgresql.conf');
    sh(['cp', join(seed, 'postgresql.conf'), config]);
    appendFileSync(config, `unix_socket_directories = '${run}'\n`);
    const params = {
      pgctl: join(PGBIN, 'pg_ctl'),
      psql: join(PGBIN, 'psql'),
      pgdata,
      config,
      pgport: String(port),
      socketdir: run,
      logfile: join(nd, 'server.log'),
      rep_mode: mode,
      node_list: names.join(' '),
      master_ip: vip,
      tmpdir: join(nd, 'tmp'),
      stop_escalate: '10',
      stop_escalate_in_slave: '10',
      ...extra,
    };
    const env = {
      [ATTRD_SOCKET_ENV]: attrd.socket,
      OCF_RESKEY_CRM_meta_on_node: name,
      OCF_RESKEY_CRM_meta_clone: String(i),
      OCF_RESKEY_CRM_meta_clone_max: String(count),
      OCF_RESKEY_CRM_meta_clone_node_max: '1',
      OCF_RESKEY_CRM_meta_promoted_max: '1',
      OCF_RESKEY_CRM_meta_promoted_node_max: '1',
      OCF_RESKEY_CRM_meta_master_max: '1',
      OCF_RESKEY_CRM_meta_master_node_max: '1',
      OCF_RESKEY_CRM_meta_notify: 'true',
      OCF_RESKEY_CRM_meta_globally_unique: 'false',
      ...actionEnv,
    };
    const node: Node = {
      name,
      dir: nd,
      pgdata,
      run,
      tmpdir: params.tmpdir,
      sql: (query) =>
        sh([
          join(PGBIN, 'psql'),
          '-X',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          run,
          '-p',
          String(port),
          '-d',
          'postgres',
          '-c',
          query,
        ]).trim(),
      act: async (action, o = {}) => {
        const r = await runAction(pgsql, action, {
          instance: 'pgsql',
          params,
          env: { ...env, ...o.env },
          timeoutMs: o.timeoutMs ?? 60_000,
          ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}),
        });
        output.push(r.stdout, r.stderr);
        return r;
      },
      monitor: () => node.act('monitor', { intervalMs: 10_000 }),
    };
    return node;
  });
  rmSync(seed, { recursive: true, force: true });
  return {
    dir,
    port,
    nodes,
    attrd,
    output,
    attr: (node, name) => attrd.get(name, node)?.value ?? undefined,
    moveVip(node) {
      const tmp = `${vip}.new`;
      rmSync(tmp, { force: true });
      symlinkSync(node.run, tmp);
      renameSync(tmp, vip);
    },
    dropVip: () => rmSync(vip, { force: true }),
    async streaming(primary, ms = 60_000) {
      const others = nodes.filter((n) => n !== primary).map((n) => n.name);
      let seen = '';
      await eventually(
        () => {
          seen = primary.sql("select application_name || ':' || state from pg_stat_replication order by 1").replace(/\n/g, ', ');
          return others.every((n) => seen.includes(`${n}:streaming`)) ? true : undefined;
        },
        ms,
        () => `${primary.name} streams to ${seen || 'no standby'}, expected ${others.join(', ')}`,
      );
    },
    async notify(to, type, op, lists) {
      const env: Record<string, string> = { OCF_RESKEY_CRM_meta_notify_type: type, OCF_RESKEY_CRM_meta_notify_operation: op };
      for (const [k, v] of Object.entries(lists)) env[`OCF_RESKEY_CRM_meta_notify_${k}`] = v.length ? v.join(' ') : ' ';
      const rcs: number[] = [];
      for (const n of to) rcs.push((await n.act('notify', { env })).rc);
      return rcs;
    },
    async destroy() {
      for (const n of nodes) {
        if (postmasterPid(n.pgdata) !== undefined)
          spawnSync('runuser', ['-u', 'postgres', '--', join(PGBIN, 'pg_ctl'), '-D', n.pgdata, '-m', 'immediate', '-w', 'stop'], {
            cwd: '/',
            stdio: 'ignore',
          });
        killServerProcesses(n.pgdata, uid);
      }
      await attrd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
