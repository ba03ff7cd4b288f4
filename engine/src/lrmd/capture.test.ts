import { expect, test } from 'vitest';
import { BoundedCapture } from './capture';

test('keeps the first bytes, marks the rest, keeps a tail for the exit reason', () => {
  const c = new BoundedCapture(4);
  c.push(Buffer.from('ab'));
  c.push(Buffer.from('cdef'));
  c.push(Buffer.from('gh'));
  expect(c.result()).toEqual({ text: 'abcd\n[ocfkit: output truncated, 4 bytes dropped after 4]\n', truncated: true, droppedTail: 'efgh' });
  const ok = new BoundedCapture(10);
  ok.push(Buffer.from('hello'));
  expect(ok.result()).toEqual({ text: 'hello', truncated: false, droppedTail: '' });
});
