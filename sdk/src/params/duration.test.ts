import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['20', 20_000],
    ['20s', 20_000],
    ['2min', 120_000],
    ['2m', 120_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    [' 30 sec ', 30_000],
    ['250000us', 250],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '10 parsecs', '-5s', '5s5'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats whole seconds as s and the rest as ms', () => {
    expect([formatDuration(20_000), formatDuration(1500)]).toEqual(['20s', '1500ms']);
  });
});
