import { describe, expect, it } from 'vitest';
import { AttributeStore } from './store';

describe('AttributeStore', () => {
  it('commits at once without dampening and reports the change', () => {
    const s = new AttributeStore();
    const r = s.update({ node: 'n1', name: 'a', value: 'x', now: 0 });
    expect(r.commit).toEqual({ node: 'n1', name: 'a', previous: null, committed: 'x' });
    expect(s.committed('n1')).toEqual({ a: 'x' });
    expect(s.update({ node: 'n1', name: 'a', value: 'x', now: 1 }).commit).toBeUndefined();
  });

  it('commits a dampened value only once it stayed unchanged for the dampening, restarting on change', () => {
    const s = new AttributeStore();
    s.update({ node: 'n1', name: 'd', value: 'normal', dampenMs: 1000, now: 0 });
    expect(s.get('n1', 'd')).toMatchObject({ value: 'normal', committed: null, commitAt: 1000 });
    expect(s.due(999)).toEqual([]);
    expect(s.due(1000)).toEqual([{ node: 'n1', name: 'd', previous: null, committed: 'normal' }]);
    s.update({ node: 'n1', name: 'd', value: 'ERROR', now: 2000 });
    s.update({ node: 'n1', name: 'd', value: 'normal', now: 2500 });
    expect(s.nextDue()).toBe(3500);
    // Flapped back before the dampening ran out: no change of the committed value.
    expect(s.due(3500)).toEqual([]);
    s.update({ node: 'n1', name: 'd', value: 'ERROR', now: 4000 });
    expect(s.committed('n1')).toEqual({ d: 'normal' });
    expect(s.due(5000)).toEqual([{ node: 'n1', name: 'd', previous: 'normal', committed: 'ERROR' }]);
  });

  it('deletes: the record goes once null is committed', () => {
    const s = new AttributeStore();
    s.update({ node: 'n1', name: 'a', value: 'x', now: 0 });
    s.update({ node: 'n1', name: 'a', value: null, dampenMs: 100, now: 0 });
    expect(s.committed('n1')).toEqual({ a: 'x' });
    expect(s.due(100)).toEqual([{ node: 'n1', name: 'a', previous: 'x', committed: null }]);
    expect(s.list()).toEqual([]);
  });

  it('keeps nodes apart and lists sorted', () => {
    const s = new AttributeStore();
    s.update({ node: 'n2', name: 'b', value: '1', now: 0 });
    s.update({ node: 'n1', name: 'b', value: '2', now: 0 });
    s.update({ node: 'n1', name: 'a', value: '3', now: 0 });
    expect(s.list().map((r) => `${r.node}/${r.name}`)).toEqual(['n1/a', 'n1/b', 'n2/b']);
    expect(s.committed('n2')).toEqual({ b: '1' });
    expect(AttributeStore.from(s.list()).list()).toEqual(s.list());
  });
});
