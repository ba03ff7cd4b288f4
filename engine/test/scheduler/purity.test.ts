/**
 * engine/src/core must stay pure. biome.json forbids I/O imports and clock/process globals there;
 * this scan covers what biome cannot express: Math.random and dynamic imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pure = ['core', 'pcmk'].map((d) => fileURLToPath(new URL(`../../src/${d}/`, import.meta.url)));

describe('engine/src/core and engine/src/pcmk purity', () => {
  it('uses no Math.random, dynamic import or eval', () => {
    const offenders: string[] = [];
    for (const f of pure.flatMap((dir) =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
        .map((n) => join(dir, n)),
    )) {
      const text = readFileSync(f, 'utf8');
      for (const [i, line] of text.split('\n').entries()) {
        if (/Math\.random|\bimport\(|\beval\(|new Function\(/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
