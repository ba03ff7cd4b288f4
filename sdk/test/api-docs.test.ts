/**
 * The API reference (`npm run docs`, TypeDoc over `@ocfkit/sdk` and `@ocfkit/sdk/testing`) builds
 * with warnings as errors: every export has a doc comment, every `{@link}` resolves, and no public
 * signature refers to a type that is not exported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const SDK = resolve(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'ocfkit-api-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('builds with no warning and documents the testing helpers, exec options and node attributes', () => {
  const r = spawnSync(join(SDK, '../node_modules/.bin/typedoc'), ['--out', out], { cwd: SDK, encoding: 'utf8', timeout: 240_000 });
  const output = `${r.stdout}${r.stderr}`;
  expect(output.split('\n').filter((l) => /\[(warning|error)\]/.test(l))).toEqual([]);
  expect(r.status).toBe(0);
  for (const page of [
    'functions/testing.runAction.html',
    'functions/testing.runExecutable.html',
    'interfaces/testing.RunActionOptions.html',
    'interfaces/index.ExecOptions.html',
    'functions/index.nodeAttributes.html',
    'functions/index.defineAgent.html',
  ]) {
    expect({ page, exists: existsSync(join(out, page)) }).toEqual({ page, exists: true });
  }
  expect(readFileSync(join(out, 'interfaces/index.ExecOptions.html'), 'utf8')).toContain('okCodes');
}, 300_000);
