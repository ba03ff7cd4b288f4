import { describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, nextConfigVersion, nextStatusVersion, readVersion, writeVersion } from './store-version';

describe('the CIB version triple', () => {
  it('compares admin_epoch, then epoch, then num_updates, numerically', () => {
    const v = (s: string) => {
      const [admin_epoch = '', epoch = '', num_updates = ''] = s.split('.');
      return readVersion({ admin_epoch, epoch, num_updates });
    };
    const sorted = ['0.10.0', '1.0.0', '0.9.99', '0.10.2', '0.2.5'].sort((a, b) => compareVersions(v(a), v(b)));
    expect(sorted).toEqual(['0.2.5', '0.9.99', '0.10.0', '0.10.2', '1.0.0']);
    // A configuration replacement compares without num_updates.
    expect(compareVersions(v('0.10.9'), v('0.10.0'), false)).toBe(0);
  });

  it('reads a missing counter as Pacemaker does (-1: older than 0), and the next bump makes it 0', () => {
    const missing = readVersion({ epoch: '3' });
    expect(missing).toEqual({ adminEpoch: -1, epoch: 3, numUpdates: -1 });
    expect(compareVersions(missing, readVersion({ admin_epoch: '0', epoch: '3', num_updates: '0' }))).toBeLessThan(0);
    expect(formatVersion(missing)).toBe('0.3.0');
    const attrs: Record<string, string> = {};
    writeVersion(attrs, nextStatusVersion(missing));
    expect(attrs).toEqual({ admin_epoch: '0', epoch: '3', num_updates: '0' });
    writeVersion(attrs, nextConfigVersion(readVersion({})));
    expect(attrs).toEqual({ admin_epoch: '0', epoch: '0', num_updates: '0' });
  });

  it('names a bad counter', () => {
    expect(() => readVersion({ epoch: '1.5' })).toThrow('<cib> has a bad epoch="1.5" (expected a non-negative integer)');
    expect(() => readVersion({ num_updates: '-2' })).toThrow('<cib> has a bad num_updates="-2"');
  });
});
