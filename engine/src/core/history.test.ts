import { describe, expect, it } from 'vitest';
import type { LrmOp, Op, Primitive } from './cib-model.js';
import { failurePolicy, type HistoryContext, unpackHistory } from './history.js';

const op = (name: string, interval: string, attrs: Record<string, string> = {}): Op => ({
  id: `p-${name}-${interval}`,
  name,
  interval,
  attrs,
  meta: [],
});

const prim = (ops: Op[]): Primitive => ({
  kind: 'primitive',
  id: 'p',
  class: 'ocf',
  provider: 'heartbeat',
  type: 'Dummy',
  params: [],
  meta: [],
  ops,
});

const noFencing = { stonithEnabled: false, opDefaults: [] };
const fencing = { stonithEnabled: true, opDefaults: [] };

describe('failurePolicy (on-fail)', () => {
  it('defaults to restart, and for a failed stop to fence (fencing) or block (no fencing)', () => {
    expect(failurePolicy(prim([]), 'monitor', 10000, noFencing)).toEqual({ onFail: 'restart', failRole: 'Started' });
    expect(failurePolicy(prim([]), 'stop', 0, fencing).onFail).toBe('fence');
    expect(failurePolicy(prim([]), 'stop', 0, noFencing).onFail).toBe('block');
  });

  it('takes the op attribute over its meta attributes over op_defaults', () => {
    const p = prim([
      { ...op('monitor', '10s', { 'on-fail': 'block' }), meta: [{ id: 'm', pairs: [{ id: 'x', name: 'on-fail', value: 'stop' }] }] },
    ]);
    const defaults = { stonithEnabled: false, opDefaults: [{ id: 'd', pairs: [{ id: 'y', name: 'on-fail', value: 'ignore' }] }] };
    expect(failurePolicy(p, 'monitor', 10000, defaults).onFail).toBe('block');
    expect(failurePolicy(prim([]), 'monitor', 10000, defaults).onFail).toBe('ignore');
  });

  it('matches the configured op by name and interval, the first one even when disabled', () => {
    // As Pacemaker reads a failed action's settings (custom_action includes disabled ops):
    // crm_simulate stops the resource here (on-fail=stop), it does not put the node in standby.
    const p = prim([op('monitor', '10s', { 'on-fail': 'stop', enabled: 'false' }), op('monitor', '10s', { 'on-fail': 'standby' })]);
    expect(failurePolicy(p, 'monitor', 10000, noFencing).onFail).toBe('stop');
    expect(failurePolicy(p, 'monitor', 20000, noFencing).onFail).toBe('restart');
  });

  it('turns fence into stop without fencing, and stop means stopped for good', () => {
    const p = prim([op('monitor', '10s', { 'on-fail': 'fence' })]);
    expect(failurePolicy(p, 'monitor', 10000, noFencing)).toEqual({ onFail: 'stop', failRole: 'Stopped' });
    expect(failurePolicy(p, 'monitor', 10000, fencing)).toEqual({ onFail: 'fence', failRole: 'Started' });
  });

  it('rejects values not allowed for the operation', () => {
    const p = prim([op('stop', '0', { 'on-fail': 'standby' }), op('monitor', '10s', { 'on-fail': 'demote' })]);
    expect(failurePolicy(p, 'stop', 0, noFencing).onFail).toBe('block');
    // demote is only for promote and promoted-role recurring monitors
    expect(failurePolicy(p, 'monitor', 10000, noFencing).onFail).toBe('restart');
    const promoted = prim([op('monitor', '10s', { 'on-fail': 'demote', role: 'Promoted' })]);
    expect(failurePolicy(promoted, 'monitor', 10000, noFencing).onFail).toBe('demote');
  });

  it('gives a demote without on-fail the promoted monitor’s, and a failed promote an unpromoted fail role', () => {
    const p = prim([op('monitor', '10s', { 'on-fail': 'block', role: 'Promoted' })]);
    expect(failurePolicy(p, 'demote', 0, noFencing).onFail).toBe('block');
    expect(failurePolicy(p, 'promote', 0, noFencing)).toEqual({ onFail: 'restart', failRole: 'Unpromoted' });
  });
});

function lrm(id: string, operation: string, intervalMs: number, callId: number, rc: number, expected: number, lastRcChange = 1000): LrmOp {
  return {
    id,
    operation,
    callId,
    rc,
    opStatus: 0,
    intervalMs,
    attrs: {
      operation_key: `p_${operation}_${intervalMs}`,
      'transition-key': `${callId}:1:${expected}:x`,
      'last-rc-change': String(lastRcChange),
    },
  };
}

const ctx = (over: Partial<HistoryContext> = {}): HistoryContext => ({
  prim: prim([op('monitor', '10s')]),
  stonithEnabled: false,
  canFence: false,
  opDefaults: [],
  now: 2000,
  failureTimeoutS: 0,
  managed: true,
  promotable: false,
  failCount: () => 0,
  nextRole: 'Unknown',
  ...over,
});
const online = { online: true, unclean: false };

describe('unpackHistory', () => {
  it('reads a started resource whose recurring monitor failed as active and to be recovered', () => {
    const r = unpackHistory([lrm('p_last_0', 'start', 0, 1, 0, 0), lrm('p_monitor_10000', 'monitor', 10000, 2, 1, 0)], online, ctx());
    expect(r).toMatchObject({ role: 'Started', onFail: 'restart', bans: [] });
  });

  it('clears a restart failure with a later successful start', () => {
    const r = unpackHistory([lrm('p_last_failure_0', 'monitor', 10000, 2, 1, 0), lrm('p_last_0', 'start', 0, 3, 0, 0)], online, ctx());
    expect(r.onFail).toBe('ignore');
  });

  it('reads entries in the order GLib sorts the reversed list: a promoted monitor before the last start, among notify entries, leaves it unpromoted', () => {
    // bug-cl-5168's history of drbd-r1 on hex-3, in document order: crm_simulate shows it Unpromoted
    // (a plain sort by call id, notify entries aside, would too; comparing those with call id -1
    // by transition is not transitive, and a different sort read the rc-8 monitor last).
    const entry = (id: string, operation: string, intervalMs: number, callId: number, rc: number, transition: number): LrmOp => ({
      ...lrm(id, operation, intervalMs, callId, rc, rc === 8 ? 8 : 0),
      attrs: {
        operation_key: `p_${operation}_${intervalMs}`,
        'transition-key': `1:${transition}:${rc === 8 ? 8 : 0}:u`,
        'transition-magic': `0:${rc};1:${transition}:${rc === 8 ? 8 : 0}:u`,
      },
    });
    const ops = [
      entry('p_last_0', 'start', 0, 13688, 0, 3178),
      entry('p_post_notify_start_0', 'notify', 0, -1, 0, 3178),
      entry('p_pre_notify_promote_0', 'notify', 0, -1, 0, 3126),
      entry('p_post_notify_promote_0', 'notify', 0, -1, 0, 3126),
      entry('p_monitor_29000', 'monitor', 29000, 149, 0, 1),
      entry('p_pre_notify_demote_0', 'notify', 0, -1, 0, 3132),
      entry('p_post_notify_demote_0', 'notify', 0, -1, 0, 3132),
      entry('p_pre_notify_stop_0', 'notify', 0, -1, 0, 3177),
      entry('p_monitor_31000', 'monitor', 31000, 13427, 8, 3127),
    ];
    expect(unpackHistory(ops, online, ctx({ promotable: true })).role).toBe('Started');
  });

  it('bans the node on a hard error and every node on a fatal one', () => {
    expect(unpackHistory([lrm('p_last_0', 'start', 0, 1, 5, 0)], online, ctx()).bans).toEqual([{ target: 'top', everywhere: false }]);
    expect(unpackHistory([lrm('p_last_0', 'start', 0, 1, 6, 0)], online, ctx()).bans).toEqual([{ target: 'top', everywhere: true }]);
  });

  it('treats a probe that found the agent missing as not running, with a ban', () => {
    const r = unpackHistory([lrm('p_last_0', 'monitor', 0, 1, 5, 7)], online, ctx());
    expect(r.role).toBe('Stopped');
    expect(r.bans).toEqual([{ target: 'top', everywhere: false }]);
  });

  it('blocks a failed stop that cannot be fenced, and does not when it can', () => {
    const ops = [lrm('p_last_0', 'stop', 0, 1, 1, 0)];
    expect(unpackHistory(ops, online, ctx())).toMatchObject({ role: 'Started', onFail: 'block' });
    expect(unpackHistory(ops, online, ctx({ stonithEnabled: true, canFence: true }))).toMatchObject({ onFail: 'fence', managed: true });
    const hard = [lrm('p_last_0', 'stop', 0, 1, 5, 0)];
    expect(unpackHistory(hard, online, ctx()).managed).toBe(false);
  });

  it('pretends an ignored failure succeeded', () => {
    const p = prim([op('monitor', '10s', { 'on-fail': 'ignore' })]);
    const r = unpackHistory(
      [lrm('p_last_0', 'start', 0, 1, 0, 0), lrm('p_monitor_10000', 'monitor', 10000, 2, 7, 0)],
      online,
      ctx({ prim: p }),
    );
    expect(r).toMatchObject({ role: 'Started', onFail: 'ignore', failureIgnored: true });
  });

  it('forgets a one-shot failure older than failure-timeout once no fail count holds it', () => {
    const ops = [lrm('p_last_0', 'start', 0, 1, 1, 0, 1000)];
    expect(unpackHistory(ops, online, ctx({ failureTimeoutS: 60 })).role).toBe('Unknown');
    expect(unpackHistory(ops, online, ctx({ failureTimeoutS: 60, failCount: () => 1 })).role).toBe('Started');
    expect(unpackHistory(ops, online, ctx({ failureTimeoutS: 5000 })).role).toBe('Started');
  });

  it('leaves a failed promote promoted now but unpromoted next', () => {
    const r = unpackHistory([lrm('p_last_0', 'promote', 0, 1, 1, 0)], online, ctx({ promotable: true }));
    expect(r).toMatchObject({ role: 'Promoted', onFail: 'restart', nextRole: 'Unpromoted' });
  });
});
