import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportCib } from './export.js';
import { importCib } from './import.js';
import { parseXml } from './xml-tree.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/scheduler/fixtures/${name}`, import.meta.url), 'utf8');
const seed = fixture('sample-cib.xml');

describe('importCib', () => {
  it('reads every section into the typed model', () => {
    const cib = importCib(seed);
    expect(cib.crmConfig[0]?.pairs.map((p) => `${p.name}=${p.value}`)).toEqual([
      'stonith-enabled=false',
      'no-quorum-policy=ignore',
      'start-failure-is-fatal=false',
    ]);
    expect(cib.nodes.map((n) => n.uname)).toEqual(['n1', 'n2']);
    expect(cib.resources.map((r) => `${r.kind}:${r.id}`)).toEqual(['primitive:vip', 'group:g', 'clone:diskd-clone', 'clone:pg-clone']);
    const vip = cib.resources[0];
    expect(vip?.kind === 'primitive' && vip.ops[0]).toEqual({
      id: 'vip-mon',
      name: 'monitor',
      interval: '10s',
      attrs: { timeout: '20s', 'on-fail': 'restart' },
      meta: [],
    });
    expect(cib.constraints.map((c) => c.kind)).toEqual(['location', 'location', 'colocation', 'order']);
    const rule = cib.constraints[0]?.kind === 'location' ? cib.constraints[0].rules[0] : undefined;
    expect(rule?.booleanOp).toBe('or');
    expect(rule?.terms.map((t) => (t.kind === 'expression' ? t.operation : 'rule'))).toEqual(['not_defined', 'eq']);
    expect(cib.status[0]?.lrm[0]?.ops.map((o) => [o.operation, o.callId, o.rc, o.intervalMs])).toEqual([
      ['start', 3, 0, 0],
      ['monitor', 4, 0, 10000],
    ]);
    expect(cib.status[0]?.transient[0]?.pairs.map((p) => p.name)).toEqual(['diskcheck_status', 'fail-count-vip#monitor_10000']);
  });

  it('round-trips: export(import(export(import(x)))) equals export(import(x))', () => {
    const once = exportCib(importCib(seed));
    expect(exportCib(importCib(once))).toBe(once);
  });

  it("decodes character references and keeps an op's instance attributes", () => {
    const xml = seed.replace(
      '<op id="vip-mon" name="monitor" interval="10s" timeout="20s" on-fail="restart"/>',
      '<op id="vip-mon" name="monitor" interval="10s" timeout="20s" on-fail="restart" description="two&#10;lines &#x26; more">' +
        '<instance_attributes id="vip-mon-ia"><nvpair id="vip-mon-depth" name="OCF_CHECK_LEVEL" value="10"/></instance_attributes></op>',
    );
    expect(xml).not.toBe(seed);
    const cib = importCib(xml);
    const op = cib.resources[0]?.kind === 'primitive' ? cib.resources[0].ops[0] : undefined;
    expect(op?.attrs.description).toBe('two\nlines & more');
    expect(op?.params?.[0]?.pairs).toEqual([{ id: 'vip-mon-depth', name: 'OCF_CHECK_LEVEL', value: '10' }]);
    const again = importCib(exportCib(cib));
    expect(again.resources[0]?.kind === 'primitive' && again.resources[0].ops[0]).toEqual(op);
  });

  it('writes a well-formed document whatever the values hold: characters XML 1.0 cannot carry become U+FFFD', () => {
    const cib = importCib(seed);
    const vip = cib.resources[0];
    if (vip?.kind !== 'primitive') throw new Error('sample-cib.xml changed: vip is not a primitive');
    const hostile = `a\x01b\x1b[2J\x00 \ud800 \uffff "q" <t> & it's\r\n\tx`;
    const params = [...vip.params, { id: 'vip-hostile', pairs: [{ id: 'vip-hostile-v', name: 'note', value: hostile }] }];
    const xml = exportCib({ ...cib, resources: [{ ...vip, params }, ...cib.resources.slice(1)] });
    const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
    expect([lint.status, lint.stderr]).toEqual([0, '']);
    const back = importCib(xml).resources[0];
    const note = back?.kind === 'primitive' ? back.params.find((s) => s.id === 'vip-hostile')?.pairs[0]?.value : undefined;
    expect(note).toBe(`a\ufffdb\ufffd[2J\ufffd \ufffd \ufffd "q" <t> & it's\r\n\tx`);
  });

  it('ignores a node state without an id, as Pacemaker does (its nodes stay, from the configuration)', () => {
    const xml = seed.replace('<status>', '<status><node_state uname="ghost" in_ccm="false" crmd="offline"/>');
    expect(xml).toContain('uname="ghost"');
    const cib = importCib(xml);
    expect(cib.status.map((s) => s.uname)).toEqual(importCib(seed).status.map((s) => s.uname));
  });

  it('keeps unknown configuration sections verbatim', () => {
    const xml = seed.replace('<rsc_defaults>', '<tags><tag id="t1"><obj_ref id="vip"/></tag></tags><rsc_defaults>');
    expect(exportCib(importCib(xml))).toContain('<obj_ref id="vip"/>');
  });

  it('reads a very long attribute value whole and still checks the document around it', () => {
    // The validator sees long plain values as a stand-in (a 20 MB value cost it 730 MiB and 7 s).
    const long = `${'A'.repeat(50_000)}\n${'B'.repeat(50_000)}`;
    expect(parseXml(`<a v="${long}" w='${long}'/>`).attrs).toEqual({ v: long, w: long });
    // The line of an error after the value counts the value's line break.
    expect(() => parseXml(`<a v="${long}">\n<b></c></a>`)).toThrow(/malformed XML at line 3/);
    // Structure after a single-quoted long value is checked too.
    expect(() => parseXml(`<a w='${long}'><b></a>`)).toThrow(/malformed XML at line 2/);
  });

  it('names the element and id of what it cannot read', () => {
    expect(() => importCib('<cib><configuration>')).toThrow(/malformed XML at line 1/);
    expect(() => importCib('<nodes/>')).toThrow('root element is <nodes>, expected <cib>');
    expect(() => importCib(seed.replace('rsc="vip" node="n1"', 'rsc="nope" node="n1"'))).toThrow(
      '<rsc_location id="loc-vip"> rsc="nope" names no resource',
    );
    expect(() => importCib(seed.replace('with-rsc="g"', 'with-rsc="gg"'))).toThrow(
      '<rsc_colocation id="col"> with-rsc="gg" names no resource',
    );
    expect(() => importCib(seed.replace('first="g"', 'first="x"'))).toThrow('<rsc_order id="ord"> first="x" names no resource');
    expect(() => importCib(seed.replace('operation="not_defined"', 'operation="regex"'))).toThrow(
      '<expression id="loc-disk-e1"> has unsupported operation "regex"',
    );
    expect(() => importCib(seed.replace('<primitive id="fs" class="ocf" provider="heartbeat"', '<primitive id="fs" class="ocf"'))).toThrow(
      '<primitive id="fs"> has class "ocf" but no provider',
    );
    expect(() => importCib(seed.replace('<primitive id="db"', '<primitive id="fs"'))).toThrow('duplicate resource id "fs"');
    expect(() => importCib(seed.replace('call-id="3"', 'call-id="three"'))).toThrow(
      '<lrm_rsc_op id="vip_last_0"> has a bad call-id="three"',
    );
    // Left alone rather than refused (kept for export; the scheduler warns): engine/test/cib.
    expect(importCib(seed.replace('<group id="g">', '<bundle id="b"/><group id="g">')).resources.map((r) => r.id)).not.toContain('b');
  });

  it('reads a CIB written by Pacemaker tools', () => {
    const cib = importCib(fixture('pacemaker-written.xml'));
    expect(cib.resources.length).toBeGreaterThan(0);
    expect(exportCib(importCib(exportCib(cib)))).toBe(exportCib(cib));
  });
});
