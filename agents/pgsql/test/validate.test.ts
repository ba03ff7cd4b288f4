/** validate-all codes, and what each action makes of a failed validation (heartbeat's rules). */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '@ocfkit/sdk';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { type Cluster, makeCluster, missing, postgresIds } from './cluster';
import { postmasterPid } from './postmaster-pid';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });

/** [rc, exit reason] of validate-all, start, probe, recurring monitor, stop and notify with these parameters. */
async function codes(params: Record<string, string>) {
  const out: Record<string, [number, string | undefined]> = {};
  for (const [name, action, intervalMs] of [
    ['validate-all', 'validate-all', 0],
    ['start', 'start', 0],
    ['probe', 'monitor', 0],
    ['monitor', 'monitor', 10_000],
    ['stop', 'stop', 0],
    ['notify', 'notify', 0],
  ] as const) {
    const r = await act(action, { params, ...(intervalMs ? { intervalMs } : {}) });
    out[name] = [r.rc, r.exitReason];
  }
  return out;
}

describe.skipIf(missing)('pgsql validation', () => {
  it('missing pg_ctl or psql: 5; probe and monitor 7; stop 0', async () => {
    const why = "Setup problem: couldn't find command: /nonexistent/pg_ctl";
    expect(await codes({ pgctl: '/nonexistent/pg_ctl' })).toEqual({
      'validate-all': [5, why],
      start: [5, why],
      probe: [7, undefined],
      monitor: [7, why],
      stop: [0, undefined],
      notify: [0, undefined],
    });
    expect((await act('validate-all', { params: { psql: 'no-such-psql' } })).exitReason).toBe(
      "Setup problem: couldn't find command: no-such-psql",
    );
  });

  it('a stop without pg_ctl still stops a running server, signalling the postmaster itself', async () => {
    expect((await act('start')).rc).toBe(0);
    const pid = postmasterPid(c.pgdata) as number;
    const stop = await act('stop', { params: { pgctl: '/nonexistent/pg_ctl' } });
    expect([stop.rc, stop.exitReason]).toEqual([0, undefined]);
    expect(stop.stderr).toContain(`sending SIGINT to postmaster ${pid} instead`);
    expect(stop.stderr).not.toContain('immediate');
    expect(isAlive(pid)).toBe(false);
    expect((await act('monitor')).rc).toBe(7);
  });

  it('missing config: 5, but a probe skips the check and sees the running server', async () => {
    const config = join(c.dir, 'missing.conf');
    const why = `Configuration file ${config} doesn't exist`;
    expect(await codes({ config })).toEqual({
      'validate-all': [5, why],
      start: [5, why],
      probe: [7, undefined],
      monitor: [7, why],
      stop: [0, undefined],
      notify: [0, undefined],
    });
    expect((await act('start')).rc).toBe(0);
    expect((await act('monitor', { params: { config } })).rc).toBe(0);
    expect((await act('monitor', { params: { config }, intervalMs: 10_000 })).rc).toBe(7);
    expect((await act('stop')).rc).toBe(0);
  });

  it('a config outside pgdata is passed to the server', async () => {
    const config = join(c.dir, 'elsewhere.conf');
    copyFileSync(join(c.pgdata, 'postgresql.conf'), config);
    chownSync(config, postgresIds().uid, postgresIds().gid);
    const start = await act('start', { params: { config, start_opt: '-c work_mem=7MB' } });
    expect([start.rc, start.exitReason]).toEqual([0, undefined]);
    expect(c.sql('show config_file')).toBe(config);
    expect(c.sql('show work_mem')).toBe('7MB');
    expect((await act('stop', { params: { config } })).rc).toBe(0);
  });

  it('unknown pgdba: 5', async () => {
    const why = "User ocfkit-no-such-user doesn't exist";
    expect(await codes({ pgdba: 'ocfkit-no-such-user' })).toEqual({
      'validate-all': [5, why],
      start: [5, why],
      probe: [7, undefined],
      monitor: [7, why],
      stop: [0, undefined],
      notify: [0, undefined],
    });
  });

  it('pgdata not writable by pgdba: 4, not checked by a probe', async () => {
    expect((await act('start')).rc).toBe(0);
    chownSync(c.pgdata, 0, 0);
    chmodSync(c.pgdata, 0o755);
    try {
      const why = `Directory ${c.pgdata} is not writable by postgres`;
      expect((await act('validate-all')).exitReason).toBe(why);
      expect((await act('validate-all')).rc).toBe(4);
      expect((await act('start')).rc).toBe(4);
      // The server keeps running: a probe (no pgdata check) sees it, a recurring monitor says 7.
      expect((await act('monitor')).rc).toBe(0);
      expect((await act('monitor', { intervalMs: 10_000 })).rc).toBe(7);
    } finally {
      chownSync(c.pgdata, postgresIds().uid, postgresIds().gid);
      chmodSync(c.pgdata, 0o700);
    }
    expect((await act('stop')).rc).toBe(0);
  });

  it('monitor_user without monitor_password, or the reverse: 6', async () => {
    expect(await codes({ monitor_user: 'mon' })).toEqual({
      'validate-all': [6, "monitor password can't be empty"],
      start: [6, "monitor password can't be empty"],
      probe: [7, undefined],
      monitor: [7, "monitor password can't be empty"],
      stop: [0, undefined],
      notify: [0, undefined],
    });
    const r = await act('validate-all', { params: { monitor_password: 'pw' } });
    expect([r.rc, r.exitReason]).toEqual([6, 'monitor_user has to be set if monitor_password is set']);
  });

  it('unix_socket_directories in the config without socketdir: 6 (heartbeat, PostgreSQL 9.3+)', async () => {
    const r = await act('validate-all', { params: { socketdir: '' } });
    expect([r.rc, r.exitReason]).toEqual([
      6,
      `socketdir can't be empty when ${join(c.pgdata, 'postgresql.conf')} sets unix_socket_directories`,
    ]);
  });

  it('replication settings, in heartbeat order: master_ip, a promotable clone, node_list; slave and unknown modes: 6', async () => {
    const clone = { OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_clone_max: '2' };
    const rep = { rep_mode: 'sync', master_ip: '10.0.0.9', node_list: 'n1 n2' };
    const seen: Array<[number, string | undefined]> = [];
    for (const [params, env] of [
      [{ ...rep, master_ip: '' }, clone],
      [rep, {}],
      [{ ...rep, node_list: ' ' }, clone],
      [{ rep_mode: 'slave' }, clone],
      [{ rep_mode: 'semisync' }, clone],
      [rep, clone],
    ] as const) {
      const r = await act('validate-all', { params, env });
      seen.push([r.rc, r.exitReason]);
    }
    expect(seen).toEqual([
      [6, "master_ip can't be empty."],
      [6, 'Replication (rep_mode=sync) requires a promotable clone'],
      [6, "node_list can't be empty."],
      [6, 'rep_mode=slave is not supported: use async or sync in a promotable clone'],
      [6, 'Invalid rep_mode : semisync (none, async or sync)'],
      [0, undefined],
    ]);
    // Without replication promote and demote are configuration errors (heartbeat's "Not in a replication mode.").
    expect((await act('start')).rc).toBe(0);
    const promote = await act('promote');
    expect([promote.rc, promote.exitReason]).toEqual([6, 'Not in a replication mode.']);
    expect((await act('stop')).rc).toBe(0);
  });

  it('bad parameter values: 6 naming the parameter', async () => {
    const r = await act('validate-all', { params: { pgport: 'fivefourthreetwo' } });
    expect(r.rc).toBe(6);
    expect(r.exitReason).toContain('pgport');
    expect((await act('validate-all', { params: { pgdata: 'relative/data' } })).rc).toBe(6);
  });

  it('a log file pgdba cannot write: start 4, as heartbeat', async () => {
    const hidden = join(c.dir, 'root-only');
    mkdirSync(hidden, { mode: 0o700 });
    const logfile = join(hidden, 'server.log');
    const r = await act('start', { params: { logfile } });
    expect([r.rc, r.exitReason]).toEqual([4, `PostgreSQL can't write to the log file: ${logfile}`]);
    expect((await act('monitor')).rc).toBe(7);
  });

  it('an existing log file pgdba cannot write (checked in one test with pgdata): start 4 naming the log file', async () => {
    const logfile = join(c.dir, 'root-owned.log');
    writeFileSync(logfile, '', { mode: 0o600 });
    const r = await act('start', { params: { logfile } });
    expect([r.rc, r.exitReason]).toEqual([4, `PostgreSQL can't write to the log file: ${logfile}`]);
    expect((await act('monitor')).rc).toBe(7);
  });
});

/** A PATH with every usual command but `without`; removed by `use`'s end. */
async function pathWithout<T>(without: readonly string[], use: (path: string) => Promise<T>): Promise<T> {
  const bin = mkdtempSync(join(tmpdir(), 'ocfkit-nocmd-'));
  chmodSync(bin, 0o755); // the commands run as the owner are looked up there too
  try {
    for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'])
      for (const name of existsSync(dir) ? readdirSync(dir) : [])
        if (!without.includes(name) && !existsSync(join(bin, name))) symlinkSync(join(dir, name), join(bin, name));
    return await use(bin);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe.skipIf(missing)('pgsql without runuser', () => {
  it('says runuser is missing (5), not that a directory is not writable (4)', async () => {
    // the checks run through setpriv where it is installed, runuser otherwise
    const r = await pathWithout(['runuser', 'setpriv'], (PATH) => act('validate-all', { env: { PATH } }));
    expect([r.rc, r.exitReason]).toEqual([5, expect.stringMatching(/runuser: command not found|command not found: runuser/)]);
  });

  it('checks as the owner through runuser when setpriv is missing', async () => {
    expect((await pathWithout(['setpriv'], (PATH) => act('validate-all', { env: { PATH } }))).rc).toBe(0);
    chownSync(c.pgdata, 0, 0);
    try {
      const r = await pathWithout(['setpriv'], (PATH) => act('validate-all', { env: { PATH } }));
      expect([r.rc, r.exitReason]).toEqual([4, `Directory ${c.pgdata} is not writable by postgres`]);
    } finally {
      chownSync(c.pgdata, postgresIds().uid, postgresIds().gid);
    }
  });
});

describe.skipIf(missing)("pgsql's checks as the owner (setpriv, no PAM session)", () => {
  it("count the owner's supplementary groups, as runuser does", async () => {
    // pgdata writable only through a group postgres is a supplementary member of (Debian: ssl-cert)
    const ids = execFileSync('id', ['-G', 'postgres'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const extra = ids.find((g) => g !== postgresIds().gid);
    expect(extra, 'postgres must have a supplementary group (Debian adds it to ssl-cert)').toBeDefined();
    chownSync(c.pgdata, 0, extra as number);
    try {
      chmodSync(c.pgdata, 0o770);
      expect(await act('validate-all')).toMatchObject({ rc: 0 });
      chmodSync(c.pgdata, 0o750);
      expect(await act('validate-all')).toMatchObject({ rc: 4, exitReason: `Directory ${c.pgdata} is not writable by postgres` });
    } finally {
      chownSync(c.pgdata, postgresIds().uid, postgresIds().gid);
      chmodSync(c.pgdata, 0o700);
    }
  });
});
