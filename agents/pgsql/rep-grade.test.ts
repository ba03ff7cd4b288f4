import { describe, expect, it } from 'vitest';
import { lsnKey, newestLsn } from './lsn';
import { grade, mayClaim, SCORE, xlogRound } from './rep-grade';

const row = (name: string, state: string, syncState: string) => ({ name, state, syncState });

describe('grading the standbys (the primary monitor)', () => {
  it('sync mode: the first async streamer becomes synchronous; the other stays unpromotable', () => {
    const g = grade({
      nodes: ['n1', 'n2', 'n3'],
      me: 'n1',
      mode: 'sync',
      rows: [row('n2', 'STREAMING', 'ASYNC'), row('n3', 'STREAMING', 'ASYNC')],
      syncNode: undefined,
    });
    expect(g).toEqual({
      grades: [
        { node: 'n2', dataStatus: 'STREAMING|ASYNC', score: SCORE.cannot, status: 'HS:async' },
        { node: 'n3', dataStatus: 'STREAMING|ASYNC', score: SCORE.cannot, status: 'HS:async' },
      ],
      syncNode: 'n2',
    });
    const next = grade({
      nodes: ['n1', 'n2', 'n3'],
      me: 'n1',
      mode: 'sync',
      rows: [row('n2', 'STREAMING', 'SYNC'), row('n3', 'STREAMING', 'ASYNC')],
      syncNode: 'n2',
    });
    expect(next).toEqual({
      grades: [
        { node: 'n2', dataStatus: 'STREAMING|SYNC', score: SCORE.can, status: 'HS:sync' },
        { node: 'n3', dataStatus: 'STREAMING|ASYNC', score: SCORE.cannot, status: 'HS:async' },
      ],
    });
  });

  it('sync mode: a synchronous standby that disconnects is dropped, so commits stop waiting for it', () => {
    const g = grade({ nodes: ['n1', 'n2'], me: 'n1', mode: 'sync', rows: [], syncNode: 'n2' });
    expect(g).toEqual({ grades: [{ node: 'n2', dataStatus: 'DISCONNECT', score: SCORE.cannot }], syncNode: null });
  });

  it('async mode: promotable only with a single standby; catching up is HS:connected', () => {
    const two = grade({ nodes: ['n1', 'n2'], me: 'n1', mode: 'async', rows: [row('n2', 'STREAMING', 'ASYNC')], syncNode: undefined });
    expect(two.grades[0]?.score).toBe(SCORE.can);
    const three = grade({
      nodes: ['n1', 'n2', 'n3'],
      me: 'n1',
      mode: 'async',
      rows: [row('n2', 'STREAMING', 'ASYNC'), row('n3', 'CATCHUP', 'ASYNC')],
      syncNode: undefined,
    });
    expect(three.grades.map((x) => [x.node, x.score, x.status])).toEqual([
      ['n2', SCORE.cannot, 'HS:async'],
      ['n3', SCORE.cannot, 'HS:connected'],
    ]);
  });

  it('who may claim promotion without a primary', () => {
    expect([undefined, 'LATEST', 'STREAMING|SYNC', 'STREAMING|ASYNC', 'DISCONNECT'].map((d) => mayClaim('sync', d))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(mayClaim('async', 'STREAMING|ASYNC')).toBe(true);
  });
});

describe('WAL position rounds', () => {
  it('keys LSNs so the newest sorts last', () => {
    expect(lsnKey('16/B374D848')).toBe('00000016B374D848');
    expect(lsnKey('nonsense')).toBeUndefined();
    expect(newestLsn('0/3000060', '0/3000148', '')).toBe('0000000003000148');
    expect(newestLsn('', undefined)).toBeUndefined();
  });

  it('needs xlog_check_count equal rounds, then names the newest', () => {
    const a = { n1: '0000000003000148', n2: '0000000003000060' };
    let r = xlogRound(undefined, a, 'n1', 3);
    expect([r.note.count, r.verdict]).toEqual([1, 'wait']);
    r = xlogRound(r.note, a, 'n1', 3);
    r = xlogRound(r.note, a, 'n1', 3);
    expect([r.note.count, r.verdict]).toEqual([3, 'newest']);
    expect(xlogRound(r.note, a, 'n2', 3).verdict).toBe('behind');
    // A changed position starts the count again.
    expect(xlogRound(r.note, { ...a, n2: '0000000003000200' }, 'n2', 3)).toEqual({
      note: { round: { n1: '0000000003000148', n2: '0000000003000200' }, count: 1 },
      verdict: 'wait',
    });
  });
});
