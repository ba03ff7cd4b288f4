/**
 * A resource's life through the executor with the real Dummy agents: resource-agents' shell
 * Dummy (/usr/lib/ocf/resource.d/heartbeat/Dummy) and ocfkit's built Dummy (agents/dist).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import type { OpResult } from '../../src/lrmd/types';
import { collect, waitFor } from './helpers';

const DIST = resolve(import.meta.dirname, '../../../agents/dist/ocf/resource.d');
const work = mkdtempSync(join(tmpdir(), 'ocfkit-lrmd-dummy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const agents = [
  {
    provider: 'heartbeat',
    missing: requireTool([], () =>
      existsSync('/usr/lib/ocf/resource.d/heartbeat/Dummy') ? undefined : 'resource-agents is not installed',
    ),
  },
  {
    provider: 'ocfkit',
    missing: requireTool([], () =>
      existsSync(join(DIST, 'ocfkit/Dummy')) ? undefined : `${DIST}/ocfkit/Dummy is not built (npm run build)`,
    ),
  },
];

for (const { provider, missing } of agents) {
  describe.skipIf(missing)(`ocf:${provider}:Dummy through the executor`, () => {
    test('probe, start, recurring monitor, failure seen once, stop cancels the monitor', async () => {
      const ex = new Executor({ searchPath: [DIST, '/usr/lib/ocf/resource.d'] });
      const state = join(work, `${provider}.state`);
      ex.register({ id: `d-${provider}`, provider, type: 'Dummy', params: { state } });
      const results = collect(ex);
      const completed: OpResult[] = [];
      ex.on('completed', (r) => completed.push(r));
      try {
        const rsc = `d-${provider}`;
        expect((await ex.run({ rsc, action: 'monitor' })).rc).toBe(7);
        expect((await ex.run({ rsc, action: 'start' })).rc).toBe(0);
        ex.startRecurring({ rsc, action: 'monitor', intervalMs: 200 });
        await waitFor(() => completed.filter((r) => r.intervalMs === 200).length >= 2, 30_000, 'two monitors');
        rmSync(state);
        await waitFor(() => completed.filter((r) => r.intervalMs === 200 && r.rc !== 0).length >= 2, 30_000, 'two failed monitors');
        expect((await ex.run({ rsc, action: 'stop' })).rc).toBe(0);
        const seen = results.map((r) => `${r.action}${r.intervalMs ? `/${r.intervalMs}` : ''}:${r.rc}:${r.execStatus}`);
        // both Dummies report a vanished state file as 7 (cleanly stopped)
        expect(seen).toEqual([
          'monitor:7:done',
          'start:0:done',
          'monitor/200:0:done',
          'monitor/200:7:done',
          'monitor/200:0:cancelled',
          'stop:0:done',
        ]);
        const md = await ex.metaData(provider, 'Dummy');
        expect([md.rc, md.stdout.includes('<resource-agent')]).toEqual([0, true]);
      } finally {
        await ex.close();
      }
    });
  });
}
