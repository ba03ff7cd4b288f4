import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { createRig } from '../src/rigs/create-rig';
import { OCFKIT_AGENTS } from '../src/scenarios/agents-under-test';
import { scenariosByName } from '../src/scenarios/catalog';
import { runScenario } from '../src/scenarios/run-scenario';
import { scenarioFailures as failures, itCatchesMutants, itPassesScenarios, rigLog as log, RIG_PREFIX } from './rig-gate';

// The cluster scenarios on the `local` rig: three `ocfkit node start` daemons on this host, each
// node in its own network, PID, mount, UTS and IPC namespaces (conformance/src/rigs/local-rig.ts).
// No Docker; root, ip, unshare, nsenter, PostgreSQL 15 and arping. In `npm test` (~2 min): node-kill
// (the seed starting, a kill of the active node, failover with no row lost) and an interrupted run.
// OCFKIT_RIG_LOCAL_ALL=1 adds every other scenario and the four mutants they must catch (~10 min):
//   OCFKIT_RIG_LOCAL_ALL=1 flock /tmp/ocfkit-heavy.lock npx vitest run conformance/test/rig-local.test.ts
// OCFKIT_RIG_TESTS=0 skips it (a developer without root).
const ROOT = resolve(import.meta.dirname, '../..');
const PG = '/usr/lib/postgresql/15/bin';
const missing =
  process.env.OCFKIT_RIG_TESTS === '0'
    ? true
    : requireTool(['ip', 'unshare', 'nsenter', 'arping', `${PG}/pg_ctl`, `${PG}/psql`], () =>
        process.getuid?.() === 0 ? undefined : 'the local rig needs root (namespaces, bridges, mounts)',
      );
const all = process.env.OCFKIT_RIG_LOCAL_ALL === '1';
const PROJECT = `${RIG_PREFIX}-local`;
const rig = () => createRig('local', { project: PROJECT, net: process.env.OCFKIT_RIG_NET ?? '10.217' });

/** Namespaces and rig directories (under /var/tmp) of a project still there. */
function leftovers(project: string): string[] {
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${project}-`));
  return [...ns, ...readdirSync('/var/tmp').filter((d) => d.startsWith(`${project}-`))];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the local rig without root', () => {
  it.skipIf(process.getuid?.() !== 0 || spawnSync('runuser', ['--help'], { stdio: 'ignore' }).error)(
    'says it needs root and names the alternative',
    () => {
      const r = spawnSync(
        'runuser',
        [
          '-u',
          'nobody',
          '--',
          process.execPath,
          join(ROOT, 'conformance/bin/ocfkit.js'),
          'conformance',
          '--rig',
          'local',
          '--scenario',
          'seed',
        ],
        { encoding: 'utf8', cwd: '/' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/rig local: needs root .*use --rig docker/);
    },
  );
});

describe.skipIf(missing)('cluster scenarios on the local rig (node daemons in namespaces)', () => {
  it('node-kill: SIGKILL of the active node, grp_pgsql fails over with no row lost, nothing of the rig left after', async () => {
    const [scenario] = scenariosByName(['node-kill']);
    const r = await runScenario(rig(), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(failures(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings['seed started']).toBeGreaterThan(0);
    expect(r.timings.failover).toBeGreaterThan(0);
    expect(leftovers(PROJECT)).toEqual([]);
  }, 300_000);

  it('SIGINT once the cluster has formed: exit 130, no namespace, rig directory or node process left', async () => {
    const project = `${PROJECT}-int`;
    const child = spawn(
      process.execPath,
      [join(ROOT, 'conformance', 'bin', 'ocfkit.js'), 'conformance', '--rig', 'local', '--scenario', 'seed', '--project', project],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const t0 = Date.now();
      while (!/cluster formed/.test(out)) {
        if (child.exitCode !== null || Date.now() - t0 > 180_000) throw new Error(`the rig did not form:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // 3 nodes + client + switch, and the rig directory
      expect(leftovers(project).length).toBe(6);
      const pids = ['node1', 'node2', 'node3'].flatMap((n) =>
        spawnSync('ip', ['netns', 'pids', `${project}-${n}`], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map(Number),
      );
      expect(pids.length).toBeGreaterThanOrEqual(3); // each node's init, tini, daemon...
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toMatch(/SIGINT: removing the local rig/);
      expect(err).toMatch(/rig removed/);
      expect(leftovers(project)).toEqual([]);
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      for (const l of leftovers(project)) {
        spawnSync('ip', ['netns', 'del', l], { stdio: 'ignore' });
        rmSync(join('/var/tmp', l), { recursive: true, force: true });
      }
    }
  }, 300_000);

  describe.skipIf(!all)('the other scenarios, and the mutants they catch (OCFKIT_RIG_LOCAL_ALL=1)', () => {
    itPassesScenarios(rig, ['seed', 'monitor-failure', 'disk-failure', 'partition', 'rejoin'], OCFKIT_AGENTS, {
      label: "ocfkit's",
      timeoutMs: 600_000,
    });
    itCatchesMutants(rig, 600_000);
  });
});
