import { describe, expect, it } from 'vitest';
import { heartbeatMs } from './duration';
import { parseHaCf } from './ha-cf';

const SEED = `# /etc/ha.d/ha.cf of the seed cluster
keepalive 2
warntime 20
deadtime 24
initdead 48
udpport 694
bcast eth1
bcast eth2
node srv01
node srv02
crm on
use_logd on
`;

describe('parseHaCf', () => {
  it('reads the seed cluster', () => {
    const { value, warnings } = parseHaCf(SEED, 'ha.cf');
    expect(warnings).toEqual([]);
    expect(value).toMatchObject({
      keepaliveMs: 2000,
      warntimeMs: 20_000,
      deadtimeMs: 24_000,
      initdeadMs: 48_000,
      udpport: 694,
      media: [
        { kind: 'bcast', interface: 'eth1' },
        { kind: 'bcast', interface: 'eth2' },
      ],
      nodes: ['srv01', 'srv02'],
      crm: 'on',
      logging: { useLogd: true },
    });
  });

  it('accepts Heartbeat time units and every medium with its arguments', () => {
    const { value } = parseHaCf(
      'keepalive 500ms\ndeadtime 1.5\nwarntime 1s\nmcast eth0 239.0.0.43 694 1 0\nucast eth1 10.0.0.2\nbcast eth2 eth3\nnode a b c\npacemaker respawn\n',
      'f',
    );
    expect([value.keepaliveMs, value.deadtimeMs, value.warntimeMs, value.initdeadMs]).toEqual([500, 1500, 1000, 1500]);
    expect(value.media).toEqual([
      { kind: 'mcast', interface: 'eth0', group: '239.0.0.43', port: 694, ttl: 1, loop: false },
      { kind: 'ucast', interface: 'eth1', peer: '10.0.0.2' },
      { kind: 'bcast', interface: 'eth2' },
      { kind: 'bcast', interface: 'eth3' },
    ]);
    expect(value.crm).toBe('respawn');
    expect(heartbeatMs('250usec')).toBe(0);
    expect(heartbeatMs('2min')).toBeUndefined();
  });

  it('warns about unknown directives with file:line, and maps auto_failback to stickiness', () => {
    const { value, warnings } = parseHaCf('bcast eth0\nnode a b\nwatchdog /dev/watchdog\nauto_failback off\n', '/etc/ha.d/ha.cf');
    expect(warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      '/etc/ha.d/ha.cf:3: unknown directive "watchdog" ignored',
      '/etc/ha.d/ha.cf:4: auto_failback off is a Heartbeat v1 setting; mapped to resource-stickiness=INFINITY in rsc_defaults (set it in the CIB instead)',
    ]);
    expect(value.stickiness).toBe('INFINITY');
  });

  it.each([
    ['keepalive fast\n', 'ha.cf:1: keepalive "fast" is not a time (seconds such as 2 or 1.5, or 500ms)'],
    ['udpport 70000\n', 'ha.cf:1: udpport "70000" is not a port number (1-65535)'],
    ['\nbcast\n', 'ha.cf:2: bcast needs at least one interface (e.g. bcast eth1)'],
    ['mcast eth0 10.0.0.1 694 1 0\n', 'ha.cf:1: mcast group "10.0.0.1" is not an IPv4 multicast address (224.0.0.0-239.255.255.255)'],
    ['ucast eth0\n', 'ha.cf:1: ucast takes 2 arguments (interface peer-address), got 1'],
    ['crm maybe\n', 'ha.cf:1: crm must be on, respawn or off, got "maybe"'],
    ['keepalive 2\ndeadtime 2\n', 'ha.cf:2: deadtime (2000 ms) must be longer than keepalive (2000 ms)'],
    ['node a\n', 'ha.cf: no bcast, mcast or ucast line: there is no medium to send heartbeats on'],
    ['bcast eth0\nnode a b c\ntwo_node on\n', 'ha.cf:3: two_node needs exactly 2 nodes, ha.cf lists 3'],
  ])('refuses %j', (text, message) => {
    expect(() =>
      parseHaCf(
        `${text}${text.includes('bcast') || text.startsWith('node') || text.includes('cast') ? '' : 'bcast eth0\nnode a b\n'}`,
        'ha.cf',
      ),
    ).toThrow(message);
  });

  it('turns wait_for_all on with two_node, as votequorum does', () => {
    expect(parseHaCf('bcast eth0\nnode a b\ntwo_node on\n', 'f').value.quorum).toEqual({ votes: {}, twoNode: true, waitForAll: true });
    expect(parseHaCf('bcast eth0\nnode a b\ntwo_node on\nwait_for_all off\n', 'f').value.quorum.waitForAll).toBe(false);
  });
});
