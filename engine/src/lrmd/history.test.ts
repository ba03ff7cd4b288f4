import { expect, test } from 'vitest';
import { summarizeHistory } from './history';
import type { OpResult } from './types';

let call = 0;
function op(action: string, rc: number, intervalMs = 0, execStatus: OpResult['execStatus'] = 'done'): OpResult {
  call++;
  return {
    rsc: 'db',
    action,
    intervalMs,
    callId: call,
    rc,
    execStatus,
    durationMs: 1,
    queueMs: 0,
    stdout: '',
    stderr: '',
    truncated: false,
    startedAt: call * 10,
    finishedAt: call * 10 + 1,
  };
}

test('last op, last failure and live recurring ops, as the CIB status section needs them', () => {
  const h = [
    op('monitor', 7),
    op('start', 0),
    op('monitor', 0, 10_000),
    op('monitor', 1, 10_000),
    op('monitor', 0, 5000),
    op('monitor', 0, 5000, 'cancelled'),
    op('start', 0),
  ];
  const s = summarizeHistory(h);
  expect(s.last?.callId).toBe(7);
  expect(s.lastRcChange).toBe(21); // the first start:0 in a row
  expect(s.lastFailure?.callId).toBe(4);
  expect(Object.keys(s.recurring)).toEqual(['db_monitor_10000']);
  expect(s.recurring.db_monitor_10000?.rc).toBe(1);
  expect(summarizeHistory(h, (r) => r.rc === 7).lastFailure?.callId).toBe(1);
  expect(summarizeHistory([op('start', 1, 0, 'timeout')]).lastFailure?.execStatus).toBe('timeout');
});
