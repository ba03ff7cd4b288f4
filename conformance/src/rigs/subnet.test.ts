import { describe, expect, it } from 'vitest';
import { rigNet } from './create-rig';
import { firstHost, nthHost } from './subnet';

describe('subnet hosts', () => {
  it('finds the gateway and the VIP of a rig lan', () => {
    expect(firstHost('10.217.1.0/24')).toBe('10.217.1.1');
    expect(nthHost('10.218.1.0/24', 100)).toBe('10.218.1.100');
    expect(nthHost('10.218.4.7/22', 300)).toBe('10.218.5.44');
  });
  it('names a host outside the subnet or a subnet that is not IPv4 CIDR', () => {
    expect(() => nthHost('10.218.1.0/28', 100)).toThrow('host 100 is not inside subnet 10.218.1.0/28');
    expect(() => nthHost('fd00::/64', 1)).toThrow('subnet "fd00::/64" is not IPv4 CIDR');
  });
  it('takes a rig net of two octets and names a bad one', () => {
    expect(rigNet('10.230')).toBe('10.230');
    expect(() => rigNet('10.230.1')).toThrow('rig net "10.230.1" must be the first two octets');
    expect(() => rigNet('10.300')).toThrow('rig net "10.300"');
  });
});
