import { describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import { parseXml } from '../cib/xml-tree.js';
import { unpack } from '../core/unpack.js';
import { activeOn, dcStartStatus, isClusterMsg, joinedDc, memberChanges, memberStates, runsController } from './cluster-view.js';
import { applyClusterWrite, contentOf, isConfigWrite } from './config-writes.js';

const CIB = `<cib admin_epoch="0" epoch="4" num_updates="3" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="2"><lrm_resources><lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <node_state id="3" uname="n3" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="3"><lrm_resources><lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="d_last_0" operation_key="d_monitor_0" operation="monitor" transition-key="1:1:7:x" transition-magic="0:7;1:1:7:x" call-id="1" rc-code="7" op-status="0" interval="0"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;

const view = (o: Partial<Parameters<typeof runsController>[0]> = {}) => ({
  role: 'dc' as const,
  dc: 'n1',
  phase: 'stable' as const,
  quorate: true,
  members: ['n1', 'n2'],
  alive: ['n1', 'n2'],
  term: { n: 1, dc: 'n1' },
  ...o,
});

describe('what a cluster node derives from its membership view', () => {
  it('only the DC runs the controller, once joined and quorate; a DC without quorum for the grace runs it to apply no-quorum-policy', () => {
    const o = { running: false, dcForMs: 0, graceMs: 1000 };
    expect(runsController(view(), o)).toBe(true);
    expect(runsController(view({ phase: 'collecting' }), o)).toBe(false);
    expect(runsController(view({ quorate: false }), o)).toBe(false);
    // A DC that already runs it keeps it through a new term's join and a quorum loss.
    expect(runsController(view({ phase: 'collecting' }), { ...o, running: true })).toBe(true);
    expect(runsController(view({ quorate: false }), { ...o, running: true })).toBe(true);
    // A DC without quorum: only after the grace (its members would have joined by then).
    expect(runsController(view({ phase: 'collecting', quorate: false }), { ...o, dcForMs: 999 })).toBe(false);
    expect(runsController(view({ phase: 'collecting', quorate: false }), { ...o, dcForMs: 1000 })).toBe(true);
    // A member follows its DC; a node between two DCs waits for the election.
    expect(runsController(view({ role: 'member', dc: 'n2', phase: null, quorate: false }), { ...o, dcForMs: 5000 })).toBe(false);
    expect(runsController(view({ role: 'seeking', dc: null, phase: null, quorate: false }), { ...o, dcForMs: 5000 })).toBe(false);
  });

  it('a member hands its history again when it joins a new DC or the same DC in a new term, not on every view change', () => {
    const joined = joinedDc({ role: 'member', dc: 'n2', term: { n: 6, dc: 'n2' } });
    expect(joined).not.toBe('');
    // the same join, seen in a later view (quorum, membership changes): nothing to send
    expect(joinedDc({ role: 'member', dc: 'n2', term: { n: 6, dc: 'n2' } })).toBe(joined);
    // the DC re-termed (a member had promised a higher term) and this node joined it again
    expect(joinedDc({ role: 'member', dc: 'n2', term: { n: 8, dc: 'n2' } })).not.toBe(joined);
    // another DC
    expect(joinedDc({ role: 'member', dc: 'n3', term: { n: 6, dc: 'n3' } })).not.toBe(joined);
    // not a member: nothing joined
    expect(joinedDc({ role: 'seeking', dc: null, term: null })).toBe('');
    expect(joinedDc({ role: 'dc', dc: 'n1', term: { n: 6, dc: 'n1' } })).toBe('');
  });

  it('members are joined, nodes heard but not joined pending, the others lost; changes are reported once', () => {
    expect([...memberStates(view({ alive: ['n1', 'n2', 'n3'] }), ['n1', 'n2', 'n3'], 'n1')]).toEqual([
      ['n2', 'joined'],
      ['n3', 'pending'],
    ]);
    const a = memberStates(view(), ['n1', 'n2', 'n3'], 'n1');
    expect([...a]).toEqual([
      ['n2', 'joined'],
      ['n3', 'lost'],
    ]);
    const b = memberStates(view({ members: ['n1', 'n3'], alive: ['n1', 'n3'] }), ['n1', 'n2', 'n3'], 'n1');
    expect(memberChanges(a, b)).toEqual([
      { node: 'n2', state: 'lost' },
      { node: 'n3', state: 'joined' },
    ]);
    expect(memberChanges(b, b)).toEqual([]);
  });

  it("a new DC starts from the members' history erased and the others lost (offline without fencing; what ran there is kept)", () => {
    const cib = importCib(CIB);
    expect(activeOn(cib, 'n2', 0)).toEqual(['d']);
    const start = dcStartStatus(
      cib,
      new Map([
        ['n2', 'lost'],
        ['n3', 'joined'],
      ]),
    );
    const n2 = start.status.find((s) => s.uname === 'n2');
    const n3 = start.status.find((s) => s.uname === 'n3');
    expect(n2?.attrs).toMatchObject({ in_ccm: 'false', crmd: 'offline', expected: 'member' });
    expect(n2?.lrm.length).toBe(1);
    expect(n3?.lrm).toEqual([]);
    expect(n3?.attrs).toMatchObject({ in_ccm: 'true', crmd: 'online', join: 'member' });
    // With fencing (the default) the lost node is unclean: what ran there may still run.
    expect(unpack(start, 0).nodes.find((n) => n.uname === 'n2')).toMatchObject({ online: false, unclean: true });
    expect(activeOn(start, 'n2', 0)).toEqual(['d']);
    // Without fencing it is offline: the resource counts as stopped there (recovered elsewhere).
    const noFencing = dcStartStatus(
      importCib(
        CIB.replace(
          '<crm_config/>',
          '<crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>',
        ),
      ),
      new Map([['n2', 'lost']]),
    );
    expect(unpack(noFencing, 0).nodes.find((n) => n.uname === 'n2')).toMatchObject({ online: false, unclean: false });
    expect(activeOn(noFencing, 'n2', 0)).toEqual([]);
    // A node still joining is not fenced (not unclean) and runs nothing (standby) — even with fencing.
    const joining = dcStartStatus(cib, new Map([['n3', 'pending']]));
    expect(unpack(joining, 0).nodes.find((n) => n.uname === 'n3')).toMatchObject({ unclean: false, standby: true });
  });

  it('a new DC keeps the history each joined member sent at the join (no restart, no probe), without recurring entries so the monitors are asked for again', () => {
    const withMonitor = CIB.replace(
      '<lrm_rsc_op id="d_last_0" operation_key="d_start_0"',
      '<lrm_rsc_op id="d_monitor_10000" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" transition-magic="0:0;2:1:0:x" call-id="3" rc-code="0" op-status="0" interval="10000"/>\n<lrm_rsc_op id="d_last_0" operation_key="d_start_0"',
    );
    const cib = importCib(withMonitor);
    const n2History = cib.status.find((s) => s.uname === 'n2') ?? null;
    // The DC's own copy of n2 is stale (a probe that found nothing); n2's own report wins.
    const stale = importCib(CIB);
    const staleCib = { ...stale, status: stale.status.map((s) => (s.uname === 'n2' ? { ...s, lrm: [] } : s)) };
    const start = dcStartStatus(
      staleCib,
      new Map([
        ['n2', 'joined'],
        ['n3', 'joined'],
      ]),
      new Map([['n2', n2History]]),
      'n1',
    );
    expect(activeOn(start, 'n2', 0)).toEqual(['d']);
    const ops = start.status.find((s) => s.uname === 'n2')?.lrm[0]?.ops.map((o) => o.id);
    expect(ops).toEqual(['d_last_0']);
    expect(start.status.find((s) => s.uname === 'n2')?.attrs).toMatchObject({ in_ccm: 'true', crmd: 'online', join: 'member' });
    // n3 sent nothing (no answer in time): probed again, as before.
    expect(start.status.find((s) => s.uname === 'n3')?.lrm).toEqual([]);
    // A history of null (a restarted node) is probed too.
    const restarted = dcStartStatus(cib, new Map([['n2', 'joined']]), new Map([['n2', null]]));
    expect(restarted.status.find((s) => s.uname === 'n2')?.lrm).toEqual([]);
    expect(isClusterMsg({ k: 'history', state: null })).toBe(true);
  });

  it('messages are recognised by kind', () => {
    expect(isClusterMsg({ k: 'result', tag: 't', outcome: { rc: 0, opStatus: 0 } })).toBe(true);
    // The status differences and their answers (a member's acknowledgement dropped as unknown starved it of differences).
    expect(isClusterMsg({ k: 'status-ack', src: 'n1/1/1', v: 3 })).toBe(true);
    expect(isClusterMsg({ k: 'status-resync' })).toBe(true);
    expect(isClusterMsg({ k: 'nonsense' })).toBe(false);
    expect(isClusterMsg(null)).toBe(false);
  });
});

describe('configuration writes applied by the DC to the replicated copy', () => {
  const content = contentOf(parseXml(CIB));

  it('the replicated content is the CIB without its status', () => {
    expect(content.xml).not.toContain('<status');
    expect(content.xml).toContain('<primitive id="d"');
  });

  it('a resource write bumps the epoch; the same write again changes nothing', () => {
    const req = { op: 'resource' as const, action: 'stop' as const, rsc: 'd' };
    expect(isConfigWrite(req)).toBe(true);
    const r = applyClusterWrite(content, req, () => ['n2'], 'n1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.content.xml).toMatch(/epoch="5"/);
    expect(r.content.xml).toContain('name="target-role" value="Stopped"');
    const again = applyClusterWrite(r.content, req, () => [], 'n1');
    expect(again.ok && again.content).toBe(r.content);
  });

  it('refusals name the problem: an unknown resource, a stale patch, an older replacement', () => {
    const bad = applyClusterWrite(content, { op: 'resource', action: 'ban', rsc: 'nope', node: 'n2' }, () => [], 'n1');
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('nope') });
    const older = applyClusterWrite(content, { op: 'replace', xml: CIB.replace('epoch="4"', 'epoch="2"') }, () => [], 'n1');
    expect(older).toMatchObject({ ok: false, error: expect.stringMatching(/older than the current one \(0\.4\.3\)/) });
    const stale = applyClusterWrite(
      content,
      {
        op: 'patch',
        xml: '<diff format="2"><version><source admin_epoch="0" epoch="1" num_updates="0"/><target admin_epoch="0" epoch="2" num_updates="0"/></version></diff>',
      },
      () => [],
      'n1',
    );
    expect(stale).toMatchObject({ ok: false, error: expect.stringContaining('applies to version 0.1') });
  });

  it('a whole replacement raising admin_epoch keeps its versions; a node write uses the given node', () => {
    const given = CIB.replace('admin_epoch="0"', 'admin_epoch="2"').replace(
      '<constraints/>',
      '<constraints><rsc_location id="l" rsc="d" node="n3" score="10"/></constraints>',
    );
    const r = applyClusterWrite(content, { op: 'replace', xml: given }, () => [], 'n1');
    expect(r.ok && r.content.xml).toMatch(/admin_epoch="2" epoch="4" num_updates="0"/);
    expect(r.ok && r.content.xml).not.toContain('<status');
    const s = applyClusterWrite(content, { op: 'node', action: 'standby', node: 'n3' }, () => [], 'n1');
    expect(s.ok && s.messages.join()).toMatch(/n3/);
    const standby = s.ok ? importCib(s.content.xml).nodes.find((n) => n.uname === 'n3')?.attributes : undefined;
    expect(standby?.flatMap((set) => set.pairs.map((p) => `${p.name}=${p.value}`))).toEqual(['standby=on']);
  });
});
