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

  it('an unknown multiple-active policy is named and read as stop_start, as Pacemaker reads it', () => {
    const xml = readFileSync(new URL('multiple-active-stop-unexpected/input.xml', import.meta.url), 'utf8');
    const typo = xml.replace(
      'id="keep-multiple-active" name="multiple-active" value="stop_unexpected"',
      'id="keep-multiple-active" name="multiple-active" value="stop-unexpected"',
    );
    expect(typo).not.toBe(xml);
    const stops = (r: ReturnType<typeof schedule>) => r.graph.actions.filter((a) => a.key === 'keep_stop_0').map((a) => a.node);
    const proper = schedule({ cib: importCib(xml), now: 1_800_000_000 });
    expect(proper.warnings).toEqual([]);
    expect(stops(proper)).toEqual(['node2']);
    const r = schedule({ cib: importCib(typo), now: 1_800_000_000 });
    expect(r.warnings).toEqual([
      'keep: multiple-active="stop-unexpected" is not stop_start, stop_only, block or stop_unexpected; using stop_start instead',
    ]);
    // stop_start: stopped everywhere, the expected instance too, and started again.
    expect(stops(r).sort()).toEqual(['node1', 'node2']);
  });
});
