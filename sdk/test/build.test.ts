import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../src/build';
import { processesWithEnv, runExecutable } from '../src/testing';

let dir: string;
let exe: string;

beforeAll(async () => {
  // Outside the repository: no node_modules can be found from here.
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-build-test-'));
  exe = (await buildAgent(join(import.meta.dirname, 'fixtures/Echo/agent.ts'), { out: dir, provider: 'acme' })).output;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocfkit build output', () => {
  it('is one executable CommonJS file with a shebang under ocf/resource.d/<provider>/', () => {
    expect(exe).toBe(join(dir, 'ocf/resource.d/acme/Echo'));
    expect(statSync(exe).mode & 0o777).toBe(0o755);
    const text = readFileSync(exe, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).not.toMatch(/^import |^export /m);
    expect(text).not.toContain('new Ajv(');
  });

  it('runs commands (argv, no shell) without node_modules', async () => {
    const out = join(dir, 'word');
    const word = 'a b; $(id) `id` "q"';
    const r = await runExecutable(exe, 'notify', { params: { word, out } });
    expect([r.rc, r.stderr]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8')).toBe(word);
  });

  it('validates with the embedded standalone validator', async () => {
    const r = await runExecutable(exe, 'validate-all', { params: { word: 'x', out: 'relative', sleep: '-1' } });
    expect(r.rc).toBe(6);
    expect(r.exitReason).toBe('parameter "out" must match the pattern ^/, got "relative"; parameter "sleep" must be >= 0, got "-1"');
  });

  it('fails a handler stuck on a promise that never settles at the deadline, never exiting 0', async () => {
    const r = await runExecutable(exe, 'reload-agent', { params: { word: 'x', out: '/tmp/x' }, timeoutMs: 1500 });
    expect([r.rc, r.exitReason]).toEqual([1, 'reload-agent did not complete within 1.5s (CRM_meta_timeout)']);
  });

  it('kills a running command with its children at the deadline and exits 1', async () => {
    const out = join(dir, 'pid');
    const r = await runExecutable(exe, 'migrate_to', { params: { word: 'x', out, sleep: '300' }, timeoutMs: 2000 });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toMatch(/did not complete within 2s|deadline reached/);
    expect(readFileSync(out, 'utf8')).toMatch(/^\d+\n$/);
    expect(processesWithEnv(`OCF_RESKEY_out=${out}`)).toEqual([]);
  });
});
