/**
 * The YAML input: the same cib.xml as the sheet, a stable round trip YAML → cib.xml → YAML, a
 * JSON Schema that is the one the code checks with, and errors that name the line and the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterSchema } from '../../src/cib/gen/cluster-schema.js';
import { Diagnostics, formatDiagnostic } from '../../src/cib/gen/diagnostics.js';
import { readYaml } from '../../src/cib/gen/yaml-input.js';
import { gen, here, OCFKIT_OCF_ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-cibgen-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(...args: string[]): Promise<string> {
  const r = await gen(...args, '--ocf-root', OCFKIT_OCF_ROOT);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

function messages(text: string): string[] {
  const diag = new Diagnostics();
  readYaml(text, 'c.yaml', diag);
  return diag.list.map(formatDiagnostic);
}

describe('ocfkit cib gen: YAML', () => {
  it('gives the same cib.xml as the sheet it was written from', async () => {
    expect(await ok(here('pgsql-2node.yaml'))).toBe(await ok(here('pgsql-2node.csv')));
  });

  it('round trip: YAML → cib.xml → YAML gives back the same data, and again the same cib.xml', async () => {
    const xml = join(dir, 'cib.xml');
    const yaml = join(dir, 'again.yaml');
    // The agents were checked by the test above; the round trip is about the model.
    writeFileSync(xml, await ok(here('pgsql-2node.yaml'), '--no-agent-check'));
    const again = await ok(xml, '--format', 'yaml', '--no-agent-check');
    writeFileSync(yaml, again);
    expect(parse(again)).toEqual(parse(readFileSync(here('pgsql-2node.yaml'), 'utf8')));
    expect(await ok(yaml, '--no-agent-check')).toBe(readFileSync(xml, 'utf8'));
    expect(await ok(yaml, '--format', 'yaml', '--no-agent-check')).toBe(again);
  });

  it('cluster.schema.json is the schema the YAML is checked against', () => {
    const file = JSON.parse(readFileSync(here('../../src/cib/gen/cluster.schema.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(clusterSchema)));
  });

  it('names the line and the field of what is wrong', () => {
    const head = 'nodes:\n  - name: srv01\nresources:\n';
    expect(messages(`${head}  - primitive: p1\n    agent: ocf:heartbeat:Dummy\n    parms: {a: 1}\n`)).toEqual([
      'c.yaml:6: resources[0].parms: error: must NOT have additional properties ("parms" is not a known field)',
    ]);
    expect(messages(`${head}  - primitive: p1\n`)).toEqual(["c.yaml:4: resources[0]: error: must have required property 'agent'"]);
    expect(messages(`${head}  - primitive: prmＡ\n    agent: ocf:heartbeat:Dummy\n`)).toEqual([
      'c.yaml:4: resources[0].primitive: error: must match pattern "^[A-Za-z_][A-Za-z0-9_.-]*$"',
    ]);
    expect(messages(`${head}  - primitive: p1\n    group: g\n`)).toEqual([
      'c.yaml:4: resources[0]: error: needs exactly one of "primitive:", "group:", "clone:", "promotable:" (has primitive, group)',
    ]);
    const p1 = `${head}  - primitive: p1\n    agent: ocf:heartbeat:Dummy\nconstraints:\n`;
    expect(messages(`${p1}  - location: p1\n    rules:\n      - score: high\n        expression: a eq 1\n`)).toEqual([
      'c.yaml:9: constraints[0].rules[0].score: error: "high" is not a score (an integer, INFINITY or -INFINITY)',
    ]);
    expect(messages(`${p1}  - location: p1\n    rules:\n      - expression: a equals 1\n`)).toEqual([
      'c.yaml:9: constraints[0].rules[0].expression: error: "equals" is not an operator (expected one of eq, ne, lt, gt, lte, gte, defined, not_defined)',
    ]);
    expect(messages(`${p1}  - {order: p1, then: p2}\n`)).toEqual(['c.yaml:7: constraints[0].then: error: "p2" names no resource']);
    expect(messages(`${p1}  - primitive: p1\n    agent: ocf:heartbeat:Dummy\n`.replace('constraints:\n', ''))).toEqual([
      'c.yaml:6: resources[1].primitive: error: resource "p1" is already defined at resources[0].primitive',
    ]);
    expect(messages('nodes:\n  - name: a\n  - name: [b\n')).toEqual([
      'c.yaml:4: error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(messages('nodes: {}\nnodes: []\n')).toEqual(['c.yaml:2: error: Map keys must be unique']);
  });
});
