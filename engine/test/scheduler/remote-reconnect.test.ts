/**
 * A remote connection's reconnect_interval is its failure-timeout (Pacemaker 2.1.5's
 * unpack_resource): a monitor failure older than it has expired, its fail count is cleared, and
 * the connection runs on — unless fencing is enabled and the remote node was not fenced since
 * (should_ignore_failure_timeout): then the failure holds and the node is fenced. A fixture, not a
 * golden scenario: the engine's graph has no `clear_failcount` actions yet, which
 * graph-xml.test.ts would compare. Found by the differential generator (gen-h103.ts, seed 28).
 */
import { readFile } from 'node:fs/promises';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { compareCib, enginePlacement } from './differential.js';

const fixture = async () => importCib(await readFile(new URL('fixtures/remote-reconnect-expired.xml', import.meta.url), 'utf8'));

/** The same CIB with fencing enabled and a fence device. */
function withFencing(cib: Cib): Cib {
  return {
    ...cib,
    crmConfig: cib.crmConfig.map((set) => ({
      ...set,
      pairs: set.pairs.map((x) => (x.name === 'stonith-enabled' ? { ...x, value: 'true' } : x)),
    })),
    resources: [
      { kind: 'primitive', id: 'fencer', class: 'stonith', type: 'fence_dummy', params: [], meta: [], ops: [] },
      ...cib.resources,
    ],
  };
}

describe('a remote connection failed longer ago than its reconnect interval', () => {
  it('runs on, its failure expired (fencing disabled)', async () => {
    expect(enginePlacement(await fixture()).get('remote1')).toBe('Started@node1');
  });

  it('stays stopped while its node awaits fencing (fencing enabled)', async () => {
    expect(enginePlacement(withFencing(await fixture())).get('remote1')).toBe('Stopped');
  });

  it.skipIf(requireTool(['crm_simulate']))('agrees with crm_simulate both ways', async () => {
    const cib = await fixture();
    expect(await compareCib(cib)).toEqual([]);
    expect(await compareCib(withFencing(cib))).toEqual([]);
  });
});
