import { describe, expect, it } from 'vitest';
import { parsePasswd } from './account';

describe('parsePasswd', () => {
  const text =
    'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\nbad:x::1::/:/bin/sh\n';

  it('finds an account by exact name', () => {
    expect(parsePasswd(text, 'postgres')).toEqual({ name: 'postgres', uid: 101, gid: 104, home: '/var/lib/postgresql' });
    expect(parsePasswd(text, 'root')).toEqual({ name: 'root', uid: 0, gid: 0, home: '/root' });
  });

  it('returns undefined for unknown names, prefixes and malformed lines', () => {
    expect(parsePasswd(text, 'post')).toBeUndefined();
    expect(parsePasswd(text, 'bad')).toBeUndefined();
    expect(parsePasswd(text, '')).toBeUndefined();
  });
});
