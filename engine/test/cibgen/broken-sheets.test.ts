/**
 * A corpus of broken sheets: each gives its message, naming the file, the line and the cell, and
 * exit status 1 with nothing written — never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { gen, here } from './helpers.js';

const dir = here('broken/');

const CORPUS: [string, string[]][] = [
  [
    'no-table-header.csv',
    ['no-table-header.csv:2: B2: error: data before any table header (put a table name such as "Node" or "Resources" in column B)'],
  ],
  [
    'missing-column.csv',
    [
      'missing-column.csv:2: D2: warning: unknown column "name" in the Resources table is ignored',
      'missing-column.csv:2: error: the Resources table has no "id" column (it needs resourceitem, id)',
    ],
  ],
  [
    'unknown-table.csv',
    [
      'unknown-table.csv:1: B1: error: unknown table "Nodes" (tables: Node, Property, RscDefaults, OpDefaults, Resources, Rsc_Attributes, Primitive, Location, Location_Expert, Colocation, Order)',
    ],
  ],
  [
    'unsupported-table.csv',
    [
      'unsupported-table.csv:1: B1: error: the Alert table is not supported by ocfkit cib gen (supported: Node, Property, RscDefaults, OpDefaults, Resources, Rsc_Attributes, Primitive, Location, Location_Expert, Colocation, Order)',
    ],
  ],
  ['duplicate-id.csv', ['duplicate-id.csv:5: E5: error: resource "prmA" is already defined (line 4)']],
  ['bad-score.csv', ['bad-score.csv:13: E13: error: "high" is not a score (an integer, INFINITY or -INFINITY)']],
  [
    'non-ascii-id.csv',
    [
      'non-ascii-id.csv:3: D3: warning: "prmＡ" has full-width or other non-ASCII characters',
      `non-ascii-id.csv:3: D3: error: "prmＡ" has non-ASCII characters (full-width?); ids take ASCII letters, digits, '_', '-' and '.'`,
    ],
  ],
  ['undefined-resource.csv', ['undefined-resource.csv:9: D9: error: resource id (then-rsc) "prmZ" is not in the Resources table']],
  [
    'bad-nesting.csv',
    ['bad-nesting.csv:4: D4: error: a clone cannot be inside group "grpA"', 'bad-nesting.csv:3: E3: error: group "grpA" holds no resource'],
  ],
  ['no-primitive-table.csv', ['no-primitive-table.csv:3: D3: error: primitive "prmA" has no Primitive table (class, provider, type)']],
  [
    'diskd-without-clone.csv',
    ['diskd-without-clone.csv:9: D9: error: no diskd/diskcheck primitive sets the attribute "diskcheck_status" (its "name" parameter)'],
  ],
  ['unclosed-quote.csv', [`unclosed-quote.csv:3: error: a quoted cell is never closed (a '"' is missing)`]],
  ['not-text.csv', ['not-text.csv: error: the file is neither UTF-8 nor Shift_JIS text (save the sheet as "CSV UTF-8" or "CSV")']],
  [
    'sjis-full-width-id.csv',
    [
      'sjis-full-width-id.csv:10: D10: warning: "ｐｒｍＤｕｍｍｙ" has full-width or other non-ASCII characters',
      `sjis-full-width-id.csv:10: D10: error: "ｐｒｍＤｕｍｍｙ" has non-ASCII characters (full-width?); ids take ASCII letters, digits, '_', '-' and '.'`,
      'sjis-full-width-id.csv:13: C13: error: primitive "prmDummy" is not in the Resources table',
    ],
  ],
];

describe('ocfkit cib gen: broken sheets', () => {
  it.each(CORPUS)('%s', async (name, expected) => {
    const r = await gen(`${dir}${name}`, '--no-agent-check');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.replaceAll(dir, '').trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual(expected);
    expect(lines.at(-1)).toMatch(/^ocfkit cib gen: \d+ error\(s\), \d+ warning\(s\); nothing written$/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
