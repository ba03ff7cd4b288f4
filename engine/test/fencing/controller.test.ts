import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { importCib } from '../../src/cib/import';
import { schedule } from '../../src/core/schedule';
import { Controller, type ControllerEvent } from '../../src/crmd/controller';
import { MemoryExecutor } from '../../src/crmd/memory-executor';
import { fenceForController, fencerConfigFromCib } from '../../src/fencing/controller-bridge';
import { FenceRunner } from '../../src/fencing/runner';
import { FencingService } from '../../src/fencing/service';
import { lostNodeCib } from './lost-node-cib';

const missing = requireTool(['fence_dummy']);

/** Three nodes; node2 has left the membership while it was expected up, with web active on it. */
const cib = (device: Record<string, string>): string => lostNodeCib({ device });

/**
 * The controller of node1 (the DC) with resources "run" in memory and fencing done for real by
 * the fencing service with Debian's fence_dummy. Returns what happened, in order.
 */
async function drive(xml: string, maxFences: number) {
  const model = importCib(xml);
  const now = Date.now();
  const { config, errors } = fencerConfigFromCib(model, schedule({ cib: model, now: Math.floor(now / 1000) }).placements, 'node1', [
    'node1',
    'node3',
  ]);
  expect(errors).toEqual([]);
  const service = new FencingService({ config, runner: new FenceRunner() });
  const ctl = new Controller(model, { node: 'node1' });
  const world = MemoryExecutor.fromCib(model, now);
  const events: string[] = [];
  const logs: string[] = [];
  const queue: ControllerEvent[] = [{ type: 'start', now }];
  let fences = 0;
  while (queue.length > 0) {
    const ev = queue.shift() as ControllerEvent;
    for (const e of ctl.handle({ ...ev, now: Date.now() } as ControllerEvent)) {
      if (e.type === 'log') logs.push(`${e.level}: ${e.message}`);
      if (e.type === 'run') {
        events.push(`${e.action.detail?.operationKey ?? e.action.key}@${e.action.node} at ${Date.now()}`);
        queue.push({ type: 'op-result', now: Date.now(), tag: e.tag, outcome: world.run(e.tag, e.action, Date.now()) });
      }
      if (e.type === 'fence' && fences < maxFences) {
        fences++;
        events.push(`fence ${e.action.node} requested`);
        const outcome = await fenceForController(service, e.action, 'node1');
        events.push(`fence ${e.action.node} ${outcome.rc === 0 ? 'done' : 'failed'} at ${Date.now()}`);
        queue.push({ type: 'op-result', now: Date.now(), tag: e.tag, outcome });
      }
    }
  }
  service.stop();
  return { events, logs, world, history: service.history() };
}

describe.skipIf(missing)('the controller fences through the fencing service before recovering', () => {
  const dir = openTempDir('h16-fence-ctl-');

  it('node2 is fenced (for real) before web starts elsewhere, and the history says so', async () => {
    const status = join(dir, 'node2.status');
    writeFileSync(status, 'on');
    const { events, logs, world, history } = await drive(cib({ status_file: status, pcmk_host_list: 'node2' }), 3);
    const fenceDone = events.findIndex((e) => e.startsWith('fence node2 done'));
    const webStart = events.findIndex((e) => /^web_start_0@node[13] /.test(e));
    expect(fenceDone).toBeGreaterThanOrEqual(0);
    expect(webStart).toBeGreaterThan(fenceDone);
    const at = (i: number) => Number(/ at (\d+)$/.exec(events[i] as string)?.[1]);
    expect(at(webStart)).toBeGreaterThanOrEqual(at(fenceDone));
    expect(events.filter((e) => e.startsWith('fence')).length).toBe(2);
    expect(readFileSync(status, 'utf8')).toBe('on'); // rebooted: off, then on again
    expect(logs).toContain('notice: node node2 fenced');
    expect(history).toMatchObject([{ target: 'node2', action: 'reboot', state: 'success', devices: ['fd'], origin: 'node1' }]);
    expect(['node1', 'node3'].filter((n) => world.roleOf(n, 'web') === 'Started')).toHaveLength(1);
  });

  it('a failing device: fencing is retried and reported, web is never started elsewhere', async () => {
    const { events, logs, world, history } = await drive(
      cib({ type: 'fail', power_timeout: '1', pcmk_reboot_retries: '1', pcmk_host_check: 'none' }),
      2,
    );
    expect(events.filter((e) => e.startsWith('fence node2 failed'))).toHaveLength(2);
    expect(events.some((e) => e.startsWith('web_start_0'))).toBe(false);
    expect(logs.find((l) => l.startsWith('error: fencing of node2 failed'))).toMatch(
      /^error: fencing of node2 failed: fd \(fence_dummy\) reboot node2 failed after 1 attempt: rc 1: .*Timed out waiting to power OFF/,
    );
    expect(history.map((h) => h.state)).toEqual(['failed', 'failed']);
    expect(['node1', 'node3'].some((n) => world.roleOf(n, 'web'))).toBe(false);
  });
});
