import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { attrs, escapeXml } from './xml';

describe('escapeXml', () => {
  it('escapes markup in content and attributes alike', () => {
    expect(escapeXml(`a < b & "c" > 'd'`)).toBe(`a &lt; b &amp; &quot;c&quot; &gt; 'd'`);
  });

  it('keeps newlines and tabs in content, writes them as references in attributes', () => {
    expect(escapeXml('one\n\ttwo\r')).toBe('one\n\ttwo&#13;');
    expect(escapeXml('one\n\ttwo\r', { attribute: true })).toBe('one&#10;&#9;two&#13;');
  });

  it('replaces what XML 1.0 cannot carry, so any value gives a well-formed document', () => {
    const hostile = 'x\x00\x01\x1b\x7f\udfff\ud800\uffff\ufffe😀';
    expect(escapeXml(hostile)).toBe('x\ufffd\ufffd\ufffd\x7f\ufffd\ufffd\ufffd\ufffd😀');
    const doc = `<?xml version="1.0"?>\n<r${attrs([['v', hostile]])}>${escapeXml(hostile)}</r>\n`;
    const lint = spawnSync('xmllint', ['--noout', '-'], { input: doc, encoding: 'utf8' });
    expect([lint.status, lint.stderr]).toEqual([0, '']);
  });
});
