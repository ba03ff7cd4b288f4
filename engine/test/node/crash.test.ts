import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importCib } from '../../src/cib/import';
import { cibDigest, readCibFile } from '../../src/cib/store-files';
import { adminCall } from '../../src/node/admin-client';
import { type Daemon, SEED, startDaemon } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-node-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROUNDS = Number(process.env.OCFKIT_CRASH_ROUNDS ?? 3);

function resources(n: number): string {
  const prims = Array.from({ length: n }, (_, i) => `<primitive id="p${i + 1}" class="ocf" provider="heartbeat" type="Dummy"/>`);
  return `<resources>${prims.join('')}</resources>`;
}

describe('kill -9 of the node daemon while it writes the CIB', () => {
  test(`loses no committed configuration and leaves a digest-verified CIB (${ROUNDS} kills)`, async () => {
    const state = join(dir, 'state');
    const runDir = join(dir, 'run');
    const seed = join(dir, 'seed.xml');
    writeFileSync(seed, SEED);
    const args = ['--state-dir', state, '--run-dir', runDir, '--cib', seed, '--node-name', 'n1'];
    let acked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const daemon: Daemon = await startDaemon(args);
      // The seed counts only on the first start: what was committed before is still there.
      const { xml } = await adminCall(runDir, { op: 'query' });
      expect(importCib(xml ?? '').resources.length).toBe(acked === 0 ? 1 : acked);
      let sent = acked;
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          sent++;
          try {
            await adminCall(runDir, { op: 'replace', scope: 'resources', xml: resources(sent) });
            acked = sent;
          } catch {
            return; // the daemon is gone
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 150 + ((round * 97) % 250)));
      daemon.child.kill('SIGKILL');
      stop = true;
      await writer;
      await daemon.exited;

      const cibDir = join(state, 'cib');
      const loaded = readCibFile(cibDir);
      expect(loaded).toBeDefined();
      const ids = importCib(loaded?.xml ?? '').resources.map((r) => r.id);
      // Every acknowledged write is there; at most the one in flight beyond it.
      expect(ids.length === acked || ids.length === acked + 1).toBe(true);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `p${i + 1}`));
      expect(readdirSync(cibDir).filter((f) => f.includes('corrupt') || f.endsWith('.tmp'))).toEqual([]);
      expect(readFileSync(join(cibDir, 'cib.xml.sig'), 'utf8').trim()).toBe(cibDigest(readFileSync(join(cibDir, 'cib.xml'), 'utf8')));
      acked = ids.length;
      expect(acked).toBeGreaterThan(0);
    }
    // A stale socket and pid file of a killed daemon do not keep the next one from starting.
    expect(existsSync(join(runDir, 'admin.sock'))).toBe(true);
    const last = await startDaemon(args);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  });
});
