import { describe, expect, it } from 'vitest';
import { isRunning } from './state-letters';
import { parseXmLong } from './xm-long';

// The shape of `xm list --long` on Xen 3.x (xend PrettyPrint of the domain s-expression).
const XM_LONG = `(domain
    (domid 12)
    (on_crash restart)
    (uuid 5c4b3e2a-7f1d-4a3e-9a55-0c2f6e9b1a77)
    (bootloader_args )
    (vcpus 2)
    (name web1)
    (on_poweroff destroy)
    (on_reboot restart)
    (bootloader /usr/bin/pygrub)
    (maxmem 1024)
    (memory 1024)
    (shadow_memory 0)
    (features )
    (start_time 1232556425.37)
    (cpu_time 23.414560545)
    (online_vcpus 2)
    (image (linux (kernel ) (notes (SUSPEND_CANCEL 1))))
    (status 2)
    (state -b----)
    (store_mfn 1175299)
    (console_mfn 1175298)
)
`;

describe('parseXmLong', () => {
  it('reads name, id, state letters, status, memory and vcpus', () => {
    const [d] = parseXmLong(XM_LONG);
    expect(d).toMatchObject({ name: 'web1', id: 12, state: '-b----', status: 2, memMB: 1024, vcpus: 2 });
    expect(isRunning(d!.flags)).toBe(true);
  });

  it.each([
    ['(status 1)', true],
    ['(status 2)', true],
    ['(status 0)', false],
    ['(status 4)', false],
    ['(status 5)', false],
  ])('without state letters, %s → running %s', (status, running) => {
    const [d] = parseXmLong(`(domain (domid 3) (name vm) ${status})`);
    expect(isRunning(d!.flags)).toBe(running);
  });

  it('state letters win over status; crashed and dying are not running', () => {
    expect(isRunning(parseXmLong('(domain (name a) (status 2) (state ----c-))')[0]!.flags)).toBe(false);
    expect(isRunning(parseXmLong('(domain (name a) (state -b---d))')[0]!.flags)).toBe(false);
    expect(parseXmLong('(domain (name a))')[0]!.flags.running).toBe(false);
  });

  it('ignores other expressions and nameless domains', () => {
    expect(parseXmLong('(vcpu (number 0))\n(domain (domid 1))')).toEqual([]);
  });
});
