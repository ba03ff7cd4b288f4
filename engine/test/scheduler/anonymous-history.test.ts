/**
 * Anonymous clone history that `ocfkit status` does not print as crm_mon does yet (so these are
 * fixtures, not golden scenarios, which status.test.ts also compares with crm_mon): a second entry
 * of an instance active on one node is an orphan, stopped there; fail counts under numbered names
 * (`fail-count-ping:0#…`) count for the anonymous clone. Both decisions and the CIB the engine
 * writes after them are checked against crm_simulate.
 */
import { readFileSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { compareCib } from './differential.js';

const NOW = 1800000000;
const fixture = (name: string) => importCib(readFileSync(new URL(`fixtures/${name}.xml`, import.meta.url), 'utf8'));

describe('anonymous clone history', () => {
  it('a second entry of an instance active on a node is an orphan, stopped; numbered entries elsewhere are other instances', () => {
    const { summary } = schedule({ cib: fixture('anonymous-duplicate-entry'), now: NOW });
    expect(summary).toContain('Stop       ping:3   ( node1 )');
    expect(summary).toContain('Stop       ping:2   ( node3 )');
    expect(summary).not.toContain('Move');
  });

  it('numbered fail counts add up to migration-threshold: the instance leaves node1', () => {
    const { summary } = schedule({ cib: fixture('anonymous-numbered-failcounts'), now: NOW });
    expect(summary).toContain('Move       ping:0   ( node1 -> node3 )');
  });

  it.skipIf(requireTool(['crm_simulate']))('Pacemaker places them the same way, and reads the engine’s output CIB the same', async () => {
    for (const name of ['anonymous-duplicate-entry', 'anonymous-numbered-failcounts'])
      expect(await compareCib(fixture(name), NOW), name).toEqual([]);
  });
});
