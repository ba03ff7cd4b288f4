import { describe, expect, it } from 'vitest';
import { childValue, parseSexp } from './sexp';

describe('parseSexp', () => {
  it('parses nested lists, empty values and quoted atoms', () => {
    expect(
      parseSexp("(domain (domid 3) (bootloader_args ) (name \"my vm\") (cmd 'a\\'b') (image (linux (kernel /boot/vmlinuz))))"),
    ).toEqual([
      ['domain', ['domid', '3'], ['bootloader_args'], ['name', 'my vm'], ['cmd', "a'b"], ['image', ['linux', ['kernel', '/boot/vmlinuz']]]],
    ]);
  });

  it('returns several top-level expressions', () => {
    expect(parseSexp('(a 1)\n(b 2)\n')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it.each(['(a (b 1)', '(a))', '(a "open)'])('rejects %j', (text) => {
    expect(() => parseSexp(text)).toThrow(SyntaxError);
  });

  it('childValue returns the first matching child, "" for an empty one', () => {
    const dom = ['domain', ['name', 'vm1'], ['features'], ['name', 'other']];
    expect(childValue(dom, 'name')).toBe('vm1');
    expect(childValue(dom, 'features')).toBe('');
    expect(childValue(dom, 'absent')).toBeUndefined();
    expect(childValue('atom', 'name')).toBeUndefined();
  });
});
