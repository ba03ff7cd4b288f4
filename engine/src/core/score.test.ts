import { describe, expect, it } from 'vitest';
import { addScores, formatScore, INFINITY, parseScore } from './score.js';

describe('scores', () => {
  it('parses Pacemaker score spellings', () => {
    expect([
      parseScore('INFINITY'),
      parseScore('+INFINITY'),
      parseScore('-infinity'),
      parseScore('42'),
      parseScore('-7'),
      parseScore('2000000'),
      parseScore('x'),
      parseScore(undefined),
    ]).toEqual([INFINITY, INFINITY, -INFINITY, 42, -7, INFINITY, undefined, undefined]);
  });
  it('adds with saturation, -INFINITY winning', () => {
    expect(addScores(INFINITY, -INFINITY)).toBe(-INFINITY);
    expect(addScores(-INFINITY, INFINITY)).toBe(-INFINITY);
    expect(addScores(INFINITY, -500)).toBe(INFINITY);
    expect(addScores(999_999, 5)).toBe(INFINITY);
    expect(addScores(100, -30)).toBe(70);
  });
  it('formats like crm_simulate', () => {
    expect([INFINITY, -INFINITY, 0, 12].map(formatScore)).toEqual(['INFINITY', '-INFINITY', '0', '12']);
  });
});
