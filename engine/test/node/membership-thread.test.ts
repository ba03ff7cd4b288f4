/**
 * The node daemon's membership on its own thread: while the daemon's thread is blocked (a long
 * scheduler run, a CIB import), heartbeats still go out on time, as they would from Corosync's
 * own process. One node on loopback (ucast to itself), keepalive 200 ms: the thread's counters in
 * status.json, read at the end of a 3 s block of this thread, show the heartbeats sent during it
 * (with the membership on the daemon's thread there were none). Also: a view, a configuration
 * write through the thread, and stop.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemberDaemon } from '../../src/membership/transport/member-daemon.js';
import { startMemberThread } from '../../src/membership/transport/member-thread.js';
import type { ClusterContent, ClusterWrite } from '../../src/node/config-writes.js';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-member-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.1">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="solo"/></nodes>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints/>
  </configuration>
</cib>
`;

describe('the membership on a thread of its own', () => {
  let member: MemberDaemon<ClusterContent, ClusterWrite> | undefined;
  afterAll(async () => member?.stop());

  it('keeps sending heartbeats while the daemon thread is blocked, and answers views and writes', async () => {
    const port = 20000 + (process.pid % 20000);
    writeFileSync(join(dir, 'ha.cf'), `keepalive 200ms\ndeadtime 2\ninitdead 2\nudpport ${port}\nucast lo 127.0.0.1\nnode solo\ncrm on\n`);
    writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha256 thread-test-secret\n', { mode: 0o600 });
    const logs: string[] = [];
    member = await startMemberThread<ClusterContent, ClusterWrite>(
      new URL('../../src/node/cluster-member-worker.ts', import.meta.url),
      { configDir: dir, stateDir: join(dir, 'state'), name: 'solo', emptyContent: { xml: CIB } },
      { log: (level, msg) => logs.push(`${level}: ${msg}`) },
    );
    expect(member.links.map((l) => l.describe)).toEqual([`ucast lo 127.0.0.1:${port} → 127.0.0.1`]);
    // Alone, it is its own DC once initdead is over.
    const t0 = Date.now();
    while (member.view().role !== 'dc' && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    expect(member.view()).toMatchObject({ role: 'dc', dc: 'solo', quorate: true, members: ['solo'] });

    const statusFile = join(dir, 'state', 'status.json');
    const sent = () => (JSON.parse(readFileSync(statusFile, 'utf8')) as { io: { framesSent: number } }).io.framesSent;
    await new Promise((r) => setTimeout(r, 1200));
    const before = sent();
    // This thread blocked for 3 s: 15 keepalives. Read while still blocked.
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      /* busy, as a scheduler run over hundreds of resources */
    }
    const during = sent() - before;
    expect(during).toBeGreaterThanOrEqual(5);

    // A write goes through the thread's DC (itself) and comes back as the replicated copy.
    await member.update({ req: { op: 'resource', action: 'stop', rsc: 'd' }, active: {}, origin: 'solo' });
    expect(member.view().copy.content.xml).toMatch(/name="target-role" value="Stopped"/);
    // A refused write names the problem.
    await expect(member.update({ req: { op: 'resource', action: 'stop', rsc: 'nope' }, active: {}, origin: 'solo' })).rejects.toThrow(
      /nope/,
    );
    await member.stop();
    member = undefined;
    expect(logs.join('\n')).toMatch(/solo: elected DC/);
  }, 60_000);
});
