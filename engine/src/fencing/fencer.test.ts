import { describe, expect, it } from 'vitest';
import type { DeviceRegistration } from './cib-devices';
import { fenceDevice } from './device';
import { Fencer, type FencerConfig, type FencerEffect } from './fencer';
import type { FencingLevel } from './topology';

const reg = (id: string, nodes: string[], params: Record<string, string> = {}): DeviceRegistration => ({
  device: fenceDevice(id, 'fence_dummy', params),
  nodes,
});

const config = (over: Partial<FencerConfig> = {}): FencerConfig => ({
  self: 'node1',
  members: ['node1', 'node2', 'node3'],
  devices: [],
  levels: [],
  stonithTimeoutMs: 60_000,
  ...over,
});

/** The effects as short lines, so each story reads top to bottom. */
function show(effects: FencerEffect[]): string[] {
  return effects.map((e) => {
    switch (e.type) {
      case 'exec':
        return `exec #${e.attempt} ${e.device} on ${e.node}: ${e.action} ${e.target}`;
      case 'timer':
        return `timer #${e.attempt} ${e.ms}ms`;
      case 'history':
        return `history ${e.entry.state}`;
      default:
        return `finished ${e.entry.state} [${e.requests.join(',')}] devices=${e.entry.devices.join(',')}${e.entry.reason ? ` reason=${e.entry.reason}` : ''}`;
    }
  });
}

function opOf(effects: FencerEffect[]): string {
  const e = effects.find((x) => x.type === 'exec');
  if (e?.type !== 'exec') throw new Error('no exec');
  return e.op;
}

const levels: FencingLevel[] = [
  { id: 'l1', index: 1, target: 'node3', devices: ['ipmi'] },
  { id: 'l2', index: 2, target: 'node3', devices: ['pdu-a', 'pdu-b'] },
];

describe('Fencer', () => {
  it('level 1 fails → level 2, whose devices must all succeed; the target never runs its own device', () => {
    const f = new Fencer(config({ levels, devices: [reg('ipmi', ['node2', 'node3']), reg('pdu-a', ['node1']), reg('pdu-b', ['node2'])] }));
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 });
    expect(show(a)).toEqual(['history pending', 'exec #1 ipmi on node2: reboot node3', 'timer #1 74000ms']);
    const op = opOf(a);
    const b = f.step({ type: 'result', op, attempt: 1, from: 'node2', ok: false, eligible: true, reason: 'ipmi: rc 1', now: 5 });
    expect(show(b)).toEqual(['exec #2 pdu-a on node1: reboot node3', 'timer #2 74000ms']);
    const c = f.step({ type: 'result', op, attempt: 2, from: 'node1', ok: true, eligible: true, now: 6 });
    expect(show(c)).toEqual(['exec #3 pdu-b on node2: reboot node3', 'timer #3 74000ms']);
    const d = f.step({ type: 'result', op, attempt: 3, from: 'node2', ok: true, eligible: true, now: 7 });
    expect(show(d)).toEqual(['finished success [r1] devices=pdu-a,pdu-b']);
    expect(f.entries()).toMatchObject([{ target: 'node3', state: 'success', delegate: 'node2', completedAt: 7, origin: 'node1' }]);
  });

  it('the target runs its own device only when no other member has it', () => {
    const f = new Fencer(config({ devices: [reg('self-only', ['node3'])] }));
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'off', origin: 'node1', now: 0 });
    expect(show(a)).toContain('exec #1 self-only on node3: off node3');
  });

  it('a node that cannot use the device passes it on; a lost answer times out and fails, never succeeds', () => {
    const f = new Fencer(config({ devices: [reg('shared', ['node1', 'node2'])] }));
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 });
    const op = opOf(a);
    const b = f.step({
      type: 'result',
      op,
      attempt: 1,
      from: 'node1',
      ok: false,
      eligible: false,
      reason: 'shared cannot fence node3',
      now: 1,
    });
    expect(show(b)).toEqual(['exec #2 shared on node2: reboot node3', 'timer #2 74000ms']);
    // A stale answer for attempt 1 changes nothing.
    expect(f.step({ type: 'result', op, attempt: 1, from: 'node1', ok: true, eligible: true, now: 2 })).toEqual([]);
    const c = f.step({ type: 'timeout', op, attempt: 2, now: 74_002 });
    expect(show(c)).toEqual([
      'finished failed [r1] devices=shared reason=shared cannot fence node3 (on node1); shared on node2: no result within the fencing timeout (on node2)',
    ]);
    // The result that arrives after the timeout is ignored: the operation stays failed.
    expect(f.step({ type: 'result', op, attempt: 2, from: 'node2', ok: true, eligible: true, now: 80_000 })).toEqual([]);
    expect(f.entries().map((e) => e.state)).toEqual(['failed']);
  });

  it('a second request for the same target joins the running operation', () => {
    const f = new Fencer(config({ devices: [reg('d', ['node1'])] }));
    const op = opOf(f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 }));
    expect(f.step({ type: 'request', id: 'r2', target: 'NODE3', action: 'reboot', origin: 'node2', now: 1 })).toEqual([]);
    expect(show(f.step({ type: 'result', op, attempt: 1, from: 'node1', ok: true, eligible: true, now: 2 }))).toEqual([
      'finished success [r1,r2] devices=d',
    ]);
  });

  it('without topology each capable device is tried in turn; static lists leave out devices that cannot reach the target', () => {
    const f = new Fencer(
      config({
        devices: [
          reg('other', ['node1'], { pcmk_host_list: 'node2' }),
          reg('first', ['node1']),
          reg('second', ['node2'], { pcmk_host_map: 'node3:vm3' }),
        ],
      }),
    );
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'off', origin: 'node1', now: 0 });
    expect(show(a)[1]).toBe('exec #1 first on node1: off node3');
    const b = f.step({ type: 'result', op: opOf(a), attempt: 1, from: 'node1', ok: false, eligible: true, reason: 'first: rc 1', now: 1 });
    expect(show(b)[0]).toBe('exec #2 second on node2: off node3');
  });

  it('a running node that leaves the membership hands the device to the next node', () => {
    const f = new Fencer(config({ devices: [reg('d', ['node1', 'node2'])], self: 'node2' }));
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node2', now: 0 });
    expect(show(a)[1]).toBe('exec #1 d on node2: reboot node3');
    const f2 = new Fencer(config({ devices: [reg('d', ['node1', 'node2'])] }));
    const op = opOf(f2.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 }));
    expect(op).toBeTruthy();
    const b = f2.step({ type: 'config', config: config({ devices: [reg('d', ['node1', 'node2'])], members: ['node2', 'node3'] }), now: 1 });
    expect(show(b)).toEqual(['exec #2 d on node2: reboot node3', 'timer #2 74000ms']);
  });

  it('no device at all fails at once with a reason', () => {
    const f = new Fencer(config());
    expect(show(f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 }))).toEqual([
      'history pending',
      'finished failed [r1] devices= reason=no fence device can fence node3',
    ]);
  });

  it('a topology device registered nowhere fails its level', () => {
    const f = new Fencer(config({ levels, devices: [reg('pdu-a', ['node1']), reg('pdu-b', ['node1'])] }));
    const a = f.step({ type: 'request', id: 'r1', target: 'node3', action: 'reboot', origin: 'node1', now: 0 });
    expect(show(a)).toEqual(['history pending', 'exec #1 pdu-a on node1: reboot node3', 'timer #1 74000ms']);
  });
});
