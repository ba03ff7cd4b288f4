import { describe, expect, it } from 'vitest';
import { describeOverlap, overlapOf } from './postmaster-sampler';

const sample = (o: Record<string, string[]>) => new Map(Object.entries(o));

describe('overlapOf: two postmasters at one moment, proven by two samples', () => {
  it('the same pids on two nodes in both samples: both ran between them', () => {
    expect(overlapOf(sample({ node1: ['565'], node2: ['812'] }), sample({ node1: ['565'], node2: ['812'] }))).toEqual([
      ['node1', ['565']],
      ['node2', ['812']],
    ]);
  });

  it('a handover (the old one gone by the second sample) is not an overlap', () => {
    expect(overlapOf(sample({ node1: ['565'], node2: ['812'] }), sample({ node2: ['812'] }))).toEqual([]);
  });

  it('a new pid in the second sample proves nothing about the first (a restart in between)', () => {
    expect(overlapOf(sample({ node1: ['565'], node2: ['812'] }), sample({ node1: ['901'], node2: ['812'] }))).toEqual([]);
  });

  it('one node, or none, is no overlap', () => {
    expect(overlapOf(sample({ node1: ['565'] }), sample({ node1: ['565'] }))).toEqual([]);
    expect(overlapOf(sample({}), sample({}))).toEqual([]);
  });

  it('names the time apart, the nodes with their pids and the data directory', () => {
    expect(
      describeOverlap(
        [
          ['node1', ['565']],
          ['node3', ['77']],
        ],
        '/shared/pgdata',
        240,
      ),
    ).toBe(
      'postmasters ran on node1 (pid 565) and node3 (pid 77) at once, on the shared data directory /shared/pgdata (seen in two samples 0.2 s apart)',
    );
  });
});
