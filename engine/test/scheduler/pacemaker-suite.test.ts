/**
 * The Pacemaker-suite harness (pacemaker-suite.ts), run on this folder's golden scenarios: each is
 * compared with crm_simulate exactly as a Pacemaker regression input is, and all must be equal.
 * Its summary parsing and unsafe-change detection are checked on their own as well.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { NOW } from './differential.js';
import { listCases, runCase, unsafeLines } from './pacemaker-suite.js';
import { crmSimulateResultsLast, transitionSet } from './suite-compare.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const noPacemaker = requireTool(['crm_simulate', 'crm_mon']);

describe('pacemaker-suite harness', () => {
  it('reads a transition summary as a set, without explanations or instance numbers', () => {
    const out = [
      'Transition Summary:',
      "  * Fence (reboot) node3 'peer is no longer part of the cluster'",
      '  * Stop       ms:1     ( Unpromoted node3 )  due to node availability',
      '  * Move       web      ( node1 -> node2 )',
      '',
      'Executing Cluster Transition:',
      '  * Resource action: web stop on node1',
    ].join('\n');
    expect(transitionSet(out)).toEqual(['Fence (reboot) node3', 'Move web (node1 -> node2)', 'Stop ms (Unpromoted node3)']);
  });

  it('calls a fencing or stop unsafe only where Pacemaker leaves the node or resource alone', () => {
    const pm = ['Move web (node1 -> node2)'];
    expect(unsafeLines(pm, ['Stop web (node1)', 'Fence (reboot) node2', 'Stop db (node1)', 'Start ip (node1)'])).toEqual([
      'Fence (reboot) node2',
      'Stop db (node1)',
    ]);
  });

  it('renumbers the results of crm_simulate above the older operations they were merged next to', () => {
    const op = (id: string, call: number, extra = '') =>
      `<lrm_rsc_op id="${id}" call-id="${call}" transition-key="${call}:1:0:u"${extra}/>`;
    const entry = (...ops: string[]) => `<lrm_resource id="web" class="ocf" type="Dummy">${ops.join('')}</lrm_resource>`;
    const node = (...entries: string[]) =>
      `<node_state id="1" uname="n1"><lrm><lrm_resources>${entries.join('')}</lrm_resources></lrm></node_state>`;
    const input = node(entry(op('web_start_0', 5)), entry(op('web_monitor_0', 3)));
    const stop = op('web_last_0', 1, ' last-rc-change="1800000000"');
    const output = node(entry(op('web_start_0', 5), op('web_monitor_0', 3), stop), entry(op('web_monitor_0', 3)));
    expect(crmSimulateResultsLast(input, output)).toBe(
      node(entry(op('web_start_0', 5), op('web_monitor_0', 3), stop.replace('call-id="1"', 'call-id="6"')), entry(op('web_monitor_0', 3))),
    );
    // Without two entries of one id on a node, crm_simulate's output is read as it is.
    const single = node(entry(op('web_start_0', 5)));
    expect(crmSimulateResultsLast(single, node(entry(op('web_start_0', 5), stop)))).toBe(node(entry(op('web_start_0', 5), stop)));
  });

  it.skipIf(noPacemaker)('reads a node holding two history entries of one resource as a live cluster would record the move', async () => {
    const file = join(here, 'fixtures', 'duplicate-history-entries.xml');
    const result = await runCase('duplicate-history-entries', readFileSync(file, 'utf8'), { now: NOW });
    expect(result.detail).toEqual([]);
    expect(result.verdict).toBe('equal');
    // and the report says the placement compared is crm_simulate's output renumbered
    expect(result.repairedPacemakerOutput).toBe(true);
  });

  it.skipIf(noPacemaker)('finds every golden scenario equal to crm_simulate', { timeout: 300_000 }, async () => {
    // A transition crm_simulate cannot complete itself (pacemaker-incomplete.txt) is "skipped" by
    // the harness, as in Pacemaker's suite; golden.test.ts compares those scenarios' outcome.
    const cases = listCases(here).filter((c) => !existsSync(join(dirname(c.file), 'pacemaker-incomplete.txt')));
    expect(cases.length).toBeGreaterThanOrEqual(10);
    // Three at a time: each case is one crm_simulate and two crm_mon runs.
    const results: Awaited<ReturnType<typeof runCase>>[] = [];
    for (let i = 0; i < cases.length; i += 3)
      results.push(...(await Promise.all(cases.slice(i, i + 3).map((c) => runCase(c.name, readFileSync(c.file, 'utf8'), { now: NOW })))));
    const differing = results.filter((r) => r.verdict !== 'equal').map((r) => `${r.name}: ${r.verdict}\n${r.detail.join('\n')}`);
    expect(differing).toEqual([]);
  });
});
