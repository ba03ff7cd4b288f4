import { describe, expect, it } from 'vitest';
import { ReplayGuard } from './replay-guard';

describe('ReplayGuard', () => {
  it('accepts each sequence number once, in any order within the window of 1024', () => {
    const g = new ReplayGuard();
    const order = [3, 1, 2, 1000, 5, 4];
    expect(order.map((s) => g.check(7, s))).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(order.map((s) => g.check(7, s))).toEqual(order.map(() => 'replayed'));
    expect(g.max).toBe(1000);
  });

  it('drops what is 1024 or more behind the highest, and a number that shares a slot with a newer one', () => {
    const g = new ReplayGuard();
    expect(g.check(1, 5)).toBeUndefined();
    expect(g.check(1, 5 + 1024)).toBeUndefined(); // the same slot as 5
    expect(g.check(1, 5)).toBe('replayed');
    expect(g.check(1, 5 + 1024)).toBe('replayed');
    expect(g.check(1, 6)).toBeUndefined(); // 1023 behind: still inside the window
    expect(g.check(1, 6)).toBe('replayed');
    expect(g.check(1, 5 + 2048)).toBeUndefined();
    expect(g.check(1, 6 + 1024)).toBeUndefined(); // its slot held 6, long out of the window
  });

  it('a replay stays a replay after thousands of frames in between', () => {
    const g = new ReplayGuard();
    for (let s = 1; s <= 5000; s++) expect(g.check(2, s)).toBeUndefined();
    for (let s = 1; s <= 5000; s++) expect(g.check(2, s)).toBe('replayed');
  });

  it('a new generation starts afresh, an older one is stale, a fraction is dropped', () => {
    const g = new ReplayGuard();
    expect(g.check(3, 10)).toBeUndefined();
    expect(g.check(4, 10)).toBeUndefined();
    expect(g.check(3, 11)).toBe('stale-generation');
    expect(g.check(4, 10.5)).toBe('replayed');
  });

  it('after a restore, only numbers above the persisted mark are accepted', () => {
    const g = new ReplayGuard();
    g.restore(5, 100);
    expect(g.check(5, 100)).toBe('replayed');
    expect(g.check(5, 42)).toBe('replayed');
    expect(g.check(5, 101)).toBeUndefined();
    expect(g.check(4, 200)).toBe('stale-generation');
  });
});
