/**
 * `ocfkit cib gen` on a sheet in the style pm_crmgen users have: PostgreSQL behind a VIP on two
 * nodes, a diskcheck clone and a ping clone. The cib.xml passes crm_verify, the bundled engine and
 * crm_simulate place it identically and as the same configuration written by hand, and the rule
 * a diskd: column makes is the seed's rul_DK_dsc.
 */
import { readFileSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { cibToSpec } from '../../src/cib/gen/cib-to-spec.js';
import { importCib } from '../../src/cib/import.js';
import { crmSimulate, crmVerify, placementOf } from '../scheduler/crm-simulate.js';
import { diffPlacements, enginePlacement, NOW } from '../scheduler/differential.js';
import { exportOf, gen, here, OCFKIT_OCF_ROOT, withStatus } from './helpers.js';

const SHEET = here('pgsql-2node.csv');
const HAND = readFileSync(here('pgsql-2node.hand.xml'), 'utf8');

async function generated(): Promise<string> {
  const r = await gen(SHEET, '--ocf-root', OCFKIT_OCF_ROOT);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

const ok = { diskcheck_status: 'normal', default_ping_set: '100' };
const STATES: [string, Record<string, Record<string, string>>, string][] = [
  ['both healthy: the preferred node', { srv01: ok, srv02: ok }, 'Started@srv01'],
  ['srv01 disk ERROR', { srv01: { ...ok, diskcheck_status: 'ERROR' }, srv02: ok }, 'Started@srv02'],
  ['srv01 ping below 100', { srv01: { ...ok, default_ping_set: '0' }, srv02: ok }, 'Started@srv02'],
  ['srv02 not checked yet, srv01 healthy', { srv01: ok, srv02: { default_ping_set: '100' } }, 'Started@srv01'],
  ['no node fit', { srv01: { ...ok, diskcheck_status: 'ERROR' }, srv02: { diskcheck_status: 'normal' } }, 'Stopped'],
];

describe.skipIf(requireTool(['crm_verify', 'crm_simulate']))('ocfkit cib gen: the PostgreSQL sheet', () => {
  it('writes a cib.xml that crm_verify accepts and the engine loads', async () => {
    const xml = await generated();
    expect(await crmVerify(xml)).toBeUndefined();
    const cib = importCib(xml);
    expect(cib.resources.map((r) => `${r.kind}:${r.id}`)).toEqual(['group:grp_pgsql', 'clone:clnDiskd', 'clone:clnPing']);
    expect(cib.nodes.map((n) => `${n.id}=${n.uname}`)).toEqual(['1=srv01', '2=srv02']);
  });

  it("adds what pm_crmgen adds for diskd:/pingd: columns, and its rule is the seed's rul_DK_dsc", async () => {
    const cib = importCib(await generated());
    const seed = cibToSpec(importCib(readFileSync(here('../../../conformance/rigs/config/cib.xml'), 'utf8')));
    const seedRule = seed.constraints.find((c) => c.id === 'rul_DK_dsc');
    const spec = cibToSpec(cib);
    const loc = spec.constraints.find((c) => c.kind === 'location');
    if (loc?.kind !== 'location' || seedRule?.kind !== 'location') throw new Error('no location');
    const disk = loc.rules.find((r) => r.exprs[0]?.attribute === 'diskcheck_status');
    expect(disk).toEqual(seedRule.rules[0]);
    expect(
      loc.rules.map((r) => [r.score, r.exprs.map((e) => `${e.attribute} ${e.operation} ${e.value ?? ''}`.trim()).join(` ${r.booleanOp} `)]),
    ).toEqual([
      ['200', '#uname eq srv01'],
      ['100', '#uname eq srv02'],
      ['-INFINITY', 'default_ping_set not_defined or default_ping_set lt 100'],
      ['-INFINITY', 'diskcheck_status not_defined or diskcheck_status eq ERROR'],
    ]);
    // pm_crmgen: colocation INFINITY with each clone, order 0 (optional) symmetrical=false after it.
    expect(cib.constraints.filter((c) => c.kind !== 'location')).toEqual([
      { kind: 'colocation', id: 'rsc_colocation-grp_pgsql-clnPing-1', rsc: 'grp_pgsql', withRsc: 'clnPing', score: 'INFINITY' },
      { kind: 'colocation', id: 'rsc_colocation-grp_pgsql-clnDiskd-2', rsc: 'grp_pgsql', withRsc: 'clnDiskd', score: 'INFINITY' },
      expect.objectContaining({
        id: 'rsc_order-clnPing-grp_pgsql-1',
        first: 'clnPing',
        thenRsc: 'grp_pgsql',
        orderKind: 'Optional',
        symmetrical: 'false',
      }),
      expect.objectContaining({
        id: 'rsc_order-clnDiskd-grp_pgsql-2',
        first: 'clnDiskd',
        thenRsc: 'grp_pgsql',
        orderKind: 'Optional',
        symmetrical: 'false',
      }),
    ]);
  });

  it('is placed the same by the engine, by crm_simulate, and as the configuration written by hand', async () => {
    const xml = await generated();
    const seen: string[] = [];
    for (const [what, attrs, expected] of STATES) {
      const cib = withStatus(xml, attrs);
      const engine = enginePlacement(cib, NOW);
      const pcmk = placementOf((await crmSimulate(exportOf(cib), NOW)).outCib, NOW);
      const hand = placementOf((await crmSimulate(exportOf(withStatus(HAND, attrs)), NOW)).outCib, NOW);
      expect(diffPlacements(engine, pcmk), what).toEqual([]);
      expect(diffPlacements(pcmk, hand), what).toEqual([]);
      expect(pcmk.get('prmPg'), what).toBe(expected);
      expect(pcmk.get('prmIp'), what).toBe(expected);
      seen.push(`${what}: ${pcmk.get('prmPg')}; clnDiskd ${pcmk.get('prmDiskd')}`);
    }
    expect(seen).toEqual([
      'both healthy: the preferred node: Started@srv01; clnDiskd Started@srv01 Started@srv02',
      'srv01 disk ERROR: Started@srv02; clnDiskd Started@srv01 Started@srv02',
      'srv01 ping below 100: Started@srv02; clnDiskd Started@srv01 Started@srv02',
      'srv02 not checked yet, srv01 healthy: Started@srv01; clnDiskd Started@srv01 Started@srv02',
      'no node fit: Stopped; clnDiskd Started@srv01 Started@srv02',
    ]);
  });
});
