/**
 * The built agent run as root WITHOUT CAP_SYS_PTRACE (issue 13): Docker's and Podman's default.
 * Root then cannot read /proc/<pid>/cwd of the postgres-owned postmaster; the agent took that for
 * "not running" — monitor 7 for a live server, start deleting its postmaster.pid, stop returning
 * 0 with the server still up. Here start/monitor/stop/kill -9 must behave as on the host.
 * ocf-tester (real-tools.test.ts) and the conformance suite (conformance.test.ts) run the agent
 * the same way.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive } from '@ocfkit/sdk';
import { buildAgent } from '@ocfkit/sdk/build';
import { type RunActionOptions, requireTool, runExecutable } from '@ocfkit/sdk/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverProcesses } from '../postmaster';
import { type Cluster, eventually, makeCluster, missing, postgresIds } from './cluster';
import { childrenOf, killedPostmaster, orphanedBackend } from './crash-scenarios';
import { cwdReadable, noPtraceWrapper } from './no-ptrace';
import { postmasterPid } from './postmaster-pid';

const tools = missing ?? requireTool(['setpriv']);

describe.skipIf(tools)('pgsql as root without CAP_SYS_PTRACE', () => {
  let dir: string;
  let agent: string;
  let c: Cluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-noptrace-'));
    chmodSync(dir, 0o755);
    const built = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider: 'ocfkit' })).output;
    agent = noPtraceWrapper(built, join(dir, 'noptrace'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    c = await makeCluster();
  });
  afterEach(() => c?.destroy());

  const act = (action: string, opts: RunActionOptions = {}) =>
    runExecutable(agent, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 20_000 });
  const rcOf = async (action: string, opts?: RunActionOptions) => {
    const r = await act(action, opts);
    return [action, r.rc, r.exitReason] as const;
  };

  it('start, probe, monitor, start again, stop, monitor: as on the host', async () => {
    const steps = [await rcOf('monitor'), await rcOf('start')];
    const pid = postmasterPid(c.pgdata) as number;
    // The premise: without CAP_SYS_PTRACE the agent cannot see where the postmaster works.
    expect(cwdReadable(pid)).toEqual({ withPtrace: true, withoutPtrace: false });
    steps.push(await rcOf('monitor'), await rcOf('monitor', { intervalMs: 10_000 }), await rcOf('start'));
    // The second start found the server running: same postmaster, lock file untouched.
    expect([postmasterPid(c.pgdata), isAlive(pid), c.sql('select 6 * 7')]).toEqual([pid, true, '42']);
    steps.push(await rcOf('stop'));
    // stop said 0: the server must really be gone.
    expect([isAlive(pid), serverProcesses(c.pgdata, postgresIds().uid), existsSync(join(c.pgdata, 'postmaster.pid'))]).toEqual([
      false,
      [],
      false,
    ]);
    steps.push(await rcOf('stop'), await rcOf('monitor', { intervalMs: 10_000 }));
    expect(steps).toEqual([
      ['monitor', 7, undefined],
      ['start', 0, undefined],
      ['monitor', 0, undefined],
      ['monitor', 0, undefined],
      ['start', 0, undefined],
      ['stop', 0, undefined],
      ['stop', 0, undefined],
      ['monitor', 7, undefined],
    ]);
  });

  it('kill -9 of the postmaster: 1 while server processes linger, then 7; start recovers over the stale pid file', () =>
    killedPostmaster({ c, act }));

  it('an orphaned backend of a killed postmaster: monitor 1, start refused, stop kills it', () => orphanedBackend({ c, act }));

  it('a live postgres process holding postmaster.pid that cannot be identified: never 7, its lock file kept, stopped by stop', async () => {
    // A "postgres" (sleep under that name, started later than postmaster.pid says, no -D) of the
    // owner: PostgreSQL itself would take it for the running postmaster and refuse to start.
    const bin = join(c.dir, 'postgres');
    symlinkSync('/bin/sleep', bin);
    const runner = spawn('runuser', ['-u', 'postgres', '--', bin, '300'], { cwd: c.dir, stdio: 'ignore' });
    try {
      const pid = await eventually(() => childrenOf(runner.pid as number)[0]);
      const pidfile = join(c.pgdata, 'postmaster.pid');
      writeFileSync(pidfile, `${pid}\n${c.pgdata}\n${Math.floor(Date.now() / 1000) - 3600}\n${c.port}\n${c.socketdir}\n\n`);
      const probe = await act('monitor');
      expect(probe.rc).toBe(1);
      expect(probe.exitReason).toMatch(new RegExp(`^pid ${pid} \\(postgres, uid \\d+\\) cannot be identified: cwd EACCES, no -D`));
      const start = await act('start');
      expect(start.rc).toBe(1);
      expect(start.exitReason).toMatch(
        new RegExp(`^not starting a second server: postmaster.pid names live pid ${pid}, maybe the postmaster`),
      );
      expect(readFileSync(pidfile, 'utf8').split('\n')[0]).toBe(String(pid));
      const stop = await act('stop');
      expect([stop.rc, stop.exitReason]).toEqual([0, undefined]);
      expect(stop.stderr).toContain('stopping it as the postmaster (it holds postmaster.pid)');
      expect(isAlive(pid)).toBe(false);
      expect((await act('monitor')).rc).toBe(7);
    } finally {
      runner.kill('SIGKILL');
    }
  });
});
