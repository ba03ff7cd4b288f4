import { describe, expect, it } from 'vitest';
import { createRig } from '../src/rigs/create-rig';
import { OCFKIT_AGENTS } from '../src/scenarios/agents-under-test';
import { scenariosByName } from '../src/scenarios/catalog';
import { runScenario } from '../src/scenarios/run-scenario';
import { scenarioFailures as failures, itCatchesMutants, itPassesScenarios, rigLog as log, RIG_PREFIX, rigTestsMissing } from './rig-gate';

// The cluster scenarios on the docker rig: ocfkit's bundled engine (`ocfkit node start` with the
// rig's ha.cf + authkeys) in the three containers of docker-compose.yml. Opt-in with
// OCFKIT_RIG_TESTS=1 (seed and node-kill, ~5 min), and run alone:
//   OCFKIT_RIG_TESTS=1 npx vitest run conformance/test/rig-docker.test.ts
// OCFKIT_RIG_DOCKER_ALL=1 adds the other four scenarios and the four mutants they must catch
// (~40 min on a quiet machine). OCFKIT_RIG_NET (e.g. 10.246) puts the rig on other subnets, beside
// another rig; OCFKIT_RIG_COMPOSE names a copy of docker-compose.yml. On a loaded machine:
// OCFKIT_RIG_TIME_SCALE=3 and OCFKIT_RIG_DEADTIME=6000 (conformance/README.md).
const optIn = process.env.OCFKIT_RIG_TESTS === '1';
const all = process.env.OCFKIT_RIG_DOCKER_ALL === '1';
const missing = optIn ? rigTestsMissing() : true;
const PROJECT = `${RIG_PREFIX}-docker`;
const rig = () =>
  createRig('docker', { project: PROJECT, ...(process.env.OCFKIT_RIG_COMPOSE ? { composeFile: process.env.OCFKIT_RIG_COMPOSE } : {}) });

describe.skipIf(missing)('cluster scenarios on the docker rig (bundled engine)', () => {
  it('seed: three node daemons form one cluster and run grp_pgsql (ocfkit IPaddr + pgsql) with the VIP answering', async () => {
    const [scenario] = scenariosByName(['seed']);
    const r = await runScenario(rig(), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(failures(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings['seed started']).toBeGreaterThan(0);
  }, 600_000);

  it('node-kill: docker kill of the active node, grp_pgsql fails over with no row lost and the VIP on one node', async () => {
    const [scenario] = scenariosByName(['node-kill']);
    const r = await runScenario(rig(), scenario!, { agents: OCFKIT_AGENTS, progress: log });
    expect(failures(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.timings.failover).toBeGreaterThan(0);
  }, 900_000);

  describe.skipIf(!all)('the other scenarios, and the mutants they catch (OCFKIT_RIG_DOCKER_ALL=1)', () => {
    itPassesScenarios(rig, ['monitor-failure', 'disk-failure', 'partition', 'rejoin'], OCFKIT_AGENTS, {
      label: "ocfkit's",
      timeoutMs: 1_800_000,
    });
    itCatchesMutants(rig, 1_800_000);
  });
});
