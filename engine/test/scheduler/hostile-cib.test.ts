/** CIBs a typo makes hostile: the scheduler answers with a clear warning, in bounded time and memory. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('hostile CIBs', () => {
  it('clone-max=100000000 gets only the instances its nodes can run, says so, and tells agents the configured value', () => {
    // Before: V8 ran out of memory after ~10 minutes and 4.3 GB building 10^8 instances.
    const r = schedule({ cib: importCib(fixture('clone-max-huge.xml')), now: 1_800_000_000 });
    expect(r.warnings).toContain('dc: clone-max=100000000 is more than its 3 node(s) can run; only 3 instance(s) considered');
    expect(r.placements.filter((p) => p.rsc.startsWith('d:')).map((p) => `${p.rsc}@${p.node}`)).toEqual([
      'd:0@node1',
      'd:1@node2',
      'd:2@node3',
    ]);
    const start = r.graph.actions.find((a) => a.key === 'd:0_start_0' || a.detail?.internalKey === 'd:0_start_0');
    expect(start?.detail?.attributes.CRM_meta_clone_max).toBe('100000000');
  });
});

describe('malformed values', () => {
  it('are named in warnings, as crm_verify warns about them, and read as Pacemaker reads them', () => {
    // Before: silently read as 0 (stickiness) and as no threshold, with no word.
    const r = schedule({ cib: importCib(fixture('malformed-meta.xml')), now: 1_800_000_000 });
    expect(r.warnings).toEqual([
      'd: resource-stickiness="lots" is not a score (an integer or ±INFINITY); using 0 instead',
      'd: migration-threshold="x3" is not a score (an integer or ±INFINITY); using 0 instead (no threshold)',
    ]);
  });
});
