import { expect, test } from 'vitest';
import { Semaphore } from './semaphore';

test('at most `limit` holders, waiters served in order', async () => {
  const s = new Semaphore(2);
  const order: number[] = [];
  const r1 = await s.acquire();
  const r2 = await s.acquire();
  const waiting = [3, 4].map((n) =>
    s.acquire().then((release) => {
      order.push(n);
      return release;
    }),
  );
  expect(s.inUse).toBe(2);
  r1();
  r1(); // releasing twice is harmless
  const release3 = await waiting[0];
  expect([order, s.inUse]).toEqual([[3], 2]);
  r2();
  (await waiting[1])?.();
  release3?.();
  expect([order, s.inUse]).toEqual([[3, 4], 0]);
  expect(() => new Semaphore(0)).toThrow('concurrency must be a positive integer, got 0');
});
