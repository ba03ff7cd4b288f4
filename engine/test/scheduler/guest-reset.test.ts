/**
 * Guest nodes reset, containers restarted, orphaned remote connections (issue 22, from the
 * Pacemaker suite's container-3, bug-rh-1097457, whitebox-asymmetric, whitebox-orphaned and
 * bug-5025-4). A fixture, not a golden scenario: the engine's graph for guest nodes does not carry
 * everything Pacemaker's does yet (CRM_meta_container, CRM_meta_physical_host, the orphan
 * connection's orderings), which graph-xml.test.ts would compare. The transition summary and the
 * placement are checked against crm_simulate's.
 *
 * In one asymmetric cluster (n1, n2; vm1 is guest node guest1, box holds fill):
 * - guest1's connection may run although no constraint allows it anywhere (it follows vm1);
 * - fill's stop failed inside its container box: the failure is ignored and box restarts in place
 *   (box's migration-threshold counts fill's fail count, 1 of 5);
 * - web's monitor failed on guest1 with on-fail=fence: guest1 is "fenced" by recovering vm1, and
 *   what runs on guest1 (web, db) restarts with it; the order "vm1 then db" is dropped in the stop
 *   direction (a guest's actions are never ordered before its own container's), else a cycle;
 * - cfg's failed start was for other parameters: its fail count (INFINITY) is cleared, not a ban;
 * - guest2's connection and container (oldvm) are no longer configured: both are stopped, and tmp
 *   leaves guest2 first.
 * And a remote node whose connection cannot be recovered (its host n1 is lost, it may run nowhere
 * else) is fenced, as web, active there, must stop (fixture remote-unrecoverable). And a promoted
 * instance on a guest node whose container moves is restarted Promoted, not Unpromoted (fixture
 * guest-promoted-restart, from whitebox-ms-ordering-move).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exportCib } from '../../src/cib/export.js';
import { importCib } from '../../src/cib/import.js';
import { schedule } from '../../src/core/schedule.js';
import { isoTime } from './crm-simulate.js';
import { compareCib } from './differential.js';
import { transitionSet } from './suite-compare.js';

const NOW = 1800000000;
const fixture = async (name = 'guest-reset-orphans') => importCib(await readFile(new URL(`fixtures/${name}.xml`, import.meta.url), 'utf8'));

/** crm_simulate's transition summary for a CIB. */
async function pacemakerSummary(xml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocfkit-guest-'));
  try {
    await writeFile(join(dir, 'in.xml'), xml);
    return await new Promise((resolve, reject) =>
      execFile('crm_simulate', ['-x', join(dir, 'in.xml'), '-S', '-t', isoTime(NOW)], (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('guest nodes reset, containers restarted, orphaned connections', () => {
  it('recovers what Pacemaker recovers and stops the orphans', async () => {
    const { summary, errors } = schedule({ cib: await fixture(), now: NOW, sanitized: true });
    const t = transitionSet(summary);
    expect(errors).toEqual([]);
    expect(t).toEqual(
      expect.arrayContaining([
        'Fence (reboot) guest1',
        'Recover vm1 (n1)',
        'Restart guest1 (n1)',
        'Recover web (guest1)',
        'Restart db (guest1)',
        'Restart box (n1)',
        'Start fill (n1)',
        'Recover cfg (n1)',
        'Move tmp (guest2 -> n2)',
        'Stop guest2 (n2)',
        'Stop oldvm (n2)',
      ]),
    );
  });

  it('fences a remote node whose connection cannot be recovered when a resource there must stop', async () => {
    const t = transitionSet(schedule({ cib: await fixture('remote-unrecoverable'), now: NOW, sanitized: true }).summary);
    expect(t).toEqual(expect.arrayContaining(['Fence (reboot) rnode', 'Fence (reboot) n1', 'Stop rnode (n1)', 'Move web (rnode -> n2)']));
  });

  it("promotes again an instance restarted with its guest node's container", async () => {
    // The container's start requires the promote on the guest too (apply_container_ordering), so
    // this restart is not one that comes back unpromoted.
    const t = transitionSet(schedule({ cib: await fixture('guest-promoted-restart'), now: NOW, sanitized: true }).summary);
    expect(t).toEqual(['Move guest1 (n1 -> n2)', 'Move vm1 (n1 -> n2)', 'Restart web (Promoted guest1)']);
  });

  it.skipIf(requireTool(['crm_simulate']))('the same transition summary and placement as crm_simulate', async () => {
    for (const name of ['guest-reset-orphans', 'remote-unrecoverable', 'guest-promoted-restart']) {
      const cib = await fixture(name);
      const ours = transitionSet(schedule({ cib, now: NOW, sanitized: true }).summary).sort();
      expect(ours, name).toEqual(transitionSet(await pacemakerSummary(exportCib(cib))).sort());
      expect(await compareCib(cib, NOW), name).toEqual([]);
    }
  });
});
