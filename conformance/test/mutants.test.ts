import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { openCopy, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite, type SuiteReport } from '../src/suite';
import { resolveTarget } from '../src/target';
import { MUTANTS } from './mutants/catalogue';

// A copy every user can reach: meta-data runs as nobody, and the checkout may be mode 0700.
const HERE = openCopy(join(import.meta.dirname, 'mutants'));
const work = mkdtempSync(join(tmpdir(), 'ocfkit-mutants-'));
const built = join(work, 'dist');
chmodSync(work, 0o755); // meta-data runs as nobody too

const missing = requireTool(['xmllint', 'setpriv'], () =>
  process.getuid?.() === 0 ? undefined : 'needs root (meta-data as nobody, /proc of other users)',
);

async function check(agent: string): Promise<SuiteReport> {
  const path = agent.startsWith('ts/') ? join(built, 'ocf', 'resource.d', 'mutants', agent.slice(3)) : join(HERE, agent);
  const dir = mkdtempSync(join(work, 'run-'));
  // shell mutants declare an integer `count`; the TS ones a `state` that must be absolute
  const invalid: Record<string, string> = agent.startsWith('ts/') ? { state: 'relative/path' } : { count: 'not-a-number' };
  // run as a promotable clone, so promote/demote and notify are exercised where a mutant advertises them
  return runSuite(resolveTarget(path), { params: { state: join(dir, 'a.state') }, invalid, promotable: true });
}

const failedIds = (r: SuiteReport, severity?: 'error') =>
  r.results.filter((x) => x.status === 'failed' && (severity === undefined || x.severity === severity)).map((x) => x.id);

describe.skipIf(missing)('mutants: each broken agent is flagged by its rule and no unrelated error rule', () => {
  beforeAll(async () => {
    for (const m of MUTANTS.filter((x) => x.agent.startsWith('ts/')))
      await buildAgent(join(HERE, m.agent, 'agent.ts'), { out: built, provider: 'mutants' });
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the unbroken shell base passes every error-level rule', async () => {
    const r = await check('good.sh');
    expect(failedIds(r)).toEqual([]);
    expect(r.counts.failed).toBe(0);
  }, 120_000);

  it('the catalogue holds at least 12 mutants, shell and TypeScript', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(12);
    expect(MUTANTS.some((m) => m.agent.startsWith('ts/'))).toBe(true);
    expect(MUTANTS.some((m) => m.agent.endsWith('.sh'))).toBe(true);
  });

  for (const m of MUTANTS) {
    it(`${m.agent} breaks ${m.breaks}`, async () => {
      const r = await check(m.agent);
      expect(failedIds(r)).toContain(m.breaks);
      const unrelated = failedIds(r, 'error').filter((id) => id !== m.breaks && !(m.alsoMay ?? []).includes(id));
      expect(unrelated).toEqual([]);
    }, 180_000);
  }
});
