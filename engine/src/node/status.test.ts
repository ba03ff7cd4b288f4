import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, test } from 'vitest';
import { importCib } from '../cib/import';
import { clusterStatus } from './status';
import { statusText, statusXml } from './status-format';

const scenarios = new URL('../../test/scheduler', import.meta.url).pathname;
const inputs = readdirSync(scenarios, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(scenarios, d.name)).includes('input.xml'))
  .map((d) => d.name);
const NOW = 1_800_000_000;

/** From "Node List:" on, without the empty "Migration Summary:" crm_mon -f prints and blank runs. */
function body(text: string): string {
  const from = text.slice(text.indexOf('Node List:'));
  return from
    .replace(/\nMigration Summary:\n(?=\n|$)/, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd();
}

describe.skipIf(requireTool(['crm_mon']))('ocfkit status against crm_mon', () => {
  test.each(inputs)('%s: nodes, resources, attributes, fail counts and failed actions as crm_mon -1 -A -r -f prints them', (name) => {
    const file = join(scenarios, name, 'input.xml');
    const real = spawnSync('crm_mon', ['-1', '-A', '-r', '-f'], { env: { ...process.env, CIB_file: file, TZ: 'UTC' }, encoding: 'utf8' });
    const xml = readFileSync(file, 'utf8');
    // crm_mon decides date rules at the wall clock (it ignores execution-date): so does ours there.
    const now = xml.includes('<date_expression') ? Math.floor(Date.now() / 1000) : NOW;
    const ours = statusText(clusterStatus(importCib(xml), now), { now, attributes: true });
    expect(body(ours)).toBe(body(real.stdout));
  });
});

describe('ocfkit status data', () => {
  test('failed actions carry the exit reason; roles come from the history; XML names crm_mon uses', () => {
    const file = join(scenarios, 'on-fail-responses', 'input.xml');
    const cib = importCib(readFileSync(file, 'utf8').replaceAll('exit-reason=""', 'exit-reason="boom happened"'));
    const s = clusterStatus(cib, NOW);
    expect(s.failures[0]).toMatchObject({
      opKey: 'r_restart_monitor_10000',
      node: 'node1',
      rc: 1,
      rcText: 'error',
      exitReason: 'boom happened',
    });
    expect(s.resources.find((r) => r.id === 'r_ignore')).toMatchObject({ role: 'Started', nodes: ['node1'], failureIgnored: true });
    const xml = statusXml(s, { now: NOW });
    expect(xml).toContain(
      '<failure op_key="r_restart_monitor_10000" node="node1" exitstatus="error" exitreason="boom happened" exitcode="1" call="11" status="complete" last-rc-change="2027-01-15 07:58:20Z" queued="0" exec="0" interval="10000" task="monitor"/>',
    );
    expect(xml).toContain('<node name="node3" id="3" online="true" standby="true" standby_onfail="true"');
  });
});
