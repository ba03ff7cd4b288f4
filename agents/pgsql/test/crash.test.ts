/** A killed postmaster, orphaned server processes and a recycled pid in postmaster.pid. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procUid, readProcStat } from '@ocfkit/sdk';
import { type RunActionOptions, runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pgsql from '../agent';
import { type Cluster, eventually, makeCluster, missing, postgresIds } from './cluster';
import { childrenOf, killedPostmaster, orphanedBackend } from './crash-scenarios';
import { postmasterPid } from './postmaster-pid';

let c: Cluster;
beforeEach(async () => {
  if (!missing) c = await makeCluster();
});
afterEach(() => c?.destroy());

const act = (action: string, opts: RunActionOptions = {}) =>
  runAction(pgsql, action, { ...opts, params: { ...c.params, ...opts.params }, timeoutMs: opts.timeoutMs ?? 30_000 });
const monitor = () => act('monitor', { intervalMs: 10_000 });

describe.skipIf(missing)('pgsql after a crash', () => {
  it('kill -9 of the postmaster: monitor says 1 while server processes linger, then 7; start recovers over the stale pid file', () =>
    killedPostmaster({ c, act }));

  it('an orphaned backend keeps monitor at 1 and blocks start; stop cleans it up and start recovers', () => orphanedBackend({ c, act }));

  it('treats a postmaster.pid naming another live process of postgres as stale (a recycled pid)', async () => {
    // PostgreSQL itself refuses to start over this file (kill(pid, 0) as postgres succeeds), and
    // heartbeat's `kill -0` as pgdba would take it for a running server.
    const other = spawn('runuser', ['-u', 'postgres', '--', 'sleep', '300'], { cwd: '/', stdio: 'ignore' });
    const sleeper = await eventually(() => childrenOf(other.pid as number)[0]);
    try {
      expect([procUid(sleeper), readProcStat(sleeper)?.comm]).toEqual([postgresIds().uid, 'sleep']);
      writeFileSync(join(c.pgdata, 'postmaster.pid'), `${sleeper}\n${c.pgdata}\n`);
      expect((await act('monitor')).rc).toBe(7);
      const start = await act('start');
      expect([start.rc, start.exitReason]).toEqual([0, undefined]);
      expect(postmasterPid(c.pgdata)).not.toBe(sleeper);
      expect((await monitor()).rc).toBe(0);
      expect((await act('stop')).rc).toBe(0);
    } finally {
      other.kill('SIGKILL');
      process.kill(sleeper, 'SIGKILL');
    }
  });
});
