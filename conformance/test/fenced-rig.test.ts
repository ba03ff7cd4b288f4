import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { firstHost } from '../src/rigs/subnet';
import { seedCib } from '../src/scenarios/seed-cib';
import { allowedRequest, makeFencePki, serveDockerApiTls } from './docker-api-tls';
import { corosyncFor, haCfFor } from './fenced-rig';

const CONF = readFileSync(join(import.meta.dirname, '..', 'rigs', 'config', 'corosync.conf'), 'utf8');
const HA_CF = readFileSync(join(import.meta.dirname, '..', 'rigs', 'config', 'ha.cf'), 'utf8');

describe('the fenced rig', () => {
  it('listens on the first host of the lan subnet (Docker gives it to the bridge)', () => {
    expect(firstHost('10.217.1.0/24')).toBe('10.217.1.1');
    expect(firstHost('172.30.16.0/20')).toBe('172.30.16.1');
    expect(() => firstHost('fd00::/64')).toThrow('subnet "fd00::/64" is not IPv4 CIDR');
  });

  it('writes a two-node corosync.conf: the third node dropped, two_node set', () => {
    const two = corosyncFor(CONF, ['node1', 'node2']);
    expect(two).not.toContain('node3');
    expect(two).toContain('ring1_addr: 10.217.2.12');
    expect(two).toMatch(/quorum \{\s*provider: corosync_votequorum\s*two_node: 1\s*\}/);
    expect(corosyncFor(CONF, ['node1', 'node2', 'node3'])).toBe(CONF);
    expect(() => corosyncFor(CONF, ['node1', 'node9'])).toThrow('corosync.conf has no node block for node9');
  });

  it('writes a two-node ha.cf for the bundled engine: the third node and its addresses dropped, two_node on', () => {
    const two = haCfFor(HA_CF, ['node1', 'node2'], ['10.217.1.13', '10.217.2.13', '10.217.1.50']);
    expect(two.split('\n').filter((l) => /^(ucast|node|two_node)/.test(l))).toEqual([
      'ucast eth0 10.217.1.11',
      'ucast eth0 10.217.1.12',
      'ucast eth1 10.217.2.11',
      'ucast eth1 10.217.2.12',
      'node node1',
      'node node2',
      'two_node on',
    ]);
    expect(haCfFor(HA_CF, ['node1', 'node2', 'node3'], [])).toBe(HA_CF);
    expect(() => haCfFor(HA_CF, ['node1', 'node9'], [])).toThrow('ha.cf has no node line for node9');
  });

  it('lets a fence device ping, list and power-cycle the rig containers only', () => {
    const mine = new Set(['h37-rig-node1']);
    expect(allowedRequest('GET', '/v1.41/_ping', mine)).toBeUndefined();
    expect(allowedRequest('GET', '/containers/json?all=1', mine)).toBeUndefined();
    expect(allowedRequest('POST', '/v1.41/containers/h37-rig-node1/kill', mine)).toBeUndefined();
    expect(allowedRequest('GET', '/containers/h37-rig-node1/json', mine)).toBeUndefined();
    expect(allowedRequest('POST', '/containers/someone-else/kill', mine)).toBe('container "someone-else" is not a node of this rig');
    expect(allowedRequest('POST', '/containers/create', mine)).toBe('POST /containers/create is not a fencing request');
    expect(allowedRequest('DELETE', '/containers/h37-rig-node1/json', mine)).toBe('DELETE /containers/h37-rig-node1/json: wrong method');
    expect(allowedRequest('POST', '/containers/h37-rig-node1/exec', mine)).toBe(
      'POST /containers/h37-rig-node1/exec is not a fencing request',
    );
  });

  describe.skipIf(requireTool(['crm_verify']))('the seed with a fence device', () => {
    it('passes crm_verify (Pacemaker 2.1): only the offline nodes count as unclean', () => {
      const dir = openTempDir('ocfkit-fence-seed-');
      const xml = seedCib({
        fencing: { agent: 'fence_ocfkit_docker', action: 'off', params: { pcmk_host_map: 'node1:c1;node2:c2', ip: '10.217.1.1' } },
      });
      expect(xml).toContain('<primitive id="fenceDocker" class="stonith" type="fence_ocfkit_docker">');
      expect(xml).toContain('name="stonith-enabled" value="true"');
      writeFileSync(join(dir, 'cib.xml'), xml);
      // offline, with fencing on, every node is unclean (no status section): warnings, not errors
      const r = spawnSync('crm_verify', ['-VVV', '-x', join(dir, 'cib.xml')], { encoding: 'utf8' });
      const lines = r.stderr.split('\n').filter((l) => /\b(warning|error|crit):/.test(l) && !/unclean|lack of quorum/.test(l));
      expect(lines).toEqual([]);
      expect(r.stderr).toContain('Node node1 is unclean but cannot be fenced');
    });
  });
});

describe.skipIf(
  requireTool(['docker', 'openssl'], () =>
    spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 ? undefined : 'dockerd does not answer',
  ),
)('the Docker API over mutual TLS for fence devices', () => {
  const dir = openTempDir('ocfkit-fence-pki-');
  const pki = makeFencePki(join(dir, 'pki'), '127.0.0.1');
  const closing: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closing) await c();
  });

  const get = (port: number, path: string, withCert: boolean) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: path.endsWith('/kill') ? 'POST' : 'GET',
          ca: readFileSync(pki.ca),
          ...(withCert ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers a client certificate of the rig CA, refuses anyone without one, and relays only fencing requests', async () => {
    const api = await serveDockerApiTls({ pki, host: '127.0.0.1', containers: new Set(['h37-no-such-container']) });
    closing.push(api.close);
    expect(await get(api.port, '/_ping', true)).toEqual({ status: 200, body: 'OK' });
    await expect(get(api.port, '/_ping', false)).rejects.toThrow();
    const other = await get(api.port, '/containers/someone-else/kill', true);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body).message).toBe(
      `refused by the rig's fencing endpoint: container "someone-else" is not a node of this rig`,
    );
    const absent = await get(api.port, '/containers/h37-no-such-container/json', true);
    expect(absent.status).toBe(404);
    expect(api.refused).toEqual(['POST /containers/someone-else/kill: container "someone-else" is not a node of this rig']);
  });
});
