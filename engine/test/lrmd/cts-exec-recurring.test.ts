/**
 * The executor against Pacemaker's cts-exec cases about recurring ops: monitor cancel, duplicate
 * recurring, stop cancels recurring, failure reported once then on change, in-flight collision,
 * start-delay and its cancel. Real processes (the `scripted` fixture agent), no mocks.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import type { OpResult } from '../../src/lrmd/types';
import { alive, collect, FIXTURE_RA_DIR, groupMembers, overlapping, type ScriptedDir, scriptedDir, waitFor } from './helpers';

let ex: Executor;
let s: ScriptedDir;

function setup(): { results: OpResult[]; completed: OpResult[] } {
  ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
  s = scriptedDir();
  ex.register({ id: 'r1', provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
  const completed: OpResult[] = [];
  ex.on('completed', (r) => completed.push(r));
  return { results: collect(ex), completed };
}

afterEach(async () => {
  await ex.close();
  s.cleanup();
});

const runsOf = (action: string) => s.log().filter((l) => l.phase === 'begin' && l.action === action).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cts-exec: recurring ops', () => {
  test('monitor_cancel: a cancelled recurring monitor is reported cancelled and never runs again', async () => {
    const { results } = setup();
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 100 });
    await waitFor(() => runsOf('monitor') >= 3, 20_000, 'three monitor runs');
    await ex.cancel('r1', 'monitor', 100);
    const after = runsOf('monitor');
    await sleep(500);
    expect(runsOf('monitor')).toBe(after);
    expect(results.map((r) => [r.action, r.intervalMs, r.rc, r.execStatus])).toEqual([
      ['monitor', 100, 0, 'done'],
      ['monitor', 100, 0, 'cancelled'],
    ]);
  });

  test('duplicate_recurring: a second identical request is merged and kicks a waiting op', async () => {
    const { results, completed } = setup();
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 60_000 });
    await waitFor(() => completed.length === 1, 20_000, 'first monitor');
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 60_000 });
    await waitFor(() => completed.length === 2, 20_000, 'the kicked monitor');
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 60_000 });
    await waitFor(() => completed.length === 3, 20_000, 'the second kick');
    await ex.cancel('r1', 'monitor', 60_000);
    await sleep(300);
    expect(runsOf('monitor')).toBe(3);
    expect(overlapping(s.log())).toEqual([]);
    // one op: one first result, nothing on the unchanged reruns, one cancellation
    expect(results.map((r) => r.execStatus)).toEqual(['done', 'cancelled']);
  });

  test('stop_cancels_recurring: an in-flight monitor is killed and reported cancelled before the stop runs', async () => {
    const { results } = setup();
    s.set('monitor', 'sleep', 300);
    s.set('monitor', 'children', 2);
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 1000 });
    await waitFor(() => s.children().length === 2, 20_000, 'monitor in flight');
    const monitorPid = (s.log()[0] as { pid: number }).pid;
    const stop = await ex.run({ rsc: 'r1', action: 'stop' });
    expect(stop).toMatchObject({ action: 'stop', rc: 0, execStatus: 'done' });
    expect(results.map((r) => `${r.action}:${r.execStatus}`)).toEqual(['monitor:cancelled', 'stop:done']);
    const cancelled = results[0] as OpResult;
    expect(cancelled.signal).toBe('SIGKILL');
    expect(cancelled.finishedAt).toBeLessThanOrEqual(stop.startedAt);
    expect(groupMembers(monitorPid)).toEqual([]);
    for (const pid of s.children()) expect(alive(pid)).toBe(false);
    await sleep(1500);
    expect(runsOf('monitor')).toBe(1);
  });

  test('monitor failure is reported once, then only on change', async () => {
    const { results, completed } = setup();
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 50 });
    await waitFor(() => completed.length >= 3, 20_000, 'three monitors');
    s.set('monitor', 'rc', 7);
    s.set('monitor', 'reason', 'gone');
    await waitFor(() => completed.filter((r) => r.rc === 7).length >= 4, 20_000, 'four failed monitors');
    s.set('monitor', 'rc', 0);
    s.unset('monitor', 'reason');
    await waitFor(() => completed.length >= 2 && (completed.at(-1) as OpResult).rc === 0, 20_000, 'recovery');
    await waitFor(() => completed.filter((r) => r.rc === 0).length >= 6, 20_000, 'more good monitors');
    await ex.cancel('r1', 'monitor', 50);
    expect(results.map((r) => [r.rc, r.execStatus, r.exitReason])).toEqual([
      [0, 'done', undefined],
      [7, 'done', 'gone'],
      [0, 'done', undefined],
      [0, 'cancelled', undefined],
    ]);
    expect(ex.history('r1').map((r) => r.rc)).toEqual([0, 7, 0, 0]);
  });

  test('in-flight collision: a recurring monitor never overlaps a start or stop of the same resource', async () => {
    const { completed } = setup();
    s.set('monitor', 'sleep', 0.2);
    s.set('start', 'sleep', 0.2);
    s.set('stop', 'sleep', 0.2);
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 30 });
    await waitFor(() => completed.length >= 1, 20_000, 'first monitor');
    const ops: Promise<OpResult>[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(120);
      ops.push(ex.run({ rsc: 'r1', action: 'start' }));
      ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 30 });
    }
    await Promise.all(ops);
    await sleep(400);
    ops.push(ex.run({ rsc: 'r1', action: 'stop' }));
    await Promise.all(ops);
    expect(completed.filter((r) => r.action === 'start')).toHaveLength(3);
    expect(runsOf('monitor')).toBeGreaterThanOrEqual(3);
    expect(overlapping(s.log())).toEqual([]);
    const byStart = [...completed].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < byStart.length; i++)
      expect((byStart[i] as OpResult).startedAt).toBeGreaterThanOrEqual((byStart[i - 1] as OpResult).finishedAt);
  });

  test('start_delay: the first run of a recurring op waits for its start delay', async () => {
    const { results } = setup();
    const asked = Date.now();
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 60_000, startDelayMs: 800 });
    await waitFor(() => results.length === 1, 20_000, 'first monitor');
    const first = s.log()[0] as { ns: bigint };
    expect(Number(first.ns / 1_000_000n) - asked).toBeGreaterThanOrEqual(790);
    expect((results[0] as OpResult).env?.OCF_RESKEY_CRM_meta_start_delay).toBe('800');
  });

  test('start_delay_cancel: a recurring op cancelled during its start delay never runs', async () => {
    const { results } = setup();
    ex.startRecurring({ rsc: 'r1', action: 'monitor', intervalMs: 1000, startDelayMs: 2000 });
    await sleep(300);
    await ex.cancel('r1', 'monitor', 1000);
    await sleep(2500);
    expect(runsOf('monitor')).toBe(0);
    expect(results.map((r) => [r.action, r.rc, r.execStatus])).toEqual([['monitor', 0, 'cancelled']]);
    // the resource is usable afterwards
    expect(await ex.run({ rsc: 'r1', action: 'start' })).toMatchObject({ rc: 0, execStatus: 'done' });
  });
});
