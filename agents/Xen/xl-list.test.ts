import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListTable } from './xl-list';

const fixture = (name: string) => readFileSync(new URL(`./test/fixtures/${name}`, import.meta.url), 'utf8');

describe('parseListTable', () => {
  it('reads real xl list output', () => {
    const rows = parseListTable(fixture('xl-list.txt'));
    expect(rows.map((r) => [r.name, r.id, r.memMB, r.vcpus, r.state, r.cpuSeconds])).toEqual([
      ['Domain-0', 0, 13036, 8, 'r-----', 398.7],
      ['guest-01', 1, 1024, 2, '-b----', 6],
      ['Avignon-02', 5, 1024, 2, '-b----', 0.5],
      ['vps0', 7, 24576, 1, '-b----', 2.9],
    ]);
  });

  it('reads real xm list output (three-digit ids, six-digit times)', () => {
    const rows = parseListTable(fixture('xm-list.txt'));
    expect(rows.map((r) => [r.name, r.id, r.state])).toEqual([
      ['Domain-0', 0, 'r-----'],
      ['vm16', 121, '-b----'],
      ['vm24', 122, '-b----'],
    ]);
  });

  it('keeps names with odd characters, accepts a missing id (halted xend-managed domain), skips junk', () => {
    const text = [
      'Name                                        ID   Mem VCPUs      State   Time(s)',
      'web 1 (old)                                  4   512     1     -b----      1.0',
      'halted                                           512     1     ------      0.0',
      'libxl: warning: something unrelated',
      '',
    ].join('\n');
    expect(parseListTable(text).map((r) => [r.name, r.id, r.state])).toEqual([
      ['web 1 (old)', 4, '-b----'],
      ['halted', undefined, '------'],
    ]);
  });
});
