import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCopy, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../src/suite';
import { resolveTarget } from '../src/target';

// A copy every user can reach: meta-data runs as nobody, and the checkout may be mode 0700.
const MUTANTS = openCopy(join(import.meta.dirname, 'mutants'));
const work = mkdtempSync(join(tmpdir(), 'ocfkit-parity-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const missing = requireTool(['ocf-tester', 'xmllint', 'setpriv'], () => (process.getuid?.() === 0 ? undefined : 'needs root'));

/** ocf-tester's verdict (exit 0 = "passed all tests"), run as its man page says. */
function ocfTester(agent: string, state: string): { code: number | null; text: string } {
  const r = spawnSync('ocf-tester', ['-n', 'parity', '-o', `state=${state}`, agent], {
    encoding: 'utf8',
    env: { ...process.env, OCF_ROOT: '/usr/lib/ocf' },
  });
  return { code: r.status, text: `${r.stdout}${r.stderr}` };
}

// [agent, does ocf-tester fail it?] — the suite must fail every agent ocf-tester fails, and pass those it passes.
const CASES: [string, boolean][] = [
  ['good.sh', false],
  ['/usr/lib/ocf/resource.d/heartbeat/Dummy', false],
  ['monitor-running-when-stopped.sh', true],
  ['start-not-idempotent.sh', true],
  ['stop-fails-when-stopped.sh', true],
  ['stop-leaves-running.sh', true],
  ['metadata-invalid.sh', true],
];

describe.skipIf(missing)('parity with ocf-tester: the suite is at least as strict', () => {
  for (const [agent, testerFails] of CASES) {
    it(`${agent}: ocf-tester ${testerFails ? 'fails' : 'passes'} it, and so does the suite`, async () => {
      const path = agent.startsWith('/') ? agent : join(MUTANTS, agent);
      const dir = mkdtempSync(join(work, 'run-'));
      const tester = ocfTester(path, join(dir, 'tester.state'));
      expect({ testerFails: tester.code !== 0, output: (tester.code !== 0) === testerFails ? '' : tester.text }).toEqual({
        testerFails,
        output: '',
      });
      const report = await runSuite(resolveTarget(path), { params: { state: join(dir, 'suite.state') }, profile: 'ocf-tester' });
      expect(report.counts.failed > 0).toBe(testerFails);
    }, 120_000);
  }
});
