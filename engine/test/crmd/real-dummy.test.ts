/**
 * The controller with the real executor and real agents (resource-agents' Dummy): a group starts
 * in order, a monitor failure is recovered in place with a fail count, an agent that does not
 * exist is a failed action ("not installed"), not a crash, and shutdown stops everything.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { schedule } from '../../src/core/schedule.js';
import { type ControllerStore, startController } from '../../src/crmd/shell.js';
import { transientAttr } from '../../src/crmd/status.js';
import { Executor } from '../../src/lrmd/executor.js';

const work = mkdtempSync(join(tmpdir(), 'ocfkit-crmd-real-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CIB kept in memory, status writes taken through its XML. */
class MemoryStore implements ControllerStore {
  private listeners = new Set<(c: { origin: string; configChanged: boolean }) => void>();
  constructor(public xml: string) {}
  model(): Cib {
    return importCib(this.xml);
  }
  writeStatus(next: Cib, origin: string): void {
    const cib = this.model();
    const attrs = { ...cib.attrs };
    for (const a of ['have-quorum', 'dc-uuid']) {
      if (next.attrs[a] === undefined) delete attrs[a];
      else attrs[a] = next.attrs[a] as string;
    }
    // Through XML, as the daemon's store keeps it.
    this.xml = exportCib(importCib(exportCib({ ...cib, attrs, status: next.status })));
    for (const l of this.listeners) l({ origin, configChanged: false });
  }
  subscribe(l: (c: { origin: string; configChanged: boolean }) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const state = (n: string) => join(work, `${n}.state`);
const dummy = (id: string, type = 'Dummy') => `<primitive id="${id}" class="ocf" provider="heartbeat" type="${type}">
  <instance_attributes id="${id}-ia"><nvpair id="${id}-ia-s" name="state" value="${state(id)}"/></instance_attributes>
  <operations><op id="${id}-mon" name="monitor" interval="1s" timeout="10s"/></operations>
</primitive>`;

const xml = `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources><group id="grp">${dummy('ip')}${dummy('db')}</group>${dummy('ghost', 'NoSuchAgent')}</resources>
    <constraints/>
  </configuration>
  <status/>
</cib>`;

const logs: string[] = [];
const log = {
  debug: () => {},
  info: (m: string) => logs.push(`info ${m}`),
  warn: (m: string) => logs.push(`warn ${m}`),
  error: (m: string) => logs.push(`error ${m}`),
  decision: (t: number, m: string) => logs.push(`[${t}] ${m}`),
  result: (t: number, m: string) => logs.push(`[${t}] ${m}`),
};

describe.skipIf(
  requireTool([], () => (existsSync('/usr/lib/ocf/resource.d/heartbeat/Dummy') ? undefined : 'resource-agents is not installed')),
)('controller with the real executor', () => {
  it('starts, recovers a monitor failure in place, reports a missing agent, stops on shutdown', { timeout: 60_000 }, async () => {
    const store = new MemoryStore(xml);
    const executor = new Executor({ nodeName: 'node1' });
    const attrd = { committed: () => ({}) };
    const ctl = startController({ store, executor, attrd, nodeName: 'node1', stateDir: work, log });
    try {
      await expect.poll(() => existsSync(state('db')), { timeout: 20_000 }).toBe(true);
      await expect.poll(() => ctl.controller.busy, { timeout: 20_000 }).toBe(false);
      expect(existsSync(state('ip'))).toBe(true);
      const ghost = store
        .model()
        .status[0]?.lrm.find((r) => r.id === 'ghost')
        ?.ops.find((o) => o.id === 'ghost_last_failure_0');
      expect([ghost?.operation, ghost?.rc, ghost?.opStatus]).toEqual(['monitor', 5, 7]);
      expect(existsSync(join(work, 'pengine', 'pe-input-0.xml'))).toBe(true);
      // The first decision replays from its pe-input at its execution-date: the actions the controller ran.
      const pe0 = importCib(readFileSync(join(work, 'pengine', 'pe-input-0.xml'), 'utf8'));
      expect(pe0.attrs['execution-date']).toMatch(/^\d+$/);
      expect(
        schedule({ cib: pe0, now: Number(pe0.attrs['execution-date']) })
          .graph.actions.map((a) => a.key)
          .sort(),
      ).toEqual([
        'db_monitor_0',
        'db_monitor_1000',
        'db_start_0',
        'ghost_monitor_0',
        'ghost_monitor_1000',
        'ghost_start_0',
        'ip_monitor_0',
        'ip_monitor_1000',
        'ip_start_0',
      ]);

      // Dummy's monitor reports "not running" once its state file is gone.
      unlinkSync(state('db'));
      await expect.poll(() => transientAttr(store.model(), 'node1', 'fail-count-db#monitor_1000'), { timeout: 20_000 }).toBe('1');
      await expect.poll(() => existsSync(state('db')), { timeout: 20_000 }).toBe(true);
      expect(logs.some((l) => /result of db_monitor_1000 on node1: rc 7/.test(l))).toBe(true);

      await ctl.shutdown();
      expect([existsSync(state('ip')), existsSync(state('db'))]).toEqual([false, false]);
    } finally {
      ctl.close();
      await executor.close();
    }
  });
});
