import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseIntervalMs } from './duration.js';
import { effectiveRc, opStatusOf } from './exec-status.js';
import { historyEntry, isFailure } from './history-entry.js';
import { md5Hex } from './md5.js';
import { digestEscape, opDigest } from './op-digest.js';
import { parseOpKey } from './op-key.js';
import { decodeTransitionMagic, encodeTransitionKey, encodeTransitionMagic } from './transition-key.js';

describe('durations', () => {
  it.each([
    ['10', 10_000],
    ['10s', 10_000],
    ['500ms', 500],
    ['2min', 120_000],
    ['1h', 3_600_000],
    [' 30 s ', 30_000],
    ['1.5s', 1500],
    ['PT10S', 10_000],
    ['PT1M30S', 90_000],
    ['P1DT2H', 93_600_000],
    ['pt5s', 5000],
    // Pacemaker takes hours and seconds without the T (Pacemaker's own suite: interval="P30S").
    ['P30S', 30_000],
    ['P1M', 2_592_000_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
  it.each(['', 'P', 'PT', '-5s', '10 parsecs', 'ten'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
  it('an absent interval is 0, an unreadable one undefined', () => {
    expect(parseIntervalMs(undefined)).toBe(0);
    expect(parseIntervalMs('bogus')).toBeUndefined();
  });
});

describe('operation and transition keys', () => {
  it('parses keys whose task or resource holds underscores', () => {
    expect(parseOpKey('web_monitor_10000')).toEqual({ rsc: 'web', task: 'monitor', intervalMs: 10000 });
    expect(parseOpKey('my_db:1_migrate_to_0')).toEqual({ rsc: 'my_db:1', task: 'migrate_to', intervalMs: 0 });
    expect(parseOpKey('rsc_post_notify_0')).toEqual({ rsc: 'rsc', task: 'post_notify', intervalMs: 0 });
    expect(parseOpKey('nokey')).toBeUndefined();
  });
  it('round-trips transition magic', () => {
    const key = encodeTransitionKey({ action: 2, transition: 5, targetRc: 7, uuid: 'ocfkit-node1' });
    expect(decodeTransitionMagic(encodeTransitionMagic(0, 7, key))).toEqual({
      opStatus: 0,
      rc: 7,
      key: { action: 2, transition: 5, targetRc: 7, uuid: 'ocfkit-node1' },
    });
  });
});

describe('md5 and op digests', () => {
  it('md5 matches node:crypto on ASCII, UTF-8 and block boundaries', () => {
    for (const s of ['', 'abc', 'é€😀', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(1000)]) {
      expect(md5Hex(s)).toBe(createHash('md5').update(s).digest('hex'));
    }
  });
  // Values recorded by crm_simulate 2.1.5 (-S -O) for an IPaddr with two parameters, one needing
  // escaping, and a recurring monitor with OCF_CHECK_LEVEL and a 30 s timeout.
  const attrs = { ip: '10.0.0.1', cidr_netmask: '24 <&"', crm_feature_set: '3.16.1', CRM_meta_on_node: 'node1' };
  it('one-shot operations digest the parameters only', () => {
    expect(opDigest({})).toBe('f2317cad3d54cec5d7d7aa7d0bf35cf8');
    expect(opDigest({ ...attrs, CRM_meta_timeout: '40000', CRM_meta_name: 'start' })).toBe('6915b743b3f321291dc1b181efc4df1a');
  });
  it('recurring operations add their timeout', () => {
    expect(opDigest({ ...attrs, OCF_CHECK_LEVEL: '10', CRM_meta_interval: '10000', CRM_meta_timeout: '30000' })).toBe(
      'fc992c403056c491107f9472c67601c3',
    );
  });
});

describe('digest escaping', () => {
  it('writes values as Pacemaker 2.1.5 digests them (checked with crm_resource --digests)', () => {
    // CIB_file=cib.xml crm_resource --digests -r r -N node1 gives 1938af3c677e63d34b4d8b69e41bc8ce for these values:
    // a tab becomes four spaces, a newline `\\n`, `'` an entity, and escaping stops at the first non-ASCII character.
    const params = { a: 'x\ty\nz&<>"\'', b: 'caf\u00e9 <after>', c: 'back\\slash' };
    expect(opDigest(params)).toBe('1938af3c677e63d34b4d8b69e41bc8ce');
    expect(digestEscape('x\ty\nz&<>"\'')).toBe('x    y\\nz&amp;&lt;&gt;&quot;&apos;');
    expect(digestEscape('caf\u00e9 <after>')).toBe('caf\u00e9 <after>');
    expect(digestEscape('a\u0001b\u007f')).toBe('a\\001b\\177');
  });
});

describe('history entries', () => {
  const base = {
    rsc: 'ip',
    task: 'start',
    intervalMs: 0,
    node: 'node1',
    transitionKey: '2:3:0:ocfkit',
    targetRc: 0,
    attributes: { ip: '10.0.0.1' },
    callId: 12,
    rc: 0,
    opStatus: 0,
    startedAtMs: 1_800_000_000_000,
    execMs: 40,
    queueMs: 2,
  };
  it('a success is one <rsc>_last_0 entry with Pacemaker attributes', () => {
    const { main, failure } = historyEntry(base);
    expect(failure).toBeUndefined();
    expect(main.attrs).toMatchInlineSnapshot(`
      {
        "call-id": "12",
        "crm-debug-origin": "do_update_resource",
        "crm_feature_set": "3.16.1",
        "exec-time": "40",
        "exit-reason": "",
        "id": "ip_last_0",
        "interval": "0",
        "last-rc-change": "1800000000",
        "on_node": "node1",
        "op-digest": "${opDigest({ ip: '10.0.0.1' })}",
        "op-status": "0",
        "operation": "start",
        "operation_key": "ip_start_0",
        "queue-time": "2",
        "rc-code": "0",
        "transition-key": "2:3:0:ocfkit",
        "transition-magic": "0:0;2:3:0:ocfkit",
      }
    `);
  });
  it('a failed recurring monitor updates its entry and adds last_failure; last-rc-change keeps on repeats', () => {
    const mon = { ...base, task: 'monitor', intervalMs: 10000, rc: 7, exitReason: 'gone' };
    const first = historyEntry(mon);
    expect(first.main.id).toBe('ip_monitor_10000');
    expect(first.failure?.id).toBe('ip_last_failure_0');
    expect(first.failure?.attrs['exit-reason']).toBe('gone');
    const again = historyEntry({ ...mon, startedAtMs: base.startedAtMs + 60_000, previous: first.main });
    expect(again.main.attrs['last-rc-change']).toBe('1800000000');
  });
  it('failure is judged against the target rc, degraded counts as running, cancellation never fails', () => {
    expect(isFailure(7, 0, 7)).toBe(false);
    expect(isFailure(0, 0, 7)).toBe(true);
    expect(isFailure(190, 0, 0)).toBe(false);
    expect(effectiveRc(191)).toBe(8);
    expect(isFailure(0, opStatusOf('cancelled'), 0)).toBe(false);
    expect(isFailure(0, opStatusOf('timeout'), 0)).toBe(true);
    expect(opStatusOf('not-installed')).toBe(7);
  });
});
