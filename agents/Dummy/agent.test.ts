import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Dummy from './agent';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dummy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fifo(): string {
  const path = join(dir, 'state.fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

describe('Dummy', () => {
  it('applies a changed fake value by reload without a restart', async () => {
    const state = join(dir, 'd.state');
    expect((await runAction(Dummy, 'start', { params: { state } })).rc).toBe(0);
    expect(readFileSync(state, 'utf8')).toBe('dummy\n');
    expect((await runAction(Dummy, 'reload', { params: { state, fake: 'changed' } })).rc).toBe(0);
    expect(readFileSync(state, 'utf8')).toBe('changed\n');
    expect((await runAction(Dummy, 'monitor', { params: { state }, intervalMs: 10_000 })).rc).toBe(0);
  });

  it('migrates: migrate_to stops here, migrate_from starts there', async () => {
    const source = join(dir, 'a.state');
    const target = join(dir, 'b.state');
    await runAction(Dummy, 'start', { params: { state: source } });
    const meta = { OCF_RESKEY_CRM_meta_migrate_source: 'node1', OCF_RESKEY_CRM_meta_migrate_target: 'node2' };
    expect((await runAction(Dummy, 'migrate_to', { params: { state: source }, env: meta })).rc).toBe(0);
    expect((await runAction(Dummy, 'monitor', { params: { state: source } })).rc).toBe(7);
    expect((await runAction(Dummy, 'migrate_from', { params: { state: target }, env: meta })).rc).toBe(0);
    expect((await runAction(Dummy, 'monitor', { params: { state: target } })).rc).toBe(0);
  });

  it('defaults the state file to $HA_RSCTMP/Dummy-<instance>.state', async () => {
    const env = { HA_RSCTMP: dir };
    expect((await runAction(Dummy, 'start', { instance: 'web:1', env })).rc).toBe(0);
    expect(readFileSync(join(dir, 'Dummy-web:1.state'), 'utf8')).toBe('dummy\n');
    expect((await runAction(Dummy, 'monitor', { instance: 'web:2', env })).rc).toBe(7);
  });

  it('reports an unreadable state file instead of reading /dev/zero or hanging on a FIFO', async () => {
    const cases: [string, string][] = [
      ['/dev/zero', 'a character device'],
      [fifo(), 'a FIFO'],
    ];
    for (const [state, kind] of cases) {
      const r = await runAction(Dummy, 'monitor', { params: { state }, timeoutMs: 5000 });
      expect([r.rc, r.exitReason]).toEqual([1, `state file ${state} is unreadable: not a regular file (${kind})`]);
    }
  });
});
