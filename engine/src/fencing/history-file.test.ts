import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './fencer';
import { fencingStatusText, formatHistory } from './history-file';

const e = (over: Partial<HistoryEntry>): HistoryEntry => ({
  id: 'x',
  target: 'node2',
  action: 'reboot',
  origin: 'node1',
  devices: ['fd'],
  state: 'success',
  requestedAt: 0,
  completedAt: 1_800_000_000_000,
  delegate: 'node1',
  ...over,
});

describe('fencing history output', () => {
  it('status shows the latest failure per target (a later success hides an earlier failure), all with -m', () => {
    const entries = [
      e({ id: 'a', state: 'failed', reason: 'rc 1' }),
      e({ id: 'b', target: 'node3', state: 'failed', delegate: 'node2', reason: 'timeout' }),
      e({ id: 'c' }),
    ];
    expect(fencingStatusText(entries, false)).toBe(
      "\nFailed Fencing Actions:\n  * reboot of node3 failed: delegate=node2, origin=node1, last-failed='2027-01-15T08:00:00.000Z'\n",
    );
    expect(fencingStatusText([e({ id: 'c' })], false)).toBe('');
    expect(fencingStatusText([e({ id: 'c' })], true)).toBe(
      "\nFencing History:\n  * reboot of node2 successful: delegate=node1, origin=node1, completed='2027-01-15T08:00:00.000Z'\n",
    );
  });

  it('ocfkit fence history prints newest first with the reason of failures', () => {
    expect(formatHistory([e({ id: 'a', state: 'failed', reason: 'fd: rc 1' }), e({ id: 'b', action: 'off' })])).toEqual([
      'off of node2 successful: delegate=node1, devices=fd, origin=node1, completed=2027-01-15T08:00:00.000Z',
      'reboot of node2 failed: delegate=node1, devices=fd, origin=node1, completed=2027-01-15T08:00:00.000Z\n  reason: fd: rc 1',
    ]);
  });
});
