/**
 * cts-exec's error cases (uninstalled agent, bad provider, exec errors), execd's rc mapping and
 * exit-reason parsing, bounded output capture, meta-data retrieval and the executor's limits.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import type { OpResult } from '../../src/lrmd/types';
import { FIXTURE_RA_DIR, type ScriptedDir, scriptedDir } from './helpers';

let ex: Executor;
const dirs: ScriptedDir[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'ocfkit-lrmd-agents-'));

function script(name: string, body: string, mode = 0o755): string {
  const file = join(scratch, name);
  writeFileSync(file, body);
  chmodSync(file, mode);
  return file;
}

function scripted(id: string, options: ConstructorParameters<typeof Executor>[0] = {}): ScriptedDir {
  ex ??= new Executor({ searchPath: [FIXTURE_RA_DIR], ...options });
  const s = scriptedDir();
  dirs.push(s);
  ex.register({ id, provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
  return s;
}

afterEach(async () => {
  await ex?.close();
  ex = undefined as unknown as Executor;
  for (const d of dirs.splice(0)) d.cleanup();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cts-exec: agents that cannot run', () => {
  test('uninstalled agent: rc 5, not-installed', async () => {
    ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
    ex.register({ id: 'u', provider: 'ocfkit-test', type: 'no-such-agent' });
    const r = await ex.run({ rsc: 'u', action: 'start' });
    expect([r.rc, r.execStatus, r.exitReason]).toEqual([
      5,
      'not-installed',
      `agent ocf:ocfkit-test:no-such-agent not found in ${FIXTURE_RA_DIR}`,
    ]);
  });

  test('bad provider: rc 5, not-installed; a provider that is not a name is refused at registration', async () => {
    ex = new Executor({ searchPath: [FIXTURE_RA_DIR, '/usr/lib/ocf/resource.d'] });
    ex.register({ id: 'b', provider: 'no-such-provider', type: 'Dummy' });
    expect(await ex.run({ rsc: 'b', action: 'monitor' })).toMatchObject({ rc: 5, execStatus: 'not-installed' });
    expect(() => ex.register({ id: 'c', provider: '../../../bin', type: 'sh' })).toThrow('invalid agent provider "../../../bin"');
  });

  test('exec errors map as execd maps them: missing path 5, not executable 4, bad interpreter 5', async () => {
    ex = new Executor();
    const cases: Array<[string, string]> = [
      ['missing', join(scratch, 'absent')],
      ['noexec', script('noexec', '#!/bin/sh\nexit 0\n', 0o644)],
      ['badinterp', script('badinterp', '#!/nonexistent/interpreter\nexit 0\n')],
    ];
    const got: Record<string, unknown> = {};
    for (const [id, path] of cases) {
      ex.register({ id, provider: 'ocfkit-test', type: id, path });
      const r = await ex.run({ rsc: id, action: 'start' });
      got[id] = [r.rc, r.execStatus, r.exitReason];
    }
    expect(got).toEqual({
      missing: [5, 'not-installed', 'No such file or directory'],
      noexec: [4, 'error', 'Permission denied'],
      badinterp: [5, 'not-installed', 'No such file or directory'],
    });
  });

  test('an agent killed by a signal outside a timeout: rc 1, error', async () => {
    ex = new Executor();
    ex.register({ id: 'k', provider: 'x', type: 'k', path: script('selfkill', '#!/bin/sh\nkill -SEGV $$\n') });
    expect(await ex.run({ rsc: 'k', action: 'start' })).toMatchObject({
      rc: 1,
      execStatus: 'error',
      signal: 'SIGSEGV',
      exitReason: 'Resource agent interrupted by SIGSEGV signal',
    });
  });
});

describe('results', () => {
  test('rc outside 0-9/190/191 becomes 1; the others pass through', async () => {
    const s = scripted('r');
    const got: number[] = [];
    for (const rc of [0, 7, 8, 9, 10, 42, 189, 190, 191, 192, 255]) {
      s.set('monitor', 'rc', rc);
      got.push((await ex.run({ rsc: 'r', action: 'monitor' })).rc);
    }
    expect(got).toEqual([0, 7, 8, 9, 1, 1, 1, 190, 191, 1, 1]);
  });

  test('exit reason: the last prefixed line wins, cut to 128 characters', async () => {
    const s = scripted('r');
    s.set('start', 'reason', `first\n${'y'.repeat(200)}\n`);
    s.set('start', 'rc', 1);
    const r = await ex.run({ rsc: 'r', action: 'start' });
    expect(r.exitReason).toBe('y'.repeat(128));
    s.set('start', 'reason', '\n');
    expect((await ex.run({ rsc: 'r', action: 'start' })).exitReason).toBeUndefined();
  });

  test('output capture is bounded and marked; the exit reason survives truncation', async () => {
    const s = scripted('r', { captureBytes: 1000 });
    s.set('start', 'bytes', 5000);
    const r = await ex.run({ rsc: 'r', action: 'start' });
    expect(r.truncated).toBe(true);
    expect(r.stdout).toBe(`${'x'.repeat(1000)}\n[ocfkit: output truncated, 4000 bytes dropped after 1000]\n`);
    ex.register({
      id: 'noisy',
      provider: 'x',
      type: 'noisy',
      path: script(
        'noisy',
        '#!/bin/sh\nhead -c 20000 /dev/zero | tr "\\0" e >&2\necho >&2\necho "ocf-exit-reason:at the end" >&2\nexit 1\n',
      ),
    });
    const n = await ex.run({ rsc: 'noisy', action: 'start' });
    expect([n.truncated, n.stderr.length < 1200, n.exitReason]).toEqual([true, true, 'at the end']);
  });

  test('history keeps every one-shot result in order', async () => {
    const s = scripted('r');
    s.set('monitor', 'rc', 7);
    await ex.run({ rsc: 'r', action: 'monitor' });
    await ex.run({ rsc: 'r', action: 'start' });
    s.set('monitor', 'rc', 0);
    await ex.run({ rsc: 'r', action: 'monitor' });
    expect(ex.history('r').map((h) => `${h.action}:${h.rc}:${h.callId}`)).toEqual(['monitor:7:1', 'start:0:2', 'monitor:0:3']);
  });

  test('requests are validated', async () => {
    scripted('r');
    await expect(ex.run({ rsc: 'nope', action: 'start' })).rejects.toThrow('unknown resource "nope"');
    await expect(ex.run({ rsc: 'r', action: 'start', intervalMs: 1000 })).rejects.toThrow('start can never be recurring');
    await expect(ex.run({ rsc: 'r', action: 'start; rm -rf /' })).rejects.toThrow('invalid action');
    expect(() => ex.startRecurring({ rsc: 'r', action: 'monitor' })).toThrow('needs intervalMs > 0');
  });
});

describe('cts-exec: meta-data', () => {
  test('fetched with the type as instance and no parameters, then cached per agent', async () => {
    ex = new Executor({ searchPath: [FIXTURE_RA_DIR, '/usr/lib/ocf/resource.d'] });
    const md = await ex.metaData('heartbeat', 'Dummy');
    expect(md).toMatchObject({ rc: 0, execStatus: 'done', action: 'meta-data' });
    expect(md.stdout).toContain('<resource-agent name="Dummy"');
    expect(md.env).toEqual({
      OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_RESOURCE_INSTANCE: 'Dummy',
      OCF_RESOURCE_PROVIDER: 'heartbeat',
      OCF_RESOURCE_TYPE: 'Dummy',
      OCF_ROOT: '/usr/lib/ocf',
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(HA|PCMK)_/.test(k))),
    });
    expect(await ex.metaData('heartbeat', 'Dummy')).toBe(md);
    const again = await ex.metaData('heartbeat', 'Dummy', { refresh: true });
    expect(again.callId).toBeGreaterThan(md.callId);
    expect(again.stdout).toBe(md.stdout);
  });

  test('a failed meta-data call is not cached', async () => {
    ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
    const a = await ex.metaData('ocfkit-test', 'absent');
    const b = await ex.metaData('ocfkit-test', 'absent');
    expect([a.rc, a.execStatus, b.callId > a.callId]).toEqual([5, 'not-installed', true]);
  });
});

describe('concurrency', () => {
  test('resources run in parallel up to the limit, never beyond', async () => {
    const spans = async (limit: number): Promise<OpResult[]> => {
      ex = new Executor({ searchPath: [FIXTURE_RA_DIR], concurrency: limit });
      for (const id of ['a', 'b', 'c']) scripted(id).set('start', 'sleep', 1);
      const rs = await Promise.all(['a', 'b', 'c'].map((rsc) => ex.run({ rsc, action: 'start' })));
      await ex.close();
      return rs;
    };
    const serial = await spans(1);
    const byStart = [...serial].sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < 3; i++) expect((byStart[i] as OpResult).startedAt).toBeGreaterThanOrEqual((byStart[i - 1] as OpResult).finishedAt);
    expect(Math.max(...serial.map((r) => r.queueMs))).toBeGreaterThanOrEqual(1900);
    const parallel = await spans(3);
    const lastStart = Math.max(...parallel.map((r) => r.startedAt));
    const firstEnd = Math.min(...parallel.map((r) => r.finishedAt));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  test('close() cancels queued ops and kills the running one', async () => {
    const s = scripted('r');
    s.set('start', 'sleep', 300);
    const running = ex.run({ rsc: 'r', action: 'start' });
    const queued = ex.run({ rsc: 'r', action: 'monitor' });
    ex.startRecurring({ rsc: 'r', action: 'monitor', intervalMs: 1000 });
    await new Promise((r) => setTimeout(r, 300));
    await ex.close();
    expect((await running).execStatus).toBe('cancelled');
    expect((await queued).execStatus).toBe('cancelled');
    expect(s.log().filter((l) => l.action === 'monitor')).toEqual([]);
    await expect(ex.run({ rsc: 'r', action: 'stop' })).rejects.toThrow('executor is closed');
  });
});

test('a parameter value the kernel cannot pass (NUL byte) fails the op, not the executor', async () => {
  ex = new Executor({ searchPath: [FIXTURE_RA_DIR] });
  ex.register({ id: 'n', provider: 'ocfkit-test', type: 'scripted', params: { dir: 'a\0b' } });
  const r = await ex.run({ rsc: 'n', action: 'start' });
  expect([r.rc, r.execStatus]).toEqual([1, 'error']);
  expect(r.exitReason).toMatch(/null bytes/);
});
