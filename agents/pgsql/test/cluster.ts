/**
 * Test clusters: every test gets its own PostgreSQL cluster, made with initdb in a temporary
 * directory owned by `postgres`, listening only on a Unix socket in that directory, on a free
 * port. Nothing here touches a system cluster.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { parsePasswd } from '../account';
import { serverProcesses } from '../postmaster';

/** The newest PostgreSQL installed the Debian way (`/usr/lib/postgresql/<major>/bin`). */
export const PGBIN = (() => {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, 'bin') : join(root, 'missing', 'bin');
})();

/** Why the PostgreSQL tests cannot run here (undefined when they can; throws under CI=true). */
export const missing = requireTool([join(PGBIN, 'initdb'), join(PGBIN, 'pg_ctl'), join(PGBIN, 'psql'), 'runuser'], () => {
  if (process.getuid?.() !== 0) return 'the pgsql tests need root (runuser, chown)';
  return spawnSync('id', ['-u', 'postgres']).status === 0 ? undefined : 'no postgres user';
});

const POSTGRES = (() => {
  try {
    return parsePasswd(execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }), 'postgres');
  } catch {
    return undefined;
  }
})();

/** uid and gid of the postgres account. */
export function postgresIds(): { uid: number; gid: number } {
  if (!POSTGRES) throw new Error('no postgres user');
  return POSTGRES;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** SIGKILLs (after SIGCONT: some are stopped) every server process of `pgdata` until none is left (2 s at most). */
export function killServerProcesses(pgdata: string, uid: number): void {
  for (let i = 0; i < 20; i++) {
    const left = serverProcesses(pgdata, uid);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    spawnSync('sleep', ['0.1']);
  }
}

export interface Cluster {
  dir: string;
  pgdata: string;
  socketdir: string;
  port: number;
  /** The agent parameters that point at this cluster. */
  params: Record<string, string>;
  /** Runs SQL as postgres over the socket; returns stdout (throws on failure). */
  sql(query: string, db?: string): string;
  /** Starts a psql session that runs `query` in the background (as postgres). */
  session(query: string): ChildProcess;
  /** Kills everything of this cluster and removes its directory. */
  destroy(): void;
}

const HBA = [
  'local all postgres peer',
  'local all all scram-sha-256',
  'host all postgres 127.0.0.1/32 trust',
  'host all all 127.0.0.1/32 scram-sha-256',
  '',
].join('\n');

/**
 * Creates a cluster in a new temporary directory: initdb as postgres, peer authentication for
 * postgres and scram passwords for everyone else, sockets in `<dir>/run`, no TCP listener
 * unless the agent's `pghost` asks for one (127.0.0.1: postgres trusted, others scram).
 *
 * @example
 * const c = await makeCluster();
 * await runAction(pgsql, 'start', { params: c.params });
 */
export async function makeCluster(): Promise<Cluster> {
  const { uid, gid } = postgresIds();
  const dir = mkdtempSync('/tmp/ocfkit-pgsql-');
  chmodSync(dir, 0o755);
  chownSync(dir, uid, gid);
  const pgdata = join(dir, 'data');
  const socketdir = join(dir, 'run');
  const init = spawnSync('runuser', ['-u', 'postgres', '--', join(PGBIN, 'initdb'), '-N', '-A', 'trust', '-U', 'postgres', '-D', pgdata], {
    cwd: '/',
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  writeFileSync(join(pgdata, 'pg_hba.conf'), HBA);
  appendFileSync(
    join(pgdata, 'postgresql.conf'),
    [
      `unix_socket_directories = '${socketdir}'`,
      "listen_addresses = ''",
      'fsync = off',
      'max_connections = 20',
      'shared_buffers = 16MB',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const params = {
    pgctl: join(PGBIN, 'pg_ctl'),
    psql: join(PGBIN, 'psql'),
    pgdata,
    pgport: String(port),
    socketdir,
    logfile: join(dir, 'server.log'),
  };
  const psqlArgv = (query: string, db: string) => [
    '-u',
    'postgres',
    '--',
    join(PGBIN, 'psql'),
    '-X',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    socketdir,
    '-p',
    String(port),
    '-d',
    db,
    '-c',
    query,
  ];
  const sessions: ChildProcess[] = [];
  return {
    dir,
    pgdata,
    socketdir,
    port,
    params,
    sql: (query, db = 'postgres') => execFileSync('runuser', psqlArgv(query, db), { cwd: '/', encoding: 'utf8' }).trim(),
    session(query) {
      const c = spawn('runuser', psqlArgv(query, 'postgres'), { cwd: '/', stdio: 'ignore' });
      sessions.push(c);
      return c;
    },
    destroy() {
      for (const s of sessions) s.kill('SIGKILL');
      killServerProcesses(pgdata, uid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `probe` every 100 ms until it returns a value or `ms` pass; on timeout the error ends with
 * what `seen` says then (the state the test waited to change), so a CI log shows why.
 */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 15_000, seen?: () => string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms${seen ? `: ${seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The backend pid serving a session whose query text contains `marker`. */
export function backendOf(c: Cluster, marker: string): Promise<number> {
  return eventually(() => {
    const out = c.sql(`select pid from pg_stat_activity where query like '%${marker}%' and pid <> pg_backend_pid()`);
    return out ? Number(out.split('\n')[0]) : undefined;
  });
}
