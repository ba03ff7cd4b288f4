/**
 * The built executable under the real tools: ocf-tester (resource-agents, on the replication
 * mode), the three meta-data grammars, and Pacemaker's crm_resource (standalone), against a
 * real cluster.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateGrammar } from '@ocfkit/conformance';
import { startAttrd } from '@ocfkit/engine';
import { ATTRD_SOCKET_ENV } from '@ocfkit/sdk';
import { buildAgent } from '@ocfkit/sdk/build';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Cluster, makeCluster, missing } from './cluster';
import { noPtraceWrapper } from './no-ptrace';
import { postmasterPid } from './postmaster-pid';

const tools = missing ?? requireTool(['ocf-tester', 'xmllint', 'crm_resource', 'setpriv']);

/** The test runner's environment without OCF variables. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) base[k] = v;
  delete base.NODE_EXTRA_CA_CERTS;
  return { ...base, ...env };
}

/** Runs a command with an environment free of OCF variables from the test runner. */
function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { cwd: '/', encoding: 'utf8', env: cleanEnv(env) });
}

/** {@link run} without blocking the event loop (the in-process attrd must keep answering). */
function runAsync(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: '/', env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** crm_resource's arguments naming ocf:PROVIDER:pgsql with `params` as its options. */
function crmResourceAgent(provider: string, params: Readonly<Record<string, string>>): string[] {
  return [
    '--class',
    'ocf',
    '--provider',
    provider,
    '--agent',
    'pgsql',
    ...Object.entries(params).flatMap(([k, v]) => ['--option', `${k}=${v}`]),
  ];
}
describe.skipIf(tools)('pgsql with real tools', () => {
  let dir: string;
  let agent: string;
  let c: Cluster;
  const provider = `ocfkitpg${process.pid}`;

  beforeAll(async () => {
    // ocf-tester runs meta-data as `nobody`: the build must be world-readable.
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-build-'));
    chmodSync(dir, 0o755);
    agent = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider })).output;
  });
  afterAll(() => {
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    c = await makeCluster();
  });
  afterEach(() => c?.destroy());

  it('passes ocf-tester as a one-node promotable clone (rep_mode=async), run as root without CAP_SYS_PTRACE', async () => {
    // ocf-tester exercises promote/demote whenever they are advertised, and heartbeat's rule
    // (promote without replication → 6) would fail it: it runs against the replication mode,
    // with the clone meta Pacemaker sends (-o CRM_meta_promoted_max=1) and the bundled attrd for
    // the attributes. Its demote → promote → demote cycle makes the server a standby again each
    // time (a clean shutdown lifts PGSQL.lock). The in-process tests cover the host with ptrace
    // access; one ocf-tester run is enough.
    const attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock') });
    try {
      const wrapped = noPtraceWrapper(agent, join(dir, 'noptrace'));
      const params = {
        ...c.params,
        // pg_control of a fresh initdb records max_connections=100; a hot standby may not use fewer.
        start_opt: '-c max_connections=100',
        rep_mode: 'async',
        node_list: hostname(),
        master_ip: c.socketdir,
        tmpdir: join(c.dir, 'tmp'),
        CRM_meta_promoted_max: '1',
      };
      const opts = Object.entries(params).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
      const r = await runAsync('ocf-tester', ['-n', 'pg1', ...opts, wrapped], { [ATTRD_SOCKET_ENV]: attrd.socket });
      expect(r.stderr).not.toContain('Tests failed');
      expect(r.stdout).toContain(`${wrapped} passed all tests`);
      expect(r.status).toBe(0);
      expect(postmasterPid(c.pgdata)).toBeUndefined();
      expect(existsSync(join(c.dir, 'tmp', 'PGSQL.lock'))).toBe(false);
      expect(attrd.get('pg1-status', hostname().toLowerCase())?.value).toBe('STOP');
    } finally {
      await attrd.close();
    }
    // ocf-tester starts, promotes, demotes and stops the server several times: ~60 s on an idle 2-core host.
  }, 240_000);

  it.each(['dtd', 'ra-rng', 'ocf-1.1-rng'] as const)('meta-data validates against the %s grammar', (grammar) => {
    const md = run(agent, ['meta-data']);
    expect(md.status).toBe(0);
    expect(validateGrammar(md.stdout, grammar)).toEqual({ valid: true });
  });

  it('keeps the heartbeat parameter names and defaults in its meta-data', () => {
    const ours = run(agent, ['meta-data']).stdout;
    const theirs = run('/usr/lib/ocf/resource.d/heartbeat/pgsql', ['meta-data'], { OCF_ROOT: '/usr/lib/ocf' }).stdout;
    const defaults = (xml: string) =>
      Object.fromEntries(
        [...xml.matchAll(/<parameter name="([^"]+)"[\s\S]*?<content type="(\w+)"(?: default="([^"]*)")?/g)].map((m) => [
          m[1],
          `${m[2]} ${m[3] ?? ''}`,
        ]),
      );
    const mine = defaults(ours);
    const heartbeat = defaults(theirs);
    expect(Object.keys(mine)).toEqual([
      'pgctl',
      'start_opt',
      'ctl_opt',
      'psql',
      'pgdata',
      'pgdba',
      'pghost',
      'pgport',
      'pglibs',
      'monitor_user',
      'monitor_password',
      'monitor_sql',
      'config',
      'pgdb',
      'logfile',
      'socketdir',
      'stop_escalate',
      'rep_mode',
      'node_list',
      'restore_command',
      'archive_cleanup_command',
      'recovery_end_command',
      'master_ip',
      'repuser',
      'primary_conninfo_opt',
      'restart_on_promote',
      'replication_slot_name',
      'tmpdir',
      'xlog_check_count',
      'crm_attr_timeout',
      'stop_escalate_in_slave',
      'check_wal_receiver',
    ]);
    // config's default is <pgdata>/postgresql.conf, computed at run time (heartbeat prints it for the default pgdata).
    const shared = Object.keys(mine).filter((k) => k !== 'config');
    expect(shared.map((k) => [k, mine[k]])).toEqual(shared.map((k) => [k, heartbeat[k]]));
  });

  it('runs under crm_resource --validate/--force-check/--force-start/--force-stop', () => {
    const install = run(process.execPath, [
      resolve(import.meta.dirname, '../../../conformance/bin/ocfkit.js'),
      'install',
      '--from',
      join(dir, 'dist'),
      '--destdir',
      '/',
      '--provider',
      provider,
    ]);
    expect(install.status).toBe(0);
    const base = crmResourceAgent(provider, c.params);
    const steps: Array<[string, number]> = [];
    for (const op of ['--validate', '--force-check', '--force-start', '--force-check', '--force-stop', '--force-check']) {
      steps.push([op, run('crm_resource', [op, ...base]).status ?? -1]);
    }
    expect(steps).toEqual([
      ['--validate', 0],
      ['--force-check', 7],
      ['--force-start', 0],
      ['--force-check', 0],
      ['--force-stop', 0],
      ['--force-check', 7],
    ]);
    const bad = run('crm_resource', ['--validate', ...base, '--option', 'pgctl=/nonexistent/pg_ctl']);
    expect(bad.status).toBe(5);
    expect(`${bad.stdout}${bad.stderr}`).toContain("Setup problem: couldn't find command: /nonexistent/pg_ctl");
  });

  it('replication under crm_resource --force-start/--force-promote/--force-demote/--force-stop: 0, 8 promoted, 0 demoted', async () => {
    // --force-* runs the installed agent the way Pacemaker's executor library does (the previous
    // test installed it). Clone meta and the attribute socket travel as they would under the engine.
    const attrd = await startAttrd({ socket: join(dir, 'attrd2', 'attrd.sock') });
    try {
      const params = {
        ...c.params,
        start_opt: '-c max_connections=100',
        rep_mode: 'sync',
        node_list: `${hostname()} other`,
        master_ip: join(c.dir, 'vip'),
        tmpdir: join(c.dir, 'tmp'),
        CRM_meta_promoted_max: '1',
      };
      const base = crmResourceAgent(provider, params);
      const steps: Array<[string, number | null]> = [];
      for (const op of [
        '--force-start',
        '--force-check',
        '--force-promote',
        '--force-check',
        '--force-demote',
        '--force-check',
        '--force-stop',
      ]) {
        steps.push([op, (await runAsync('crm_resource', [op, ...base], { [ATTRD_SOCKET_ENV]: attrd.socket })).status]);
      }
      expect(steps).toEqual([
        ['--force-start', 0],
        ['--force-check', 0],
        ['--force-promote', 0],
        ['--force-check', 8],
        ['--force-demote', 0],
        ['--force-check', 0],
        ['--force-stop', 0],
      ]);
      const me = hostname().toLowerCase();
      // crm_resource names the instance "test". The primary graded the absent node: DISCONNECT,
      // unpromotable; its own score went back to -INFINITY.
      expect([attrd.get('test-data-status', 'other')?.value, attrd.get('master-test', 'other')?.value]).toEqual(['DISCONNECT', '-1000000']);
      expect([attrd.get('test-status', me)?.value, attrd.get('master-test', me)?.value]).toEqual(['STOP', '-1000000']);
      expect(existsSync(join(c.dir, 'tmp', 'PGSQL.lock'))).toBe(false);
    } finally {
      await attrd.close();
    }
  }, 120_000);
});
