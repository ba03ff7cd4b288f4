import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { importCib } from '../cib/import.js';
import type { HistoryEntry } from '../fencing/fencer.js';
import { Executor } from '../lrmd/executor.js';
import { fencedNotice, fencedWhileRunning, stopLocalResources, stopTimeoutMs } from './fenced-notice.js';
import { createHaLog } from './ha-log.js';

const entry = (e: Partial<HistoryEntry>): HistoryEntry => ({
  id: '1',
  target: 'node1',
  action: 'reboot',
  origin: 'node2',
  delegate: 'node3',
  devices: ['fenceA'],
  state: 'success',
  requestedAt: 1000,
  completedAt: 5000,
  ...e,
});

describe('a node told it was fenced', () => {
  it('reacts to a successful off or reboot of itself that completed while its daemon ran, and to nothing else', () => {
    expect(fencedWhileRunning(entry({}), 'node1', 4000)).toBe(true);
    expect(fencedWhileRunning(entry({ action: 'off', target: 'NODE1' }), 'node1', 4000)).toBe(true);
    // fenced before this daemon started: the node was power-cycled and rejoined, old news
    expect(fencedWhileRunning(entry({}), 'node1', 6000)).toBe(false);
    expect(fencedWhileRunning(entry({ target: 'node2' }), 'node1', 4000)).toBe(false);
    expect(fencedWhileRunning(entry({ state: 'failed' }), 'node1', 4000)).toBe(false);
    expect(fencedWhileRunning(entry({ state: 'pending', completedAt: undefined }), 'node1', 4000)).toBe(false);
    expect(fencedWhileRunning(entry({ action: 'on' }), 'node1', 4000)).toBe(false);
    expect(fencedNotice(entry({}))).toBe(
      "We were allegedly just fenced by node3 for node2 (reboot with fenceA): stopping this node's resources and exiting",
    );
  });

  it('takes the stop timeout from the stop op, else op_defaults, else 20 s', () => {
    const cib = importCib(`<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/>
      <resources>
        <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="a-stop" name="stop" interval="0s" timeout="45s"/></operations></primitive>
        <clone id="c"><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></clone>
      </resources><constraints/>
      <op_defaults><meta_attributes id="od"><nvpair id="od-t" name="timeout" value="30s"/></meta_attributes></op_defaults>
      </configuration><status/></cib>`);
    expect([stopTimeoutMs(cib, 'a'), stopTimeoutMs(cib, 'b:1'), stopTimeoutMs(cib, 'gone')]).toEqual([45_000, 30_000, 30_000]);
  });
});

const missing = requireTool(['/usr/lib/ocf/resource.d/heartbeat/Dummy']);
describe.skipIf(missing)('stopping what the executor runs after being fenced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-fenced-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops every resource still running, the last registered first, and leaves stopped ones alone', async () => {
    const ex = new Executor({ nodeName: 'node1', baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HA_RSCTMP: dir } });
    const stops: string[] = [];
    ex.on('result', (r) => {
      if (r.action === 'stop') stops.push(r.rsc);
    });
    const state = (id: string) => join(dir, `Dummy-${id}.state`);
    for (const id of ['first', 'second', 'done']) {
      ex.register({ id, provider: 'heartbeat', type: 'Dummy', params: { state: state(id) } });
      expect((await ex.run({ rsc: id, action: 'start', timeoutMs: 20_000 })).rc).toBe(0);
    }
    expect((await ex.run({ rsc: 'done', action: 'stop', timeoutMs: 20_000 })).rc).toBe(0);
    stops.length = 0;
    const lines: string[] = [];
    const log = createHaLog({ component: 'test', env: {}, writeStderr: (t) => lines.push(t) });
    const cib = importCib(
      '<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>',
    );
    expect(await stopLocalResources(ex, cib, log)).toEqual([]);
    expect(stops).toEqual(['second', 'first']);
    expect(['first', 'second', 'done'].map((id) => existsSync(state(id)))).toEqual([false, false, false]);
    expect(lines.join('')).toContain('second stopped (this node was fenced)');
    await ex.close();
  });
});
