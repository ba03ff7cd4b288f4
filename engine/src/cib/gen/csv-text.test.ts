import { describe, expect, it } from 'vitest';
import { decodeSheet, parseCsv } from './csv-text.js';
import { parseExprs } from './rule-text.js';
import { normalizeScore } from './spec.js';

describe('parseCsv', () => {
  it('reads quoted cells (commas, doubled quotes, line breaks), CRLF, and numbers rows by their first line', () => {
    expect(parseCsv('a, b ,"c,d"\r\n"say ""hi""","two\nlines",x\n\nlast', 's.csv')).toEqual([
      { line: 1, cells: ['a', 'b', 'c,d'] },
      { line: 2, cells: ['say "hi"', 'two lines', 'x'] },
      { line: 4, cells: [''] },
      { line: 5, cells: ['last'] },
    ]);
  });

  it('trims full-width blanks as pm_crmgen does', () => {
    expect(parseCsv('\u3000a\u3000,\tb\n', 's.csv')[0]?.cells).toEqual(['a', 'b']);
  });
});

describe('decodeSheet', () => {
  it('UTF-8 with or without a BOM, else Shift_JIS', () => {
    expect(decodeSheet(Buffer.from('\ufeffノード,a', 'utf8'), 's.csv')).toEqual({ text: 'ノード,a', encoding: 'UTF-8' });
    // 「ノード」 in Shift_JIS
    expect(decodeSheet(Buffer.from([0x83, 0x6d, 0x81, 0x5b, 0x83, 0x68]), 's.csv')).toEqual({ text: 'ノード', encoding: 'Shift_JIS' });
  });
});

describe('rule expressions and scores', () => {
  it('reads crm shell expressions joined by one operator', () => {
    expect(parseExprs('not_defined pingd or pingd number:lt 100')).toEqual({
      booleanOp: 'or',
      exprs: [
        { attribute: 'pingd', operation: 'not_defined' },
        { attribute: 'pingd', operation: 'lt', value: '100', type: 'number' },
      ],
    });
    expect(() => parseExprs('a eq 1 and b eq 2 or c eq 3')).toThrow('mixes "and" and "or"');
    expect(() => parseExprs('defined')).toThrow('defined takes exactly one attribute name');
    expect(() => parseExprs('a eq')).toThrow('"a eq" is not an expression');
    expect(() => parseExprs('a float:lt 1')).toThrow('"float" is not a value type');
  });

  it('reads scores as pm_crmgen does (inf, infinity in any case)', () => {
    expect(['inf', '-Infinity', '+INF', '200', '-0', '1.5', 'high'].map(normalizeScore)).toEqual([
      'INFINITY',
      '-INFINITY',
      'INFINITY',
      '200',
      '0',
      undefined,
      undefined,
    ]);
  });
});
