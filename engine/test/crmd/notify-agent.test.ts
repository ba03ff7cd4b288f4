/**
 * Clone notifications end to end: the controller, with the real executor, runs a notify-aware
 * agent (a small shell agent written here that records every notify call and the
 * `OCF_RESKEY_CRM_meta_notify_*` it was given) through a start, a promote and a demote of a
 * `notify=true` promotable clone.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import type { Cib } from '../../src/core/cib-model.js';
import { type ControllerStore, startController } from '../../src/crmd/shell.js';
import { Executor } from '../../src/lrmd/executor.js';

const work = mkdtempSync(join(tmpdir(), 'ocfkit-crmd-notify-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A promotable agent that keeps its role in a file and appends one line per notify call.
const AGENT = `#!/bin/sh
state="$OCF_RESKEY_state"
case "$1" in
  meta-data) echo '<?xml version="1.0"?><resource-agent name="NotifyRecorder"><version>1.0</version><parameters/><actions/></resource-agent>'; exit 0;;
  start) echo started > "$state"; exit 0;;
  stop) rm -f "$state"; exit 0;;
  promote) echo promoted > "$state"; exit 0;;
  demote) echo started > "$state"; exit 0;;
  monitor) [ -f "$state" ] || exit 7; [ "$(cat "$state")" = promoted ] && exit 8; exit 0;;
  notify)
    echo "$OCF_RESKEY_CRM_meta_notify_type $OCF_RESKEY_CRM_meta_notify_operation" \\
      "promote=[$OCF_RESKEY_CRM_meta_notify_promote_resource]" "demote=[$OCF_RESKEY_CRM_meta_notify_demote_uname]" \\
      "start=[$OCF_RESKEY_CRM_meta_notify_start_uname]" "active=[$OCF_RESKEY_CRM_meta_notify_active_resource]" \\
      "promoted=[$OCF_RESKEY_CRM_meta_notify_promoted_uname]" >> "$OCF_RESKEY_log"
    exit 0;;
  *) exit 3;;
esac
`;

const agents = join(work, 'resource.d');
mkdirSync(join(agents, 'ocfkit-test'), { recursive: true });
writeFileSync(join(agents, 'ocfkit-test', 'NotifyRecorder'), AGENT);
chmodSync(join(agents, 'ocfkit-test', 'NotifyRecorder'), 0o755);
const notifyLog = join(work, 'notify.log');

function cibXml(promotedScore: string): string {
  return `<cib epoch="${promotedScore === 'INFINITY' ? 1 : 2}" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <clone id="rec-clone">
        <meta_attributes id="rec-clone-meta">
          <nvpair id="rec-promotable" name="promotable" value="true"/>
          <nvpair id="rec-notify" name="notify" value="true"/>
          <nvpair id="rec-max" name="clone-max" value="1"/>
        </meta_attributes>
        <primitive id="rec" class="ocf" provider="ocfkit-test" type="NotifyRecorder">
          <instance_attributes id="rec-ia">
            <nvpair id="rec-state" name="state" value="${join(work, 'rec.state')}"/>
            <nvpair id="rec-log" name="log" value="${notifyLog}"/>
          </instance_attributes>
          <operations><op id="rec-notify-op" name="notify" interval="0" timeout="10s"/></operations>
        </primitive>
      </clone>
    </resources>
    <constraints>
      <rsc_location id="rec-promoted-here" rsc="rec-clone">
        <rule id="rec-promoted-rule" role="Promoted" score="${promotedScore}"><expression id="rec-e" attribute="#uname" operation="eq" value="node1"/></rule>
      </rsc_location>
    </constraints>
  </configuration>
  <status/>
</cib>`;
}

/** The CIB in memory; a configuration change replaces the configuration and keeps the status. */
class MemoryStore implements ControllerStore {
  private listeners = new Set<(c: { origin: string; configChanged: boolean }) => void>();
  constructor(public xml: string) {}
  model(): Cib {
    return importCib(this.xml);
  }
  writeStatus(next: Cib, origin: string): void {
    const cib = this.model();
    this.xml = exportCib({ ...cib, attrs: { ...cib.attrs, ...next.attrs }, status: next.status });
    for (const l of this.listeners) l({ origin, configChanged: false });
  }
  configure(xml: string): void {
    const next = importCib(xml);
    this.xml = exportCib({ ...next, status: this.model().status });
    for (const l of this.listeners) l({ origin: 'test', configChanged: true });
  }
  subscribe(l: (c: { origin: string; configChanged: boolean }) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, decision: () => {}, result: () => {} };
const calls = () => (existsSync(notifyLog) ? readFileSync(notifyLog, 'utf8').trim().split('\n') : []);
const roleFile = () => (existsSync(join(work, 'rec.state')) ? readFileSync(join(work, 'rec.state'), 'utf8').trim() : 'stopped');

describe('controller running clone notifications with the real executor', () => {
  it('notifies the agent before and after its start, promote and demote, with the notify lists', { timeout: 60_000 }, async () => {
    const store = new MemoryStore(cibXml('INFINITY'));
    const executor = new Executor({ nodeName: 'node1', searchPath: [agents] });
    const ctl = startController({ store, executor, attrd: { committed: () => ({}) }, nodeName: 'node1', stateDir: work, log });
    try {
      await expect.poll(roleFile, { timeout: 20_000 }).toBe('promoted');
      await expect.poll(() => ctl.controller.busy, { timeout: 20_000 }).toBe(false);
      // Starting itself, the only instance gets no pre-start notification; then both promote
      // notifications. The lists describe the whole transition, as it was planned (as crm_simulate's graph has them).
      expect(calls()).toEqual([
        'post start promote=[rec:0] demote=[ ] start=[node1] active=[ ] promoted=[ ]',
        'pre promote promote=[rec:0] demote=[ ] start=[node1] active=[ ] promoted=[ ]',
        'post promote promote=[rec:0] demote=[ ] start=[node1] active=[ ] promoted=[ ]',
      ]);

      // The Promoted role is banned: the instance is demoted between its two demote notifications.
      store.configure(cibXml('-INFINITY'));
      await expect.poll(roleFile, { timeout: 20_000 }).toBe('started');
      await expect.poll(() => calls().length, { timeout: 20_000 }).toBe(5);
      await expect.poll(() => ctl.controller.busy, { timeout: 20_000 }).toBe(false);
      expect(calls().slice(3)).toEqual([
        'pre demote promote=[ ] demote=[node1] start=[ ] active=[rec:0] promoted=[node1]',
        'post demote promote=[ ] demote=[node1] start=[ ] active=[rec:0] promoted=[node1]',
      ]);
    } finally {
      ctl.close();
      await executor.close();
    }
  });
});
