import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@ocfkit/conformance/cli';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-member-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ocfkit(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

describe('ocfkit member status / get', () => {
  it('reads the daemon status file and prints one line per fact', async () => {
    const state = join(dir, 'ok');
    execFileSync('mkdir', [state]);
    const status = {
      name: 'node1',
      role: 'member',
      dc: 'node2',
      term: { n: 3 },
      quorate: true,
      alive: ['node1', 'node2'],
      members: ['node1', 'node2'],
      copy: { version: { adminEpoch: 0, epoch: 4, numUpdates: 2 }, content: { colour: 'blue' } },
      drops: { forged: 1, replayed: 0, unknownSender: 2 },
    };
    writeFileSync(join(state, 'status.json'), JSON.stringify(status));
    const r = await ocfkit('member', 'status', '--state-dir', state);
    expect(r.rc).toBe(0);
    expect(r.out).toContain('node1: member, DC node2 (term 3), quorate');
    expect(r.out).toContain('dropped: 1 forged, 0 replayed, 2 from unknown nodes');
    expect((await ocfkit('member', 'get', 'colour', '--state-dir', state)).out).toBe('blue\n');
  });

  it('refuses a FIFO in place of status.json at once instead of hanging, naming it once', async () => {
    const state = join(dir, 'fifo');
    execFileSync('mkdir', [state]);
    execFileSync('mkfifo', [join(state, 'status.json')]);
    for (const argv of [['status'], ['get', 'colour']]) {
      const r = await ocfkit('member', ...argv, '--state-dir', state);
      expect(r.rc).not.toBe(0);
      expect(r.err).toContain(`cannot read ${join(state, 'status.json')}: not a regular file (a FIFO)`);
      expect(r.err.split(join(state, 'status.json')).length).toBe(2);
    }
  });

  it('says when no daemon has written a status yet', async () => {
    const r = await ocfkit('member', 'status', '--state-dir', join(dir, 'none'));
    expect(r.rc).not.toBe(0);
    expect(r.err).toContain('ENOENT (no such file or directory)');
    expect(r.err).toContain('ocfkit member serve');
  });
});
