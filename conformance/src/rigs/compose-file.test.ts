import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate, loadComposeFile } from './compose-file';

const FILE = join(import.meta.dirname, '..', '..', '..', 'docker-compose.yml');

describe('docker-compose.yml as rigs read it', () => {
  it('substitutes variables as docker-compose does', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax, not a template
    expect(interpolate('${A:-x} ${B-y} ${C} $$HOME', { A: '', B: 'b' })).toBe('x b  $HOME');
  });

  it('has three nodes and a client with fixed addresses on two bridges', () => {
    const c = loadComposeFile(FILE, {});
    expect([...c.services.keys()]).toEqual(['node1', 'node2', 'node3', 'client']);
    expect([...c.networks]).toEqual([
      ['lan', { subnet: '10.217.1.0/24' }],
      ['hb', { subnet: '10.217.2.0/24' }],
    ]);
    expect(c.services.get('node2')?.networks).toEqual([
      { name: 'lan', ipv4: '10.217.1.12' },
      { name: 'hb', ipv4: '10.217.2.12' },
    ]);
  });

  it('moves both bridges and every address to OCFKIT_RIG_NET, and tells the nodes (start-node.sh rewrites ha.cf/corosync.conf)', () => {
    const c = loadComposeFile(FILE, { OCFKIT_RIG_NET: '10.230' });
    expect([...c.networks.values()].map((n) => n.subnet)).toEqual(['10.230.1.0/24', '10.230.2.0/24']);
    expect(c.services.get('node3')?.networks.map((n) => n.ipv4)).toEqual(['10.230.1.13', '10.230.2.13']);
    expect(c.services.get('client')?.networks.map((n) => n.ipv4)).toEqual(['10.230.1.50']);
    expect(c.services.get('node1')?.environment.OCFKIT_RIG_NET).toBe('10.230');
  });

  it('gives nodes NET_ADMIN/NET_RAW/SYS_NICE only, tmpfs /run, read-only config and agents, the shared volume', () => {
    const n = loadComposeFile(FILE, { OCFKIT_RIG_ENGINE: 'pacemaker', OCFKIT_RIG_IMAGE: 'img:1' }).services.get('node1');
    expect(n?.image).toBe('img:1');
    expect(n?.environment).toEqual({ OCFKIT_RIG_ENGINE: 'pacemaker', OCFKIT_RIG_NET: '10.217' });
    expect(n?.capAdd).toEqual(['NET_ADMIN', 'NET_RAW', 'SYS_NICE']);
    expect(n?.tmpfs).toEqual(['/run', '/tmp']);
    expect(n?.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(n?.mounts.map((m) => `${m.kind} ${m.target}${m.readOnly ? ' ro' : ''}`)).toEqual([
      'bind /etc/ocfkit-rig ro',
      'bind /usr/lib/ocf/resource.d/ocfkit ro',
      'bind /opt/ocfkit ro',
      'volume /shared',
    ]);
  });
});
