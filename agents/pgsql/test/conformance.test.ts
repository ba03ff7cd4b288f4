/**
 * The OCF conformance suite (@ocfkit/conformance) on the built agent, run exactly as
 * `ocfkit conformance --all` runs it: from agents/pgsql/conformance.json, whose setup hook
 * (conformance-cluster.sh) makes two real clusters (the second for robust.two-instances). The
 * agent runs as root without CAP_SYS_PTRACE, as in a container with default capabilities
 * (issue 13): the postmaster's /proc/<pid>/cwd is unreadable to it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeConformance } from '@ocfkit/conformance/vitest';
import { buildAgent } from '@ocfkit/sdk/build';
import { afterAll, describe, it } from 'vitest';
import { missing } from './cluster';
import { noPtraceWrapper } from './no-ptrace';

const dir = missing ? undefined : mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-conf-'));
let agent: string | undefined;
if (dir) {
  chmodSync(dir, 0o755);
  const built = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider: 'ocfkit' })).output;
  agent = noPtraceWrapper(built, join(dir, 'noptrace'));
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

if (agent) describeConformance(agent, { config: resolve(import.meta.dirname, '../conformance.json'), timeoutMs: 600_000 });
else describe.skip(`pgsql conformance (${missing})`, () => it('needs PostgreSQL', () => {}));
