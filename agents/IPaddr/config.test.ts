import { describe, expect, it } from 'vitest';
import { staticConfig } from './config';

describe('staticConfig', () => {
  it('accepts the heartbeat forms and reports deprecated ones as warnings', () => {
    expect(staticConfig({ ip: '10.0.0.5' })).toEqual({ ok: true, value: { ip: '10.0.0.5', warnings: [] } });
    expect(staticConfig({ ip: '10.0.0.5', nic: 'eth0:vip', cidr_netmask: '255.255.255.0', broadcast: '+' })).toEqual({
      ok: true,
      value: {
        ip: '10.0.0.5',
        nic: 'eth0',
        prefix: 24,
        broadcast: '+',
        iflabel: 'vip',
        warnings: [
          'nic=eth0:vip: the nic:label form is deprecated, use nic=eth0 iflabel=vip',
          'cidr_netmask=255.255.255.0 read as /24; prefer the bit count',
        ],
      },
    });
    expect(staticConfig({ ip: '10.0.0.5', nic: 'eth0', iflabel: 'web' })).toMatchObject({ ok: true, value: { iflabel: 'web' } });
  });

  it('rejects bad values with a message naming them', () => {
    const err = (p: Parameters<typeof staticConfig>[0]) => {
      const r = staticConfig(p);
      return r.ok ? 'ok' : r.error;
    };
    expect(err({ ip: '10.0.0.5', nic: 'eth0/x' })).toBe('parameter "nic" must be an interface name of at most 15 characters, got "eth0/x"');
    expect(err({ ip: '10.0.0.5', nic: 'averyveryverylongname' })).toContain('at most 15 characters');
    expect(err({ ip: '10.0.0.5', cidr_netmask: '40' })).toContain('got "40"');
    expect(err({ ip: '10.0.0.5', broadcast: 'x' })).toContain('got "x"');
    expect(err({ ip: '10.0.0.5', iflabel: 'a b' })).toBe(
      'parameter "iflabel" may contain only letters, digits, "_", "." and "-", got "a b"',
    );
    expect(err({ ip: '10.0.0.5', nic: 'enp0s31f6', iflabel: 'service' })).toBe(
      'label "enp0s31f6:service" (nic:iflabel) is longer than 15 characters',
    );
    expect(err({ ip: '1.2.3' })).toContain('got "1.2.3"');
  });
});
