import { describe, expect, it } from 'vitest';
import { lsnKey } from './lsn';
import { lagText, lsnText, type PromoteEvidence, promoteRefusal } from './rep-guard';

const base: PromoteEvidence = {
  me: 'n2',
  mode: 'sync',
  rsc: 'pgsql',
  dataStatus: 'STREAMING|SYNC',
  timeline: 1,
  loc: lsnKey('0/5000000'),
  others: [],
};

describe('promotion safety rules', () => {
  it('lets an in-sync standby, a never-graded one and the LATEST one promote', () => {
    expect(promoteRefusal(base)).toBeUndefined();
    expect(promoteRefusal({ ...base, dataStatus: undefined })).toBeUndefined();
    expect(promoteRefusal({ ...base, dataStatus: 'LATEST' })).toBeUndefined();
    expect(promoteRefusal({ ...base, mode: 'async', dataStatus: 'STREAMING|ASYNC' })).toBeUndefined();
  });

  it('refuses a node the primary graded as not in sync, saying how to accept the loss', () => {
    expect(promoteRefusal({ ...base, dataStatus: 'STREAMING|ASYNC' })).toBe(
      'my data may lack commits (pgsql-data-status=STREAMING|ASYNC): promote an in-sync node, or set it LATEST to accept the loss',
    );
    expect(promoteRefusal({ ...base, mode: 'async', dataStatus: 'DISCONNECT' })).toMatch(
      /^my data may lack commits \(pgsql-data-status=DISCONNECT\)/,
    );
    expect(promoteRefusal({ ...base, dataStatus: 'CATCHUP|ASYNC' })).toMatch(/pgsql-data-status=CATCHUP\|ASYNC/);
  });

  it('refuses when another node knows a later timeline (a newer primary ran), naming the newest', () => {
    const others = [
      { node: 'n1', timeline: 2 },
      { node: 'n3', timeline: 3 },
    ];
    expect(promoteRefusal({ ...base, others })).toBe(
      'timeline 1 here but n3 is on timeline 3: a newer primary ran; promote n3 or pg_rewind me',
    );
    expect(promoteRefusal({ ...base, timeline: 3, others })).toBeUndefined();
    expect(promoteRefusal({ ...base, timeline: undefined, others })).toBeUndefined();
  });

  it('refuses when another node published newer WAL on the same or a later timeline, with the lag', () => {
    const newer = { node: 'n3', timeline: 1, loc: lsnKey('0/5100000') };
    expect(promoteRefusal({ ...base, others: [newer] })).toBe(
      'n3 has newer WAL (0/5100000) than mine (0/5000000, 1 MB behind): promote n3',
    );
    // a higher position on an older timeline is not newer data (heartbeat compares positions only)
    expect(promoteRefusal({ ...base, timeline: 2, others: [newer] })).toBeUndefined();
    expect(promoteRefusal({ ...base, others: [{ node: 'n3', loc: lsnKey('0/4000000') }] })).toBeUndefined();
    expect(promoteRefusal({ ...base, loc: undefined, others: [newer] })).toBeUndefined();
  });

  it('keeps every reason within the 128 characters of an exit reason (node names up to 20 characters)', () => {
    const long = 'pgnode-03.dc2.corp.x';
    const reasons = [
      promoteRefusal({ ...base, rsc: 'pgsql-replicated', dataStatus: 'DISCONNECT' }),
      promoteRefusal({ ...base, others: [{ node: long, timeline: 12 }] }),
      promoteRefusal({ ...base, others: [{ node: long, loc: lsnKey('1A/FFFFFFFF') }] }),
    ];
    for (const r of reasons) expect(r?.length).toBeLessThanOrEqual(128);
  });

  it('prints positions and lags as PostgreSQL and people do', () => {
    expect(lsnText('00000016B374D848')).toBe('16/B374D848');
    expect(lsnText('0000000000000000')).toBe('0/0');
    expect(lagText(lsnKey('0/400') as string, lsnKey('0/0') as string)).toBe('1 kB');
    expect(lagText(lsnKey('0/10') as string, lsnKey('0/0') as string)).toBe('16 B');
  });
});
