import { describe, expect, it } from 'vitest';
import { maskOf, parseBroadcast, parseIpv4, parsePrefix, parseVirtualIp } from './ipv4';

describe('ipv4', () => {
  it('parses strict dotted quads', () => {
    expect(parseIpv4('10.0.0.1')).toBe(167772161);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.0.0', '10.0.0.1.2', '256.0.0.1', '010.0.0.1', '10.0.0.-1', '10..0.1', ' 10.0.0.1', 'a.b.c.d', '']) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
  });

  it('accepts unicast virtual addresses only, naming the bad value', () => {
    expect(parseVirtualIp('192.168.1.10')).toEqual({ ok: true, value: 3232235786 });
    expect(parseVirtualIp('bogus')).toEqual({
      ok: false,
      error: 'parameter "ip" must be an IPv4 address such as 192.168.1.10, got "bogus"',
    });
    expect(parseVirtualIp('fe80::1')).toMatchObject({ ok: false, error: expect.stringContaining('IPv6 is not supported') });
    for (const bad of ['0.0.0.0', '224.0.0.1', '239.1.1.1', '255.255.255.255', '240.0.0.1']) {
      expect(parseVirtualIp(bad)).toEqual({ ok: false, error: `parameter "ip" must be a unicast host address, got "${bad}"` });
    }
  });

  it('reads cidr_netmask as bits or a contiguous dotted mask', () => {
    expect(parsePrefix('24')).toEqual({ ok: true, value: 24 });
    expect(parsePrefix('0')).toEqual({ ok: true, value: 0 });
    expect(parsePrefix('32')).toEqual({ ok: true, value: 32 });
    expect(parsePrefix('255.255.255.0')).toEqual({ ok: true, value: 24 });
    expect(parsePrefix('255.255.254.0')).toEqual({ ok: true, value: 23 });
    expect(parsePrefix('0.0.0.0')).toEqual({ ok: true, value: 0 });
    expect(parsePrefix('255.0.255.0')).toEqual({
      ok: false,
      error:
        'parameter "cidr_netmask" must be a prefix length 0-32 or a dotted netmask such as 255.255.255.0, got "255.0.255.0" (the mask is not contiguous)',
    });
    for (const bad of ['33', '-1', '24.5', '/24', 'abc', '']) expect(parsePrefix(bad).ok, bad).toBe(false);
  });

  it('accepts broadcast as an address, + or -', () => {
    for (const ok of ['+', '-', '10.0.0.255']) expect(parseBroadcast(ok)).toEqual({ ok: true, value: ok });
    expect(parseBroadcast('all')).toEqual({ ok: false, error: 'parameter "broadcast" must be an IPv4 address, "+" or "-", got "all"' });
  });

  it('computes masks', () => {
    expect(maskOf(0)).toBe(0);
    expect(maskOf(24)).toBe(0xffffff00);
    expect(maskOf(32)).toBe(0xffffffff);
  });
});
