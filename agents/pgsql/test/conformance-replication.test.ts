/**
 * The OCF conformance suite on pgsql's replication mode as a promotable clone
 * (agents/pgsql/conformance-replication.json): every rule, promotable.cycle included (start as a
 * standby → monitor 0, promote → 8, promote again, demote → a standby again → 0, demote again),
 * on conformance-cluster.sh's real clusters. The node attributes go to a bundled attrd, as they
 * would under `ocfkit node`; the agent runs without CAP_SYS_PTRACE as in conformance.test.ts.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeConformance } from '@ocfkit/conformance/vitest';
import { type Attrd, startAttrd } from '@ocfkit/engine';
import { ATTRD_SOCKET_ENV } from '@ocfkit/sdk';
import { buildAgent } from '@ocfkit/sdk/build';
import { afterAll, describe, it } from 'vitest';
import { missing } from './cluster';
import { noPtraceWrapper } from './no-ptrace';

const dir = missing ? undefined : mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-confrep-'));
let agent: string | undefined;
let attrd: Attrd | undefined;
if (dir) {
  chmodSync(dir, 0o755);
  const built = (await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(dir, 'dist'), provider: 'ocfkit' })).output;
  agent = noPtraceWrapper(built, join(dir, 'noptrace'));
  attrd = await startAttrd({ socket: join(dir, 'attrd', 'attrd.sock') });
  // The suite's executor passes its environment on to the agent, as an ocfkit node's does.
  process.env[ATTRD_SOCKET_ENV] = attrd.socket;
}

afterAll(async () => {
  delete process.env[ATTRD_SOCKET_ENV];
  await attrd?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

if (agent) describeConformance(agent, { config: resolve(import.meta.dirname, '../conformance-replication.json'), timeoutMs: 600_000 });
else describe.skip(`pgsql replication conformance (${missing})`, () => it('needs PostgreSQL', () => {}));
