/**
 * A guest node whose status has not been read (its container not yet running) has no attributes
 * in Pacemaker 2.1.5, not even #uname (add_node_attrs runs for a `<node>` entry or once the
 * node's history is read): a colocation by #uname then matches it with every other such node,
 * since an absent value equals an absent value. Fixture: rsc1 (disabled) prefers guest2 (100) and
 * is colocated with rsc4; crm_simulate gives rsc4 100 on guest1 AND guest2 and starts it on
 * guest1. The engine gave guest1 nothing and started rsc4 on guest2 (found by the differential
 * test's guest nodes, seed 26).
 *
 * Not a golden scenario: the engine's graph for guest nodes still lacks Pacemaker's
 * CRM_meta_container / CRM_meta_remote_node / CRM_meta_physical_host attributes and the
 * containers' probes before the guests' starts (scheduler README).
 */
import { readFileSync } from 'node:fs';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { NOW } from './differential.js';
import { runCase } from './pacemaker-suite.js';
import { transitionSet } from './suite-compare.js';

const source = readFileSync(new URL('fixtures/guest-unseen-attrs.xml', import.meta.url), 'utf8');
const noPacemaker = requireTool(['crm_simulate', 'crm_mon']);

describe('a guest node before its status is read', () => {
  it('shares colocation scores by #uname with every other such node', () => {
    const scores: string[] = [];
    const result = schedule({ cib: importCib(source), now: NOW, onScore: (l) => scores.push(l) });
    expect(scores.filter((l) => /^pcmk__primitive_assign: rsc4 allocation score on guest/.test(l))).toEqual([
      'pcmk__primitive_assign: rsc4 allocation score on guest1: 100',
      'pcmk__primitive_assign: rsc4 allocation score on guest2: 100',
    ]);
    expect(transitionSet(result.summary)).toContain('Start rsc4 (guest1)');
  });

  it.skipIf(noPacemaker)('matches crm_simulate', { timeout: 60_000 }, async () => {
    const result = await runCase('guest-unseen-attrs', source, { now: NOW });
    expect(result.detail.filter((l) => !/^engine warnings:|^ {2}(Guest nodes|<)/.test(l))).toEqual([]);
    expect(result.verdict).toBe('equal');
  });
});
