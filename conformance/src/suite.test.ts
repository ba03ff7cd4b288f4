import { describe, expect, it } from 'vitest';
import { resolveTarget } from './target';

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
