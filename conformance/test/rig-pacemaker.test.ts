import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRig } from '../src/rigs/create-rig';
import { HEARTBEAT_AGENTS, OCFKIT_AGENTS, parseAgents } from '../src/scenarios/agents-under-test';
import { scenariosByName } from '../src/scenarios/catalog';
import { runScenario } from '../src/scenarios/run-scenario';
import { itCatchesMutants, itPassesScenarios, rigLog as log, RIG_PREFIX, rigTestsMissing } from './rig-gate';

// The CI subset of the cluster scenarios (the full set: `ocfkit conformance --rig pacemaker
// --scenario all`, see conformance/README.md): real Pacemaker + Corosync in three containers.
// Needs root, dockerd and the rig image, which .ci/setup-services provides; OCFKIT_RIG_TESTS=0
// skips it (the rigs' fixed subnets allow one rig per dockerd at a time).
// OCFKIT_RIG_PACEMAKER_ALL=1 adds every scenario with ocfkit's agents and with Debian's heartbeat
// agents (the baseline: disk-failure must fail there, on Debian's pgsql stop), and the IPaddr and
// pgsql mutants, pgsqlEarlyStop among them (~60 min on a quiet machine; run it alone, or a few tests at a time with -t, each
// run under the heavy-run lock).
const PROJECT = RIG_PREFIX;
const missing = rigTestsMissing();
const all = process.env.OCFKIT_RIG_PACEMAKER_ALL === '1';

describe.skipIf(missing)('cluster scenarios on the pacemaker rig (CI subset)', () => {
  it('node-kill: ocfkit IPaddr + pgsql fail over with no row lost and the VIP on one node', async () => {
    const [scenario] = scenariosByName(['node-kill']);
    const r = await runScenario(createRig('pacemaker', { project: PROJECT }), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(r.findings.filter((f) => f.ok === false).map((f) => f.message)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings.failover).toBeGreaterThan(0);
  }, 900_000);

  it("disk-failure catches a diskcheck that never reports ERROR, naming the node and the attribute; its log bundle has every node's pacemaker.log and corosync.log", async () => {
    const [scenario] = scenariosByName(['disk-failure']);
    const agents = parseAgents(['ocf:mutant:diskcheck']);
    const logsDir = mkdtempSync(join(tmpdir(), 'ocfkit-rig-logs-'));
    try {
      const r = await runScenario(createRig('pacemaker', { project: PROJECT }), scenario!, { agents, progress: log, logsDir });
      expect(r.status).toBe('failed');
      const [failure] = r.findings.filter((f) => f.ok === false);
      expect(failure?.message).toMatch(
        /^diskcheck_status=ERROR on node\d: not within \d+ s of the last action \(last seen: diskcheck_status=normal on node\d\)/,
      );
      // OCFKIT_RIG_LOGS: beside the container output, the files Pacemaker and Corosync write
      const files = readdirSync(logsDir).sort();
      for (const n of ['node1', 'node2', 'node3'])
        expect(files).toEqual(
          expect.arrayContaining([
            `disk-failure-pacemaker-${n}.log`,
            `disk-failure-pacemaker-${n}-pacemaker.log`,
            `disk-failure-pacemaker-${n}-corosync.log`,
          ]),
        );
      const victim = /on (node\d)/.exec(failure?.message ?? '')?.[1] as string;
      const pacemakerLog = readFileSync(join(logsDir, `disk-failure-pacemaker-${victim}-pacemaker.log`), 'utf8');
      // the executor's results of the diskcheck clone, as Pacemaker logged them on the node the disk failed on
      expect(pacemakerLog).toMatch(/pacemaker-(execd|controld).*prmDiskd.*(start|monitor)/);
      expect(readFileSync(join(logsDir, `disk-failure-pacemaker-${victim}-corosync.log`), 'utf8')).toMatch(/\[TOTEM \].*(Members|members)/);
    } finally {
      rmSync(logsDir, { recursive: true, force: true });
    }
  }, 900_000);

  describe.skipIf(!all)('every scenario with both agent sets, and the other mutants (OCFKIT_RIG_PACEMAKER_ALL=1)', () => {
    const names = ['seed', 'node-kill', 'monitor-failure', 'disk-failure', 'partition', 'rejoin'];
    const rig = () => createRig('pacemaker', { project: PROJECT });
    itPassesScenarios(rig, names, OCFKIT_AGENTS, { label: "ocfkit's", timeoutMs: 1_800_000 });
    // Debian's pgsql fails disk-failure, rightly (conformance/README.md, "Baseline"): asserted as such below
    itPassesScenarios(
      rig,
      names.filter((n) => n !== 'disk-failure'),
      HEARTBEAT_AGENTS,
      { label: "Debian's heartbeat", timeoutMs: 1_800_000 },
    );
    it("disk-failure fails with Debian's heartbeat agents: ocf:heartbeat:pgsql's stop reports success with the server still running", async () => {
      const [scenario] = scenariosByName(['disk-failure']);
      const r = await runScenario(rig(), scenario!, { agents: HEARTBEAT_AGENTS, progress: log });
      expect(r.status).toBe('failed');
      // the diskcheck half worked: the failure is after ERROR, in the stop of the group
      expect(r.timings['disk ERROR']).toBeGreaterThan(0);
      expect(r.findings.filter((f) => f.ok === false).map((f) => f.message)[0]).toMatch(
        /the cluster counts prmPg as stopped on node\d \(its stop returned success\), but a postmaster still runs there: ocf:heartbeat:pgsql's stop reported success without stopping the server/,
      );
    }, 1_800_000);
    itCatchesMutants(rig, 1_800_000, (agent) => agent !== 'ocf:mutant:diskcheck');
  });
});
