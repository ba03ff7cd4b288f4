/**
 * The pre-promote self-ban against Pacemaker's own tools on a CIB file (CIB_file: cibadmin and
 * crm_resource edit it as they would the live CIB): the ban names the promotable clone, and
 * crm_verify / crm_simulate show Pacemaker applying it — where a ban of the primitive (heartbeat's)
 * is a constraint Pacemaker ignores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ctx } from './owner';
import { banFromNode, cloneIdOf } from './self-ban';

const CIB = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/><node id="3" uname="node3"/></nodes>
    <resources><clone id="pg-clone"><meta_attributes id="m"><nvpair id="m1" name="promotable" value="true"/></meta_attributes>
      <primitive id="pg" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;

describe('cloneIdOf', () => {
  it('reads the clone (or master) id from cibadmin --xpath output', () => {
    expect(cloneIdOf('<clone id="pg-clone">\n  <primitive id="pg"/>\n</clone>\n')).toBe('pg-clone');
    expect(cloneIdOf('<master id="msPostgresql">\n</master>')).toBe('msPostgresql');
    expect(cloneIdOf('')).toBeUndefined();
  });
});

const missing = requireTool(['cibadmin', 'crm_resource', 'crm_verify', 'crm_simulate']);
describe.skipIf(missing)('the self-ban with Pacemaker tools on a CIB file', () => {
  let dir = '';
  let cib = '';
  const env = () => ({ ...process.env, CIB_file: cib });
  // The agent's context as far as banFromNode uses it: argv exec (no shell), binaries, time left.
  const ctx = {
    haveBinary: (b: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', b]).status === 0,
    remainingMs: () => 30_000,
    exec: async (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { env: env(), encoding: 'utf8' });
      return { exitCode: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  } as unknown as Ctx;
  const verify = () => spawnSync('crm_verify', ['-V', '-x', cib], { encoding: 'utf8' });
  const scoreOnNode3 = () =>
    /pg-clone allocation score on node3: (\S+)/.exec(spawnSync('crm_simulate', ['-x', cib, '-s'], { encoding: 'utf8' }).stdout)?.[1];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-pgsql-ban-'));
    cib = join(dir, 'cib.xml');
    writeFileSync(cib, CIB);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('bans the clone from the node, a constraint Pacemaker applies', async () => {
    expect(scoreOnNode3()).toBe('0');
    expect(await banFromNode(ctx, 'pg', 'node3')).toBe(
      'banned pg-clone from node3: clear it with crm_resource --clear --resource pg-clone once node3 is rewound',
    );
    expect(readFileSync(cib, 'utf8')).toMatch(
      /<rsc_location id="cli-ban-pg-clone-on-node3" rsc="pg-clone"[^>]* node="node3" score="-INFINITY"/,
    );
    expect(verify().status).toBe(0);
    expect(scoreOnNode3()).toBe('-INFINITY');
  });

  it("heartbeat's ban of the primitive is ignored by Pacemaker (why the clone is looked up)", () => {
    expect(spawnSync('crm_resource', ['--ban', '--resource', 'pg', '--node', 'node3', '--quiet'], { env: env() }).status).toBe(0);
    const v = verify();
    expect(v.status).not.toBe(0);
    expect(v.stderr).toMatch(/Ignoring constraint 'cli-ban-pg-on-node3' because 'pg' is not a valid resource/);
  });

  it('says why it did not ban: no clone holds the resource, or an id that is not an XML id', async () => {
    expect(await banFromNode(ctx, 'other', 'node3')).toMatch(/^not banning: no clone holds other in the CIB/);
    expect(await banFromNode(ctx, "pg']|//x['", 'node3')).toMatch(/^not banning: resource id .* is not an XML id$/);
    expect(readFileSync(cib, 'utf8')).not.toMatch(/rsc_location/);
  });
});
