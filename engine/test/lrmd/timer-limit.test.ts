/** Timeouts past Node's timer limit (2^31 - 1 ms) fire after 1 ms: the executor refuses them. */
import { expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import { FIXTURE_RA_DIR, scriptedDir } from './helpers';

test('refuses timeouts, intervals and start delays beyond 2^31 - 1 ms instead of killing the agent at once', async () => {
  const s = scriptedDir();
  const ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
  try {
    ex.register({ id: 'r1', provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
    await expect(ex.run({ rsc: 'r1', action: 'monitor', timeoutMs: 2 ** 31 })).rejects.toThrow(
      'invalid timeoutMs 2147483648: at most 2147483647 ms (24.8 days)',
    );
    await expect(ex.run({ rsc: 'r1', action: 'monitor', timeoutMs: 1000, intervalMs: 2 ** 32 })).rejects.toThrow(
      /invalid intervalMs 4294967296/,
    );
    await expect(ex.run({ rsc: 'r1', action: 'monitor', timeoutMs: 1000, startDelayMs: 2 ** 32 })).rejects.toThrow(
      /invalid startDelayMs 4294967296/,
    );
    expect((await ex.run({ rsc: 'r1', action: 'monitor', timeoutMs: 2 ** 31 - 1 })).execStatus).toBe('done');
  } finally {
    await ex.close();
    s.cleanup();
  }
});
