import { describe, expect, it } from 'vitest';
import { jsonStringBytes, Reassembly, splitText } from './fragment';

const utf8 = (s: string) => new TextEncoder().encode(JSON.stringify(s)).length - 2;

describe('cutting a message into datagram-sized parts', () => {
  const text = JSON.stringify({
    xml: '<status>"quoted" \\ back\n\ttab \u0001 ctl é ü 漢字 😀 lone \ud800 end</status>'.repeat(300),
  });

  it('sizes a text as the codec writes it (a JSON string in UTF-8)', () => {
    expect(jsonStringBytes(text)).toBe(utf8(text));
    expect(jsonStringBytes('😀')).toBe(4);
    expect(jsonStringBytes('"')).toBe(2);
  });

  it('every part fits the budget, no surrogate pair is split, and the parts give the text back', () => {
    for (const max of [6, 7, 100, 4096]) {
      const parts = splitText(text, max);
      for (const p of parts) expect(utf8(p)).toBeLessThanOrEqual(max);
      expect(parts.join('')).toBe(text);
      const r = new Reassembly();
      const out = parts.map((p, i) => r.add(i, parts.length, p));
      expect(out.slice(0, -1).every((x) => x === null)).toBe(true);
      expect(out.at(-1)).toBe(text);
    }
    expect(() => splitText(text, 5)).toThrow(/at least 6 bytes, got 5/);
  });

  it('a part out of place starts over instead of gluing two messages together', () => {
    const r = new Reassembly();
    expect(r.add(0, 3, 'a')).toBeNull();
    expect(r.add(2, 3, 'c')).toBeNull(); // part 1 missing
    expect(r.pending).toBe(0);
    expect(r.add(0, 2, 'x')).toBeNull();
    expect(r.add(1, 2, 'y')).toBe('xy');
  });
});
