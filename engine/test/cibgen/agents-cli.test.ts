/**
 * Agents are looked up and parameters checked against their meta-data (in the agent's own
 * words); the command line writes its output whole, exits 2 on warnings only, and has --help.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { gen, here } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-cibgen-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sheet(name: string, agent: string, params: [string, string][]): string {
  const [cls, provider, type] = agent.split(':');
  const rows = [
    ',Resources,,',
    ',,resourceItem,id',
    ',,primitive,prmX',
    ',Primitive,,,',
    ',p,id,class,provider,type',
    `,,prmX,${cls},${provider},${type}`,
    ',a,type,name,value',
    ...params.map(([n, v], i) => `,,${i === 0 ? 'params' : ''},${n},${v}`),
  ];
  const file = join(dir, name);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

describe.skipIf(requireTool(['/usr/lib/ocf/resource.d/pacemaker/ping']))('agent checks', () => {
  it('unknown parameter, bad integer, missing required parameter: the agent says what it expects', async () => {
    const file = sheet('ping.csv', 'ocf:pacemaker:ping', [
      ['multiplier', 'lots'],
      ['hostlist', '10.0.0.1'],
    ]);
    const r = await gen(file);
    expect(r.code).toBe(1);
    expect(r.err.replaceAll(`${dir}/`, '').trimEnd().split('\n')).toEqual([
      'ping.csv:8: D8: error: prmX: multiplier="lots" is not an integer: ocf:pacemaker:ping says multiplier is "Value multiplier" (integer)',
      expect.stringMatching(
        /^ping\.csv:9: D9: error: prmX: "hostlist" is not a parameter of ocf:pacemaker:ping \(it takes .*host_list.*\)$/,
      ),
      'ping.csv:6: F6: error: prmX: ocf:pacemaker:ping requires the parameter "host_list" ("Host list")',
      'ocfkit cib gen: 3 error(s), 0 warning(s); nothing written',
    ]);
  });

  it('an agent that is not installed is named with where it was looked for; --no-agent-check skips the lookup', async () => {
    const file = sheet('missing.csv', 'ocf:acme:Nothing', [['a', '1']]);
    const r = await gen(file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'missing.csv:6: F6: error: prmX: agent ocf:acme:Nothing is not installed (looked in /usr/lib/ocf/resource.d/acme); use --ocf-root DIR, or --no-agent-check',
    );
    expect((await gen(file, '--no-agent-check')).code).toBe(0);
  });
});

describe.skipIf(requireTool(['crm_verify']))('crm_verify before writing', () => {
  it('a cib.xml Pacemaker would refuse is not written; --no-verify skips the check', async () => {
    const file = join(dir, 'onfail.csv');
    const rows = [',Resources,,', ',,resourceItem,id', ',,primitive,prmA', ',Primitive,,,', ',p,id,class,provider,type'];
    writeFileSync(file, [...rows, ',,prmA,ocf,heartbeat,Dummy', ',o,type,interval,on-fail', ',,monitor,10s,explode', ''].join('\n'));
    const r = await gen(file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      `${file}: error: crm_verify rejects the generated cib.xml: Entity: line 8: element op: Relax-NG validity error`,
    );
    const unchecked = await gen(file, '--no-verify');
    expect(unchecked.code).toBe(0);
    expect(unchecked.out).toContain('on-fail="explode"');
  });
});

describe('the command line', () => {
  it('--help describes the tables and the formats; ocfkit cib --help names gen', async () => {
    const r = await gen('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: ocfkit cib gen SHEET.csv|cluster.yaml|cib.xml [-o FILE] [--format xml|crm|pcs|yaml]');
    expect(r.out).toContain('diskd:ATTR');
    expect(r.out).toContain('--no-colocation');
  });

  it('-o writes the file whole (mode 0600); warnings only: written, exit 2', async () => {
    const file = join(dir, 'warn.csv');
    writeFileSync(file, ',Property,,\n,,name,value,comment\n,,stonith-enabled,false,why not\n');
    const out = join(dir, 'cib.xml');
    const r = await gen(file, '-o', out, '--no-agent-check');
    expect(r.err.replaceAll(`${dir}/`, '')).toBe(
      'warn.csv:2: E2: warning: unknown column "comment" in the Property table is ignored\nocfkit cib gen: 1 warning(s)\n',
    );
    expect(r.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toContain(
      '<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>',
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('on errors nothing is written', async () => {
    const out = join(dir, 'none.xml');
    const r = await gen(here('broken/bad-score.csv'), '-o', out, '--no-agent-check');
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('names bad usage', async () => {
    await expect(gen()).rejects.toThrow('expected exactly one input file (a .csv sheet, a .yaml file or a cib.xml)');
    await expect(gen('a.csv', '--format', 'json')).rejects.toThrow('--format: "json" is not one of xml, crm, pcs, yaml');
    await expect(gen(join(dir, 'nope.csv'))).rejects.toThrow(`cannot read ${join(dir, 'nope.csv')}: ENOENT`);
  });
});
