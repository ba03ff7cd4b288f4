/** Executor features a long-running daemon needs: tags, unregister, resource classes, bounded history. */
import { afterEach, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import type { OpResult } from '../../src/lrmd/types';
import { FIXTURE_RA_DIR, type ScriptedDir, scriptedDir } from './helpers';

let s: ScriptedDir | undefined;
let ex: Executor | undefined;
afterEach(async () => {
  await ex?.close();
  s?.cleanup();
});

function setup(): { ex: Executor; s: ScriptedDir } {
  s = scriptedDir();
  ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
  ex.register({ id: 'r', provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
  return { ex, s };
}

describe('executor fitness for the daemon', () => {
  test('a request tag comes back on the result, recurring results and cancellations included', async () => {
    const { ex } = setup();
    expect((await ex.run({ rsc: 'r', action: 'start', tag: '3:1:0:ctl' })).tag).toBe('3:1:0:ctl');
    const seen: OpResult[] = [];
    ex.on('result', (r) => seen.push(r));
    ex.startRecurring({ rsc: 'r', action: 'monitor', intervalMs: 60_000, tag: '4:1:0:ctl' });
    await expect.poll(() => seen.length).toBe(1);
    await ex.cancel('r', 'monitor', 60_000);
    expect(seen.map((r) => [r.tag, r.execStatus])).toEqual([
      ['4:1:0:ctl', 'done'],
      ['4:1:0:ctl', 'cancelled'],
    ]);
  });

  test('unregister cancels recurring ops and forgets the resource', async () => {
    const { ex } = setup();
    const seen: OpResult[] = [];
    ex.on('result', (r) => seen.push(r));
    ex.startRecurring({ rsc: 'r', action: 'monitor', intervalMs: 60_000 });
    await expect.poll(() => seen.length).toBe(1);
    await ex.unregister('r');
    expect(seen.at(-1)?.execStatus).toBe('cancelled');
    expect(ex.has('r')).toBe(false);
    await expect(ex.run({ rsc: 'r', action: 'monitor' })).rejects.toThrow(/unknown resource "r"/);
  });

  test('a stonith resource fails "not installed" until a fencing helper is attached; unknown classes are refused', async () => {
    ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
    ex.register({ id: 'fence', class: 'stonith', provider: 'none', type: 'fence_dummy' });
    const r = await ex.run({ rsc: 'fence', action: 'monitor' });
    expect([r.rc, r.execStatus, r.exitReason]).toEqual([5, 'not-installed', 'no fencing helper attached for stonith resources']);
    expect(() => ex?.register({ id: 'x', class: 'lsb' as 'ocf', provider: 'p', type: 't' })).toThrow(
      /unsupported resource class "lsb" for x/,
    );
  });

  test('history keeps a summary of large outputs, the result itself keeps everything captured', async () => {
    const { ex, s } = setup();
    s.set('monitor', 'bytes', 100_000);
    const r = await ex.run({ rsc: 'r', action: 'monitor' });
    expect(r.stdout.length).toBeGreaterThanOrEqual(100_000);
    const kept = ex.history('r').at(-1) as OpResult;
    expect(kept.stdout.length).toBeLessThan(4200);
    expect(kept.stdout).toMatch(/more characters not kept in history\]$/);
  });
});
