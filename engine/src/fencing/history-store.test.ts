import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTempDir } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './fencer';
import { saveHistory } from './history-file';
import { FenceHistoryStore, HISTORY_KEEP, mergeHistoryEntries } from './history-store';

const e = (over: Partial<HistoryEntry>): HistoryEntry => ({
  id: 'op-1',
  target: 'node2',
  action: 'reboot',
  origin: 'node1',
  devices: ['fd'],
  state: 'success',
  requestedAt: 1_800_000_000_000,
  completedAt: 1_800_000_001_000,
  delegate: 'node3',
  ...over,
});

describe('the node daemon fencing history', () => {
  const dir = openTempDir('ocfkit-fence-history-');

  it('survives a restart: a new store on the same file has every operation, the file is 0600', () => {
    const file = join(dir, 'state', 'fencing-history.json');
    const before = new FenceHistoryStore(file);
    const pending = e({ state: 'pending', completedAt: undefined, delegate: undefined });
    expect(before.merge([pending])).toEqual([pending]);
    expect(before.merge([e({})])).toEqual([e({})]);
    expect(before.merge([e({})])).toEqual([]); // nothing new: not passed on again
    const after = new FenceHistoryStore(file);
    expect(after.entries()).toEqual([e({})]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('merges by origin and id: finished beats pending, the later completion wins, other origins stay apart', () => {
    const done = e({});
    const { merged, changed } = mergeHistoryEntries(
      [done],
      [e({ state: 'pending', completedAt: undefined }), e({ origin: 'node3' }), e({ id: 'op-2', requestedAt: 1 })],
    );
    expect(changed.map((x) => `${x.origin}/${x.id}`)).toEqual(['node3/op-1', 'node1/op-2']);
    expect(merged.map((x) => `${x.origin}/${x.id}/${x.state}`)).toEqual(['node1/op-2/success', 'node1/op-1/success', 'node3/op-1/success']);
    const many = Array.from({ length: HISTORY_KEEP + 5 }, (_, i) => e({ id: `op-${i}`, requestedAt: i }));
    expect(mergeHistoryEntries([], many).merged.map((x) => x.id)[0]).toBe('op-5');
  });

  it('keeps what another writer (ocfkit fence on the same host) saved meanwhile', () => {
    const file = join(dir, 'shared.json');
    const daemon = new FenceHistoryStore(file);
    saveHistory(file, [e({ id: 'cli-1', origin: 'host' })]);
    daemon.merge([e({ id: 'dc-1' })]);
    expect(new FenceHistoryStore(file).entries().map((x) => x.id)).toEqual(['cli-1', 'dc-1']);
  });

  it('an unreadable file: starts empty and says so, then writes a good one', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ not json');
    const said: string[] = [];
    const h = new FenceHistoryStore(file, (l) => said.push(l));
    expect(h.entries()).toEqual([]);
    expect(said[0]).toMatch(/^fencing history .*broken\.json unreadable, starting empty: /);
    h.merge([e({})]);
    expect(new FenceHistoryStore(file).entries()).toEqual([e({})]);
  });
});
