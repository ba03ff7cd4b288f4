import { describe, expect, it } from 'vitest';
import type { MetaData } from './checks/metadata-model';
import { deriveSecond } from './suite';
import { resolveTarget } from './target';

const md: MetaData = {
  name: 'x',
  params: [
    { name: 'state', required: false, unique: true, options: [] },
    { name: 'fake', required: false, unique: false, options: [] },
    { name: 'ip', required: false, unique: true, options: [] },
  ],
  actions: [],
};

describe('deriveSecond', () => {
  it('suffixes unique absolute paths and leaves other parameters alone', () => {
    expect(deriveSecond(md, { state: '/tmp/a.state', fake: 'f' })).toEqual({ state: '/tmp/a.state.b', fake: 'f' });
  });
  it('gives the reason when a unique value cannot be derived', () => {
    expect(deriveSecond(md, { ip: '192.0.2.10' })).toBe(
      'cannot derive a second value for unique parameter ip="192.0.2.10"; configure "second" parameters',
    );
    expect(deriveSecond(undefined, {})).toMatch(/^no usable meta-data/);
  });
});

describe('resolveTarget', () => {
  it('resolves ocf:provider:type along the search path and rejects bad names', () => {
    expect(resolveTarget('ocf:heartbeat:Dummy', ['/nonexistent', '/usr/lib/ocf/resource.d'])).toEqual({
      path: '/usr/lib/ocf/resource.d/heartbeat/Dummy',
      provider: 'heartbeat',
      type: 'Dummy',
    });
    expect(() => resolveTarget('ocf:../x:Dummy')).toThrow('invalid agent name "ocf:../x:Dummy"');
    expect(() => resolveTarget('ocf:heartbeat:NoSuchAgent')).toThrow(
      'agent ocf:heartbeat:NoSuchAgent not found in /usr/lib/ocf/resource.d',
    );
  });
});
