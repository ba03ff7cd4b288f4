/**
 * The executor's injectable clock: with a virtual clock, a real agent's timestamps, its timeout,
 * a start delay and a recurring interval all follow that clock, not the wall clock — a test (or a
 * simulator) moves time and the executor acts at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorClock } from '../../src/lrmd/clock';
import { Executor } from '../../src/lrmd/executor';
import type { OpResult } from '../../src/lrmd/types';
import { FIXTURE_RA_DIR, type ScriptedDir, scriptedDir } from './helpers';

/** A clock that moves only when told; due timers fire in time order. */
class VirtualClock implements ExecutorClock {
  private t = 1_700_000_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, x]) => x.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = until;
  }
}

const dirs: ScriptedDir[] = [];
const executors: Executor[] = [];
afterEach(async () => {
  for (const e of executors.splice(0)) await e.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

function setup() {
  const clock = new VirtualClock();
  const s = scriptedDir();
  dirs.push(s);
  const ex = new Executor({ searchPath: [FIXTURE_RA_DIR], clock, nodeName: 'node1' });
  executors.push(ex);
  ex.register({ id: 'r', provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
  const results: OpResult[] = [];
  ex.on('result', (r: OpResult) => results.push(r));
  return { clock, s, ex, results };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the executor on a virtual clock', () => {
  it('stamps results with the clock: a start that takes real time takes no virtual time', async () => {
    const { clock, s, ex } = setup();
    s.set('start', 'sleep', '0.2');
    const r = await ex.run({ rsc: 'r', action: 'start', timeoutMs: 20_000 });
    expect([r.rc, r.execStatus, r.startedAt, r.finishedAt, r.durationMs, r.queueMs]).toEqual([0, 'done', clock.now(), clock.now(), 0, 0]);
  });

  it('times an op out when the clock says so, not before', async () => {
    const { clock, s, ex } = setup();
    s.set('start', 'sleep', '30');
    const started = Date.now();
    const done = ex.run({ rsc: 'r', action: 'start', timeoutMs: 60_000 });
    await expect.poll(() => s.log().length, { timeout: 10_000 }).toBe(1);
    await sleep(300);
    clock.advance(59_999);
    expect(await Promise.race([done.then(() => 'finished'), sleep(300).then(() => 'running')])).toBe('running');
    clock.advance(1);
    const r = await done;
    expect([r.rc, r.execStatus, r.durationMs]).toEqual([1, 'timeout', 60_000]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('runs a recurring monitor again only when its interval has passed on the clock', async () => {
    const { clock, ex, s } = setup();
    ex.startRecurring({ rsc: 'r', action: 'monitor', intervalMs: 10_000, timeoutMs: 20_000 });
    const runs = () => s.log().filter((l) => l.phase === 'end' && l.action === 'monitor').length;
    await expect.poll(runs, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => clock.pending(), { timeout: 10_000 }).toBe(1);
    await sleep(500);
    expect(runs()).toBe(1);
    clock.advance(10_000);
    await expect.poll(runs, { timeout: 10_000 }).toBe(2);
  });

  it('holds a start delay until the clock reaches it', async () => {
    const { clock, ex, s } = setup();
    const done = ex.run({ rsc: 'r', action: 'start', timeoutMs: 20_000, startDelayMs: 5_000 });
    await sleep(300);
    expect(s.log()).toEqual([]);
    clock.advance(5_000);
    const r = await done;
    expect([r.rc, r.startedAt]).toEqual([0, 1_700_000_005_000]);
  });
});
