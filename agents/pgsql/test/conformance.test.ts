/**
 * The OCF conformance suite (@ocfkit/conformance) on the built agent, against two real clusters
 * (the second for robust.two-instances). `ocfkit conformance --all` cannot make a cluster from a
 * conformance.json yet, so this file is where pgsql meets the suite.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeConformance } from '@ocfkit/conformance/vitest';
import { buildAgent } from '@ocfkit/sdk/build';
import { afterAll, describe, it } from 'vitest';
import { type Cluster, makeCluster, missing } from './cluster';

const built: { dir?: string; agent?: string; a?: Cluster; b?: Cluster } = {};
if (!missing) {
  built.dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-conf-'));
  chmodSync(built.dir, 0o755);
  built.agent = (
    await buildAgent(resolve(import.meta.dirname, '../agent.ts'), { out: join(built.dir, 'dist'), provider: 'ocfkit' })
  ).output;
  built.a = await makeCluster();
  built.b = await makeCluster();
}

afterAll(() => {
  built.a?.destroy();
  built.b?.destroy();
  if (built.dir) rmSync(built.dir, { recursive: true, force: true });
});

if (built.agent && built.a && built.b) {
  describeConformance(built.agent, {
    params: built.a.params,
    second: built.b.params,
    // stop_escalate is left to validate.typed-value (a non-integer).
    invalid: { pgport: 'not-a-port', rep_mode: 'sync', pgdata: 'relative/path' },
    timeoutMs: 600_000,
  });
} else {
  describe.skip(`pgsql conformance (${missing})`, () => it('needs PostgreSQL', () => {}));
}
