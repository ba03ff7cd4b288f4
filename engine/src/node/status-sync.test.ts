import { describe, expect, it } from 'vitest';
import { parseXml, serializeXml, type XmlElement } from '../cib/xml-tree.js';
import { StatusLedger, type StatusMsg, StatusReplica, statusEntries, statusMsgSize } from './status-sync.js';

const NODES = ['n1', 'n2', 'n3'];

function op(rsc: string, call: number, rc: number): string {
  return `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" call-id="${call}" rc-code="${rc}" op-status="0" interval="0"/>`;
}

/** A DC's status section: `count` resources' histories on each node. */
function dcStatus(count: number, call = 1): XmlElement {
  const states = NODES.map((n, i) => {
    const rscs = Array.from({ length: count }, (_, j) => `r${j}`)
      .map((r) => `<lrm_resource id="${r}" type="Dummy" class="ocf" provider="heartbeat">${op(r, call, 7)}</lrm_resource>`)
      .join('');
    return `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="${i + 1}"/><lrm id="${i + 1}"><lrm_resources>${rscs}</lrm_resources></lrm></node_state>`;
  });
  return parseXml(`<status>${states.join('')}</status>`);
}

/** One resource's history on a node replaced (an operation result recorded). */
function record(status: XmlElement, node: number, rsc: string, call: number, rc: number): void {
  if (status.children.length === 0) return;
  const list = status.children[node % status.children.length]!.children.find((c) => c.name === 'lrm')!.children[0]!;
  const at = list.children.findIndex((r) => r.attrs.id === rsc);
  const e = parseXml(`<lrm_resource id="${rsc}" type="Dummy" class="ocf" provider="heartbeat">${op(rsc, call, rc)}</lrm_resource>`);
  if (at < 0) list.children.push(e);
  else list.children[at] = e;
}

const sorted = (m: Map<string, string>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
const attrs = { haveQuorum: '1', dcUuid: 'n1' };

describe('the DC status on a member, as differences', () => {
  it('a result changes one entry: the member gets that entry, not the section, and its copy equals the DC', () => {
    const dc = dcStatus(100);
    const ledger = new StatusLedger('n1/1/1');
    const replica = new StatusReplica();
    const copy: XmlElement = { name: 'status', attrs: {}, children: [] };
    ledger.record(dc);
    const full = ledger.messageFor('n2', attrs) as StatusMsg;
    expect(full.base).toBe(0);
    expect(replica.accept(full, copy)).toBe('applied');
    expect(serializeXml(copy)).toBe(serializeXml(dc));

    record(dc, 2, 'r42', 2, 0);
    expect(ledger.record(dc)).toBe(true);
    // Nothing more before the member acknowledged what it was sent.
    expect(ledger.messageFor('n2', attrs)).toBeUndefined();
    expect(ledger.ack('n2', 'n1/1/0', full.v)).toBe(false);
    expect(ledger.ack('n2', 'n1/1/1', full.v)).toBe(true);
    const diff = ledger.messageFor('n2', attrs) as StatusMsg;
    expect(diff.base).toBe(full.v);
    expect(diff.set.map(([k]) => k)).toEqual(['r/3/r42']);
    expect(statusMsgSize(diff) * 100).toBeLessThan(statusMsgSize(full));
    expect(replica.accept(diff, copy)).toBe('applied');
    expect(serializeXml(copy)).toBe(serializeXml(dc));
    ledger.ack('n2', diff.src, diff.v);
    // A resource's history cleaned up on one node, a node forgotten: removals travel as keys.
    const list = dc.children[0]!.children.find((c) => c.name === 'lrm')!.children[0]!;
    list.children = list.children.filter((r) => r.attrs.id !== 'r7');
    dc.children.splice(1, 1);
    ledger.record(dc);
    const removal = ledger.messageFor('n2', attrs) as StatusMsg;
    expect([removal.set, removal.del.sort()]).toEqual([
      [],
      ['n/2', 'r/1/r7', ...Array.from({ length: 100 }, (_, j) => `r/2/r${j}`)].sort(),
    ]);
    expect(replica.accept(removal, copy)).toBe('applied');
    expect(serializeXml(copy)).toBe(serializeXml(dc));
    ledger.ack('n2', removal.src, removal.v);
    // Nothing new: nothing to send.
    expect(ledger.record(dc)).toBe(false);
    expect(ledger.messageFor('n2', attrs)).toBeUndefined();
    // Quorum lost: the attributes alone go out.
    expect(ledger.messageFor('n2', { ...attrs, haveQuorum: '0' })).toMatchObject({ set: [], del: [], haveQuorum: '0' });
  });

  it('after lost messages the member asks for a full copy, and its copy converges to the DC', () => {
    const dc = dcStatus(40);
    const ledger = new StatusLedger('n1/1/1');
    const replica = new StatusReplica();
    const copy: XmlElement = { name: 'status', attrs: {}, children: [] };
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let resyncs = 0;
    let applied = 0;
    let diffs = 0;
    let call = 2;
    for (let round = 0; round < 300; round++) {
      // The DC records a few results, sometimes forgets a resource or a whole node and sees it again.
      for (let i = rand(4); i >= 0; i--) record(dc, rand(3), `r${rand(45)}`, call++, rand(8));
      if (rand(20) === 0) {
        const list = dc.children[rand(dc.children.length)]!.children.find((c) => c.name === 'lrm')!.children[0]!;
        list.children.splice(rand(list.children.length), 1);
      }
      if (rand(60) === 0 && dc.children.length > 1) dc.children.splice(rand(dc.children.length), 1);
      const gone = dcStatus(3, call++).children.filter((s) => !dc.children.some((c) => c.attrs.id === s.attrs.id));
      if (gone.length > 0 && rand(5) === 0) dc.children.push(gone[0]!);
      ledger.record(dc);
      const msg = ledger.messageFor('n2', attrs);
      if (!msg) continue;
      // A channel given up on a dead peer: one message in seven never arrives, and is never
      // acknowledged (the DC's timeout: a full copy next).
      if (rand(7) === 0) {
        ledger.forget('n2');
        continue;
      }
      // The member restarted (its status is in memory only): the next difference does not fit.
      if (rand(25) === 0) {
        replica.reset();
        copy.children = [];
      }
      const outcome = replica.accept(msg, copy);
      if (outcome === 'resync') {
        resyncs++;
        ledger.forget('n2');
      } else if (outcome === 'applied') {
        applied++;
        if (msg.base > 0) diffs++;
        // An acknowledgement lost with a channel: the DC's timeout again.
        if (rand(10) === 0) ledger.forget('n2');
        else expect(ledger.ack('n2', msg.src, msg.v)).toBe(true);
      }
      expect(outcome).not.toBe('stale');
    }
    expect(resyncs).toBeGreaterThan(3);
    expect(diffs).toBeGreaterThan(applied / 2);
    // The network heals: the next message fits, or the one after it (the full copy asked for).
    for (let i = 0; i < 2; i++) {
      record(dc, 0, 'r1', call++, 0);
      ledger.record(dc);
      const msg = ledger.messageFor('n2', attrs) as StatusMsg;
      const outcome = replica.accept(msg, copy);
      if (outcome === 'resync') ledger.forget('n2');
      else ledger.ack('n2', msg.src, msg.v);
    }
    const last = ledger.messageFor('n2', attrs);
    if (last) expect(replica.accept(last, copy)).toBe('applied');
    expect(sorted(statusEntries(copy))).toEqual(sorted(statusEntries(dc)));
  });

  it('a difference from another DC, or from a version the member does not have, is not applied', () => {
    const dc = dcStatus(5);
    const a = new StatusLedger('n1/1/1');
    const b = new StatusLedger('n3/9/1');
    const replica = new StatusReplica();
    const copy: XmlElement = { name: 'status', attrs: {}, children: [] };
    a.record(dc);
    b.record(dc);
    expect(replica.accept(a.messageFor('n2', attrs) as StatusMsg, copy)).toBe('applied');
    const before = serializeXml(copy);
    b.ack('n2', b.src, (b.messageFor('n2', attrs) as StatusMsg).v);
    record(dc, 0, 'r1', 5, 0);
    b.record(dc);
    // b's difference (base 1 of another stream) does not fit: asked once, then ignored until a full copy.
    const unfit = b.messageFor('n2', attrs) as StatusMsg;
    expect(replica.accept(unfit, copy)).toBe('resync');
    // Until the full copy comes (two more messages at most), what does not fit is ignored.
    for (const call of [6, 7]) {
      b.ack('n2', b.src, unfit.v);
      record(dc, 0, 'r2', call, 0);
      b.record(dc);
      const m = b.messageFor('n2', attrs) as StatusMsg;
      expect(replica.accept(m, copy)).toBe('stale');
      unfit.v = m.v;
    }
    expect(serializeXml(copy)).toBe(before);
    b.forget('n2');
    expect(replica.accept(b.messageFor('n2', attrs) as StatusMsg, copy)).toBe('applied');
    expect(serializeXml(copy)).toBe(serializeXml(dc));
  });
});
