import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reachableCopy } from './reachable-copy';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'reach-'));
  chmodSync(root, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('reachableCopy', () => {
  it('leaves an agent alone when every directory above it is searchable', () => {
    const agent = join(root, 'a/b/Agent');
    mkdirSync(dirname(agent), { recursive: true, mode: 0o755 });
    writeFileSync(agent, '#!/bin/sh\n', { mode: 0o755 });
    expect(reachableCopy(agent)).toBeUndefined();
  });

  it('keeps the file name: an agent naming itself $(basename $0) prints the same meta-data from the copy', () => {
    const agent = join(root, 'private/dist/MyAgent');
    mkdirSync(dirname(agent), { recursive: true });
    chmodSync(join(root, 'private'), 0o700);
    writeFileSync(agent, '#!/bin/sh\necho "<resource-agent name=\\"$(basename $0)\\"/>"\n', { mode: 0o755 });
    const copy = reachableCopy(agent);
    expect(copy && basename(copy.path)).toBe('MyAgent');
    expect(copy && execFileSync(copy.path, ['meta-data'], { encoding: 'utf8' })).toBe('<resource-agent name="MyAgent"/>\n');
    if (copy) rmSync(dirname(copy.path), { recursive: true, force: true });
  });

  it('copies it, mode kept, when a directory above it is private', () => {
    const agent = join(root, 'private/dist/Agent');
    mkdirSync(dirname(agent), { recursive: true });
    chmodSync(join(root, 'private'), 0o700);
    writeFileSync(agent, '#!/bin/sh\necho hi\n', { mode: 0o750 });
    const copy = reachableCopy(agent);
    expect(copy?.blockedBy).toBe(join(root, 'private'));
    expect(copy && statSync(copy.path).mode & 0o7777).toBe(0o750);
    expect(copy && statSync(dirname(copy.path)).mode & 0o777).toBe(0o755);
    if (copy) rmSync(dirname(copy.path), { recursive: true, force: true });
  });
});
