/**
 * How many attribute processes a promoted monitor spawns under Pacemaker. Three real PostgreSQL 15
 * servers in rep_mode=sync (replica-set.ts) whose agents reach a real single-node Pacemaker 2.1
 * (pacemaker-attrd in private namespaces, diskcheck's fixture; node2 and node3 added to its CIB so
 * crm_attribute can name them) through attrd_updater, crm_attribute, cibadmin and crm_resource
 * wrappers that log each call and then run the real tool inside the node. Once the primary's
 * grading has settled, a monitor must read each attribute once for every node and write nothing.
 * Measured here before the batching, the same monitor spawned 14: 12 reads (attrd_updater -Q per
 * node and name, status twice per standby, crm_attribute -G per node) and 2 score writes again
 * (crm_attribute -G reads the CIB, where this one-node cluster never writes node2's and node3's
 * values); on the rig such monitors exceeded 90 s at load 50.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTRD_SOCKET_ENV, parseAttrdQueryAll } from '@ocfkit/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { type PacemakerNode, pacemakerNode, pacemakerNodeMissing } from '../../diskcheck/test/pacemaker-node';
import { eventually, missing } from './cluster';
import { type Node, type ReplicaSet, replicaSet } from './replica-set';

const skip = missing ?? pacemakerNodeMissing();
const TOOLS = ['attrd_updater', 'crm_attribute', 'cibadmin', 'crm_resource'];

let dir: string | undefined;
let pcmk: PacemakerNode | undefined;
let rs: ReplicaSet | undefined;
afterAll(async () => {
  await rs?.destroy();
  await pcmk?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('pgsql attribute calls against a real Pacemaker attrd', () => {
  it('a promoted monitor in a steady state reads each attribute once for all nodes and writes nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgattr-'));
    pcmk = await pacemakerNode(join(dir, 'pcmk'));
    const node = pcmk;
    for (const [id, name] of [
      [2, 'node2'],
      [3, 'node3'],
    ] as const) {
      const r = await node.run('cibadmin', ['-C', '-o', 'nodes', '-X', `<node id="${id}" uname="${name}"/>`]);
      expect(r.status, r.stderr).toBe(0);
    }
    const bin = join(dir, 'bin');
    const log = join(dir, 'calls.log');
    mkdirSync(bin);
    writeFileSync(log, '');
    for (const tool of TOOLS) {
      const real = execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' }).trim();
      // fixed text: the tool's arguments stay "$@"
      writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >>${log}\nexec ${node.enter.join(' ')} ${real} "$@"\n`, { mode: 0o755 });
    }
    const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
    rs = await replicaSet(3, 'sync', {}, { [ATTRD_SOCKET_ENV]: undefined, PATH: `${bin}:${process.env.PATH}` });
    const r = rs;
    const [n1, n2, n3] = r.nodes as [Node, Node, Node];
    for (const n of r.nodes) expect((await n.act('start')).rc).toBe(0);
    expect((await n1.act('promote')).rc).toBe(0);
    r.moveVip(n1);
    await r.streaming(n1);
    const all = async (name: string) => {
      const q = await node.run('attrd_updater', ['-n', name, '-Q', '-A']);
      return Object.fromEntries(parseAttrdQueryAll(q.stdout));
    };
    const settled = { node1: 'LATEST', node2: 'STREAMING|SYNC', node3: 'STREAMING|ASYNC' };
    // The grading settles: node2 the synchronous standby (synchronous_standby_names), node3 asynchronous.
    let seen: Record<string, string> = {};
    await eventually(async () => {
      const m = await n1.monitor();
      expect(m.rc, m.stderr).toBe(8);
      seen = await all('pgsql-data-status');
      const same = Object.keys(seen).length === 3 && Object.entries(settled).every(([k, v]) => seen[k] === v);
      return same ? true : undefined;
    }, 30_000).catch((err) => {
      throw new Error(
        `${(err as Error).message}: pgsql-data-status ${JSON.stringify(seen)}; last calls:\n${calls().slice(-12).join('\n')}`,
      );
    });
    expect(n2.sql('select pg_is_in_recovery()')).toBe('t');
    expect(n3.sql('select pg_is_in_recovery()')).toBe('t');

    // A monitor now finds every value as it would write it.
    expect((await n1.monitor()).rc).toBe(8);
    writeFileSync(log, '');
    expect((await n1.monitor()).rc).toBe(8);
    expect(calls()).toEqual([
      'attrd_updater -n pgsql-timeline -Q -A',
      'attrd_updater -n pgsql-data-status -Q -A',
      'attrd_updater -n pgsql-status -Q -A',
      'attrd_updater -n master-pgsql -Q -A',
    ]);
    // What the real attrd holds: crm_attribute --promotion went through attrd, readable by -Q -A.
    expect(await all('pgsql-status')).toEqual({ node1: 'PRI', node2: 'HS:sync', node3: 'HS:async' });
    expect(await all('master-pgsql')).toEqual({ node1: '1000', node2: '100', node3: '-1000000' });

    // A change is written once: node3 stops, the primary's next monitor grades it and writes only that.
    expect((await n3.act('stop')).rc).toBe(0);
    writeFileSync(log, '');
    expect((await n1.monitor()).rc).toBe(8);
    expect(calls().filter((c) => !/ -Q -A$/.test(c))).toEqual(['attrd_updater -n pgsql-data-status -U DISCONNECT -N node3']);
  }, 240_000);
});
