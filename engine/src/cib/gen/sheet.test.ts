import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic } from './diagnostics.js';
import { readSheet, type SheetOptions } from './sheet.js';
import { specPrimitives } from './spec.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/cibgen/${name}`, import.meta.url));

function read(name: string, options: SheetOptions = {}) {
  const diag = new Diagnostics();
  const spec = readSheet(fixture(name), name, diag, options);
  return { spec, messages: diag.list.map(formatDiagnostic) };
}

describe('readSheet: every table and column', () => {
  const { spec, messages } = read('all-tables.csv');
  const prim = (id: string) => specPrimitives(spec.resources).find((p) => p.id === id);

  it('reads the sheet without a message', () => {
    expect(messages).toEqual([]);
  });

  it('Node: uname, ntype, ptype (attributes, utilization), name, value; blank uname/ptype repeat the row above', () => {
    expect(spec.nodes).toEqual([
      { uname: 'srv01', type: 'member', attributes: [['standby', 'off']], utilization: [['capacity', '2']] },
      {
        uname: 'srv02',
        attributes: [
          ['rack', 'r2'],
          ['zone', 'east'],
        ],
        utilization: [],
      },
    ]);
  });

  it('Property, RscDefaults, OpDefaults: name, value', () => {
    expect([spec.properties, spec.rscDefaults, spec.opDefaults]).toEqual([
      [
        ['no-quorum-policy', 'ignore'],
        ['stonith-enabled', 'false'],
      ],
      [['resource-stickiness', '100']],
      [['timeout', '90s']],
    ]);
  });

  it('Resources: the resourceItem column a kind is in gives its depth (group, clone of a group, ms, primitive)', () => {
    const shape = (r: (typeof spec.resources)[number]): unknown =>
      r.kind === 'primitive'
        ? r.id
        : r.kind === 'group'
          ? { [r.id]: r.children.map(shape) }
          : { [`${r.id}${r.promotable ? ' (promotable)' : ''}`]: shape(r.child) };
    expect(spec.resources.map(shape)).toEqual([
      { grpA: ['prmA1', 'prmA2'] },
      { clnB: { grpB: ['prmB1'] } },
      { 'msC (promotable)': 'prmC' },
      'prmD',
      { clnPing: 'prmPing' },
    ]);
  });

  it('Rsc_Attributes: meta of groups and clones, params and meta of primitives', () => {
    const grpA = spec.resources[0];
    const msC = spec.resources[2];
    expect(grpA?.kind === 'group' && grpA.meta).toEqual([{ pairs: [['target-role', 'Started']] }]);
    expect(msC?.kind === 'clone' && msC.meta).toEqual([
      {
        pairs: [
          ['promoted-max', '1'],
          ['notify', 'true'],
        ],
      },
    ]);
    expect(prim('prmD')).toMatchObject({
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      params: [{ pairs: [['fake', 'from-rsc-attributes']] }],
      meta: [{ pairs: [['priority', '5']] }],
    });
  });

  it('Primitive: p (id, class, provider, type), a (params, meta, utilization, rule), o (any op attribute)', () => {
    expect(prim('prmA1')).toEqual({
      kind: 'primitive',
      id: 'prmA1',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      params: [
        { pairs: [['state', '/run/prmA1.state']] },
        {
          rule: { score: '10', booleanOp: 'and', exprs: [{ attribute: '#uname', operation: 'eq', value: 'srv01' }] },
          pairs: [['fake', 'srv01-only']],
          text: 'rule 10: #uname eq srv01',
        },
      ],
      meta: [{ pairs: [['resource-stickiness', '200']] }],
      utilization: [{ pairs: [['capacity', '1']] }],
      ops: [
        {
          name: 'start',
          interval: '0s',
          attrs: [
            ['timeout', '60s'],
            ['on-fail', 'restart'],
          ],
        },
        {
          name: 'monitor',
          interval: '10s',
          attrs: [
            ['timeout', '30s'],
            ['on-fail', 'restart'],
            ['start-delay', '5s'],
          ],
        },
        {
          name: 'stop',
          interval: '0s',
          attrs: [
            ['timeout', '60s'],
            ['on-fail', 'block'],
          ],
        },
      ],
    });
    expect(prim('prmC')?.ops.map((o) => o.attrs.find(([k]) => k === 'role')?.[1])).toEqual(['Promoted', 'Unpromoted']);
  });

  it('Location, Location_Expert, Colocation, Order, and what the pingd: column adds', () => {
    const uname = (score: string, node: string) => ({
      score,
      booleanOp: 'and',
      exprs: [{ attribute: '#uname', operation: 'eq', value: node }],
    });
    expect(spec.constraints).toEqual([
      {
        kind: 'location',
        rsc: 'grpA',
        rules: [
          uname('INFINITY', 'srv01'),
          {
            score: '-INFINITY',
            booleanOp: 'or',
            exprs: [
              { attribute: 'default_ping_set', operation: 'not_defined' },
              { attribute: 'default_ping_set', operation: 'lt', value: '100' },
            ],
          },
        ],
      },
      { kind: 'location', rsc: 'prmD', rules: [uname('INFINITY', 'srv01'), uname('INFINITY', 'srv02'), uname('-INFINITY', 'srv02')] },
      {
        kind: 'location',
        rsc: 'msC',
        rules: [
          {
            score: '100',
            booleanOp: 'and',
            role: 'Promoted',
            id: 'msC-on-srv02',
            exprs: [
              { attribute: '#uname', operation: 'eq', value: 'srv02' },
              { attribute: 'rack', operation: 'defined' },
            ],
          },
        ],
      },
      {
        kind: 'location',
        rsc: 'clnB',
        rules: [{ score: '-INFINITY', booleanOp: 'and', exprs: [{ attribute: 'zone', operation: 'eq', value: 'west' }] }],
      },
      { kind: 'colocation', rsc: 'grpA', withRsc: 'clnPing', score: 'INFINITY' },
      { kind: 'colocation', rsc: 'prmD', withRsc: 'msC', score: '500', rscRole: 'Started', withRscRole: 'Promoted' },
      { kind: 'colocation', rsc: 'clnB', withRsc: 'grpA', score: '-INFINITY' },
      { kind: 'order', first: 'clnPing', thenRsc: 'grpA', orderKind: 'Optional', symmetrical: false },
      {
        kind: 'order',
        first: 'msC',
        thenRsc: 'prmD',
        firstAction: 'promote',
        thenAction: 'start',
        orderKind: 'Mandatory',
        symmetrical: false,
      },
      { kind: 'order', first: 'grpA', thenRsc: 'clnB', orderKind: 'Optional', symmetrical: true },
    ]);
  });

  it("pm_crmgen's -C and -O: no colocation, no order for the ping/diskd columns", () => {
    const noColo = read('all-tables.csv', { colocation: false }).spec.constraints;
    const noOrder = read('all-tables.csv', { order: false }).spec.constraints;
    expect(noColo.filter((c) => c.kind === 'colocation' && c.withRsc === 'clnPing')).toEqual([]);
    expect(noColo.filter((c) => c.kind === 'order' && c.first === 'clnPing')).toHaveLength(1);
    expect(noOrder.filter((c) => c.kind === 'order' && c.first === 'clnPing')).toEqual([]);
    expect(noOrder.filter((c) => c.kind === 'colocation' && c.withRsc === 'clnPing')).toHaveLength(1);
  });
});

describe('readSheet: Shift_JIS', () => {
  it('reads a sheet saved as Shift_JIS, trims full-width blanks and warns about full-width values (as pm_crmgen)', () => {
    const { spec, messages } = read('sjis.csv');
    expect(messages).toEqual(['sjis.csv:15: E15: warning: "値の前後の全角空白は削除" has full-width or other non-ASCII characters']);
    expect(specPrimitives(spec.resources)[0]?.params).toEqual([{ pairs: [['fake', '値の前後の全角空白は削除']] }]);
    expect(spec.nodes.map((n) => n.uname)).toEqual(['srv01', 'srv02']);
  });
});

describe('readSheet: rows that repeat or contradict', () => {
  const sheet = (text: string) => {
    const diag = new Diagnostics();
    const spec = readSheet(Buffer.from(text), 's.csv', diag);
    return { spec, messages: diag.list.map(formatDiagnostic) };
  };

  it('warns about a property set twice and a constraint given twice', () => {
    const { messages } = sheet(
      [
        ',Property,,',
        ',,name,value',
        ',,a,1',
        ',,a,2',
        ',Resources,,',
        ',,resourceItem,id',
        ',,primitive,p1',
        ',Primitive,,,',
        ',p,id,class,provider,type',
        ',,p1,ocf,heartbeat,Dummy',
        ',Colocation,,,',
        ',,rsc,with-rsc,score',
        ',,p1,p1,inf',
        ',,p1,p1,INFINITY',
        ',Location,,',
        ',,rsc,score:10',
        ',,p1,',
      ].join('\n'),
    );
    expect(messages).toEqual([
      's.csv:4: C4: warning: "a" is set twice in Property; the last value wins',
      's.csv:14: warning: the same colocation is already given on line 13',
      's.csv:17: C17: warning: only the resource "p1" is given: the row adds no rule',
    ]);
  });

  it('Location_Expert: several expressions need a bool_op; a rule needs a score', () => {
    const { messages } = sheet(
      [
        ',Resources,,',
        ',,resourceItem,id',
        ',,primitive,p1',
        ',Primitive,,,',
        ',p,id,class,provider,type',
        ',,p1,ocf,heartbeat,Dummy',
        ',Location_Expert,,,,,',
        ',,rsc,score,bool_op,attribute,op,value',
        ',,p1,100,,a,eq,1',
        ',,,,,b,eq,2',
        ',,p1,,,c,eq,3',
        ',,p1,1,xor,c,eq,3',
      ].join('\n'),
    );
    expect(messages).toEqual([
      's.csv:10: E10: error: the rule started on line 9 has several expressions but no bool_op',
      's.csv:11: D11: error: no score: the first row of a rule needs one',
      's.csv:12: E12: error: bool_op "xor" is neither and nor or',
    ]);
  });
});
