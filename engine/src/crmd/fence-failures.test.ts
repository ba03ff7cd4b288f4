import { describe, expect, it } from 'vitest';
import { lostNodeCib } from '../../test/fencing/lost-node-cib.js';
import { importCib } from '../cib/import.js';
import { EXEC_STATUS } from '../pcmk/exec-status.js';
import { Controller } from './controller.js';
import { DEFAULT_STONITH_MAX_ATTEMPTS, FenceFailures, stonithMaxAttempts } from './fence-failures.js';
import { MemoryDriver, MemoryExecutor } from './memory-executor.js';

const T0 = 1_800_000_000_000;

/** node1 (the DC) and node3 up; node2 lost while expected up, with web active on it: it must be fenced. */
const cibXml = (maxAttempts?: string): string =>
  lostNodeCib(maxAttempts === undefined ? {} : { options: { 'stonith-max-attempts': maxAttempts } });

/** The controller of node1 with the world in memory, fencing of node2 failing with `opStatus`. */
function boot(maxAttempts: string | undefined, opStatus: number = EXEC_STATUS.error) {
  const model = importCib(cibXml(maxAttempts));
  const world = MemoryExecutor.fromCib(model, T0);
  const heal = world.failWhen((a) => a.task === 'stonith', { rc: 1, opStatus, exitReason: 'the device said no' });
  const d = new MemoryDriver(new Controller(model, { node: 'node1' }), world, T0);
  const fences = () => world.ran.filter((r) => r.startsWith('stonith-node2-')).length;
  const webStarted = () => world.ran.filter((r) => r.startsWith('web_start_0'));
  return { d, world, heal, fences, webStarted };
}

describe('stonith-max-attempts (Pacemaker 2.1 controller)', () => {
  it('reads the option as Pacemaker does: a score, below 1 or not a number means 10', () => {
    const of = (v?: string) => stonithMaxAttempts(importCib(cibXml(v)));
    expect([of(), of('3'), of('INFINITY'), of('0'), of('-2'), of('often')]).toEqual([
      DEFAULT_STONITH_MAX_ATTEMPTS,
      3,
      1_000_000,
      10,
      10,
      10,
    ]);
    const f = new FenceFailures();
    expect([f.failed('n2', 2), f.failed('n2', 2), f.failed('n3', 2)]).toEqual([
      { count: 1, giveUp: false },
      { count: 2, giveUp: true },
      { count: 1, giveUp: false },
    ]);
    f.succeeded('n2');
    expect(f.count('n2')).toBe(0);
  });

  it('a device that keeps failing: fenced 3 times in a row, then the controller waits; each later event tries once more', () => {
    const { d, heal, fences, webStarted } = boot('3');
    d.send({ type: 'start', now: T0 });
    // the driver runs until nothing is left: without the limit this would never settle
    expect(fences()).toBe(3);
    expect(d.idleCount).toBe(1);
    expect(d.logs()).toContain(
      'warning: too many failures (3) to fence node2 (stonith-max-attempts=3): giving up until the next change or cluster-recheck-interval',
    );
    expect(webStarted()).toEqual([]);
    // an unrelated change (an attribute) runs the scheduler again: one more attempt, then waiting again
    d.send({ type: 'attr-changed', now: d.now, node: 'node3', name: 'color', value: 'blue' });
    expect(fences()).toBe(4);
    expect(d.logs().filter((l) => l.startsWith('warning: too many failures'))).toHaveLength(2);
    expect(webStarted()).toEqual([]);
    // the device is repaired; cluster-recheck-interval (15 min) tries again: node2 fenced, web recovered
    heal();
    d.advance(15 * 60_000 + 1);
    expect(fences()).toBe(5);
    expect(d.logs()).toContain('notice: node node2 fenced');
    expect(webStarted()).toHaveLength(1);
  });

  it('the default is 10 attempts', () => {
    const { d, fences } = boot(undefined);
    d.send({ type: 'start', now: T0 });
    expect(fences()).toBe(10);
  });

  it('no fence device can reach the target: one attempt, then it waits (retrying cannot help)', () => {
    const { d, fences, webStarted } = boot('5', EXEC_STATUS.noFenceDevice);
    d.send({ type: 'start', now: T0 });
    expect(fences()).toBe(1);
    expect(d.logs()).toContain('warning: no fence device can fence node2: giving up for now (until the next change)');
    expect(webStarted()).toEqual([]);
  });
});
