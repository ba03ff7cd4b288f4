import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgent } from '@ocfkit/sdk/build';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSleeperImage, removeContainer, startContainer } from '../../agents/fence_ocfkit_docker/test/docker-lab';
import { runFenceSuite } from '../src/checks/fence-suite';

const missing = requireTool(['fence_dummy', 'xmllint']);
const MUTANTS = fileURLToPath(new URL('./fence-mutants', import.meta.url));

describe.skipIf(missing)('fence-agent conformance', () => {
  const dir = openTempDir('h16-fence-conf-');

  it("Debian's fence_dummy passes every rule that applies to it", async () => {
    const report = await runFenceSuite('/usr/sbin/fence_dummy', { params: { status_file: join(dir, 'dummy.status') } });
    const verdicts = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(verdicts).toEqual({
      'fence.metadata.exit-zero': 'passed',
      'fence.metadata.well-formed': 'passed',
      'fence.metadata.rng': 'passed',
      'fence.metadata.pacemaker': process.getuid?.() === 0 ? 'passed' : 'skipped',
      'fence.metadata.actions': 'passed',
      'fence.validate': 'passed',
      'fence.monitor': 'passed',
      'fence.list': 'skipped',
      'fence.status': 'passed',
      'fence.status-unknown': 'skipped',
      'fence.off': 'passed',
      'fence.off-idempotent': 'passed',
      'fence.on': 'passed',
      'fence.reboot': 'passed',
      'fence.argv': 'passed',
      'fence.unknown-action': 'passed',
      'fence.timeouts': 'passed',
    });
    expect(report.counts.failed).toBe(0);
  });

  const cases: [string, string, string][] = [
    ['fence_mutant_lazyoff', 'fence.off', 'off returned 0, then status returned 0 (2 = off)'],
    ['fence_mutant_alwayson', 'fence.off', 'off returned 0, then status returned 0 (2 = off)'],
    ['fence_mutant_hang', 'fence.timeouts', 'off: no answer within 5000 ms'],
    ['fence_mutant_yes', 'fence.unknown-action', 'an unknown action returned 0'],
    ['fence_mutant_badmeta', 'fence.metadata.well-formed', '<resource-agent name="fence_dummy"> for file fence_mutant_badmeta'],
  ];
  for (const [mutant, rule, message] of cases) {
    it(`flags ${mutant} under ${rule}`, async () => {
      const bin = join(dir, mutant);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(MUTANTS, mutant), bin);
      const report = await runFenceSuite(bin, {
        params: { status_file: join(dir, `${mutant}.status`) },
        timeoutMs: mutant === 'fence_mutant_hang' ? 5000 : 20_000,
      });
      const result = report.results.find((r) => r.id === rule);
      expect(result?.status).toBe('failed');
      expect(result?.findings.map((x) => x.message)).toContain(message);
      expect(report.counts.failed).toBeGreaterThan(0);
    });
  }
});

const noDocker = requireTool(['docker'], () =>
  spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 ? undefined : 'dockerd is not reachable',
);

describe.skipIf(noDocker)('fence-agent conformance of the TS agent fence_ocfkit_docker', () => {
  const name = `h16-fence-conf-${process.pid}`;
  afterAll(() => removeContainer(name));

  it('passes every rule against a real container over the Docker socket', async () => {
    const work = openTempDir('h16-fence-conf-docker-');
    ensureSleeperImage(work);
    startContainer(name);
    const built = await buildAgent(fileURLToPath(new URL('../../agents/fence_ocfkit_docker/agent.ts', import.meta.url)), {
      out: join(work, 'dist'),
      provider: 'ocfkit',
    });
    const report = await runFenceSuite(built.output, { params: { socket: '/var/run/docker.sock' }, plug: name });
    const bad = report.results
      .filter((r) => r.status !== 'passed')
      .map((r) => `${r.id}: ${r.status} ${r.findings.map((x) => x.message).join('; ')}`);
    expect(bad).toEqual(process.getuid?.() === 0 ? [] : [expect.stringMatching(/^fence.metadata.pacemaker: skipped/)]);
  }, 180_000);
});
