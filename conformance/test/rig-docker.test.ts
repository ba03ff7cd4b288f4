import { describe, expect, it } from 'vitest';
import { createRig } from '../src/rigs/create-rig';
import { OCFKIT_AGENTS } from '../src/scenarios/agents-under-test';
import { scenariosByName } from '../src/scenarios/catalog';
import { runScenario } from '../src/scenarios/run-scenario';
import { rigLog as log, RIG_PREFIX, rigTestsMissing } from './rig-gate';

// The cluster scenarios on the docker rig: ocfkit's bundled engine (`ocfkit node start` with the
// rig's ha.cf + authkeys) in the three containers of docker-compose.yml. Opt-in with
// OCFKIT_RIG_TESTS=1, and run alone: the reference rig's fixed subnets allow one rig per dockerd,
// and the pacemaker rig test uses them too.
//   OCFKIT_RIG_TESTS=1 npx vitest run conformance/test/rig-docker.test.ts
// OCFKIT_RIG_COMPOSE (a copy of docker-compose.yml and its config on other subnets; the VIP is host
// 100 of its lan) runs it beside another rig.
const optIn = process.env.OCFKIT_RIG_TESTS === '1';
const missing = optIn ? rigTestsMissing() : true;
const PROJECT = `${RIG_PREFIX}-docker`;
const rig = () =>
  createRig('docker', { project: PROJECT, ...(process.env.OCFKIT_RIG_COMPOSE ? { composeFile: process.env.OCFKIT_RIG_COMPOSE } : {}) });

describe.skipIf(missing)('cluster scenarios on the docker rig (bundled engine)', () => {
  it('seed: three node daemons form one cluster and run grp_pgsql (ocfkit IPaddr + pgsql) with the VIP answering', async () => {
    const [scenario] = scenariosByName(['seed']);
    const r = await runScenario(rig(), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(r.findings.filter((f) => f.ok === false).map((f) => f.message)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings['seed started']).toBeGreaterThan(0);
  }, 600_000);

  it('node-kill: docker kill of the active node, grp_pgsql fails over with no row lost and the VIP on one node', async () => {
    const [scenario] = scenariosByName(['node-kill']);
    const r = await runScenario(rig(), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(r.findings.filter((f) => f.ok === false).map((f) => f.message)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings.failover).toBeGreaterThan(0);
  }, 900_000);
});
