import { describe, expect, it } from 'vitest';
import { longestPrefix, parseAddrs, parseRoutes, splitLinks } from './ip-output';

describe('ip -o output parsers', () => {
  it('parses addresses with labels, peers and @suffixes (as iproute2 6.1 prints them)', () => {
    const text = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '6: va    inet 10.99.0.1/24 scope global va\\       valid_lft forever preferred_lft forever',
      '6: va    inet 10.99.0.50/24 brd 10.99.0.255 scope global secondary va:vip\\       valid_lft forever preferred_lft forever',
      '7: tun0    inet 10.8.0.1 peer 10.8.0.2/32 scope global tun0\\       valid_lft forever preferred_lft forever',
      '8: host1    inet 192.0.2.7 scope global host1\\       valid_lft forever preferred_lft forever',
      '6: va    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever',
      '',
    ].join('\n');
    expect(parseAddrs(text)).toEqual([
      { ifname: 'lo', local: '127.0.0.1', prefix: 8, label: 'lo' },
      { ifname: 'va', local: '10.99.0.1', prefix: 24, label: 'va' },
      { ifname: 'va', local: '10.99.0.50', prefix: 24, label: 'va:vip' },
      { ifname: 'tun0', local: '10.8.0.1', prefix: 32, label: 'tun0' },
      { ifname: 'host1', local: '192.0.2.7', prefix: 32, label: 'host1' },
    ]);
  });

  it('parses routes and skips those without a device', () => {
    const text = [
      'default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.5 metric 100 ',
      '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5 ',
      '10.0.0.128/25 dev eth1 scope link ',
      '192.0.2.9 dev eth2 scope link ',
      'blackhole 10.9.0.0/16 ',
      'unicast 10.7.0.0/16 dev eth3 scope link ',
    ].join('\n');
    expect(parseRoutes(text)).toEqual([
      { dst: '0.0.0.0', prefix: 0, dev: 'eth0', via: true },
      { dst: '10.0.0.0', prefix: 24, dev: 'eth0', via: false },
      { dst: '10.0.0.128', prefix: 25, dev: 'eth1', via: false },
      { dst: '192.0.2.9', prefix: 32, dev: 'eth2', via: false },
      { dst: '10.7.0.0', prefix: 16, dev: 'eth3', via: false },
    ]);
  });

  it('picks the longest connected prefix, never a default or gateway route', () => {
    const routes = parseRoutes('default dev ppp0\n10.0.0.0/8 via 10.1.1.1 dev gw0\n10.0.0.0/16 dev a\n10.0.1.0/24 dev b');
    expect(longestPrefix(routes)?.dev).toBe('b');
    expect(longestPrefix(routes, 'a')).toEqual({ dst: '10.0.0.0', prefix: 16, dev: 'a', via: false });
    expect(longestPrefix(routes, 'gw0')).toBeUndefined();
    expect(longestPrefix(parseRoutes('default via 10.0.0.1 dev eth0'))).toBeUndefined();
  });
  it('splits a batch of routes then links (as iproute2 6.1 prints them with -o) into link flags and route lines', () => {
    const text = [
      '10.248.1.0/24 dev eth1 proto kernel scope link src 10.248.1.12 ',
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '26: eth1@if27: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 02:42:0a:f8:01:0c brd ff:ff:ff:ff:ff:ff link-netnsid 0',
      '5: v5: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 1a:54:da:03:18:0c brd ff:ff:ff:ff:ff:ff',
      '',
    ].join('\n');
    const { links, rest } = splitLinks(text);
    expect([...links]).toEqual([
      ['lo', ['LOOPBACK', 'UP', 'LOWER_UP']],
      ['eth1', ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']],
      ['v5', ['BROADCAST', 'NOARP']],
    ]);
    expect(parseRoutes(rest)).toEqual([{ dst: '10.248.1.0', prefix: 24, dev: 'eth1', via: false }]);
  });
});
