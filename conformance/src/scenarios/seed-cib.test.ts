import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_AGENTS, parseAgents } from './agents-under-test';
import { seedCib } from './seed-cib';

const COMMITTED = join(import.meta.dirname, '..', '..', 'rigs', 'config', 'cib.xml');

describe('the seed configuration', () => {
  it('the cib.xml docker-compose.yml mounts is seedCib() with ocfkit agents', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(seedCib());
  });

  it('names the agents under test and keeps rul_DK_dsc', () => {
    const xml = seedCib({ agents: HEARTBEAT_AGENTS });
    expect(xml).toContain('<primitive id="prmIp" class="ocf" provider="heartbeat" type="IPaddr2">');
    expect(xml).toContain('<primitive id="prmPg" class="ocf" provider="heartbeat" type="pgsql">');
    expect(xml).toContain('<rsc_location id="rul_DK_dsc" rsc="grp_pgsql">');
    expect(xml).toContain('attribute="diskcheck_status" operation="eq" value="ERROR"');
  });

  describe.skipIf(requireTool(['crm_verify']))('crm_verify (Pacemaker 2.1) accepts it', () => {
    it.each([
      ['ocfkit', seedCib()],
      ['heartbeat', seedCib({ agents: HEARTBEAT_AGENTS })],
    ])('%s agents', (_, xml) => {
      const dir = mkdtempSync(join(tmpdir(), 'ocfkit-seed-'));
      try {
        writeFileSync(join(dir, 'cib.xml'), xml);
        const r = spawnSync('crm_verify', ['-x', join(dir, 'cib.xml')], { encoding: 'utf8' });
        expect(`${r.status} ${r.stderr}`).toBe('0 ');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('parseAgents', () => {
  it('takes roles from the type name or a prefix, and keeps the rest', () => {
    expect(parseAgents(['ocf:heartbeat:IPaddr2', 'pgsql=ocf:acme:postgres'])).toEqual({
      ip: { provider: 'heartbeat', type: 'IPaddr2' },
      pgsql: { provider: 'acme', type: 'postgres' },
      diskcheck: { provider: 'ocfkit', type: 'diskcheck' },
    });
  });

  it('names what it cannot place', () => {
    expect(() => parseAgents(['ocf:acme:mysql'])).toThrow(
      'cannot tell the role of ocf:acme:mysql: prefix it with ip=, pgsql= or diskcheck=',
    );
    expect(() => parseAgents(['IPaddr'])).toThrow('agent "IPaddr" must be [ip=|pgsql=|diskcheck=]ocf:PROVIDER:TYPE');
  });
});
