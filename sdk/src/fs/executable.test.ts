import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTempDir } from '../testing';
import { findExecutable, isExecutableFile } from './executable';

describe('isExecutableFile and findExecutable', () => {
  it('accept executable regular files only, and search directories in order', () => {
    const dir = { path: openTempDir('ocfkit-exe-') };
    mkdirSync(join(dir.path, 'a'));
    mkdirSync(join(dir.path, 'b'));
    mkdirSync(join(dir.path, 'a', 'tool')); // a directory is searchable, not executable
    writeFileSync(join(dir.path, 'b', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir.path, 'b', 'plain'), 'x', { mode: 0o644 });
    chmodSync(join(dir.path, 'b', 'plain'), 0o644);
    expect(isExecutableFile(join(dir.path, 'b', 'tool'))).toBe(true);
    expect(isExecutableFile(join(dir.path, 'a', 'tool'))).toBe(false);
    expect(isExecutableFile(join(dir.path, 'nowhere'))).toBe(false);
    const dirs = [join(dir.path, 'a'), join(dir.path, 'b')];
    expect(findExecutable('tool', dirs)).toBe(join(dir.path, 'b', 'tool'));
    expect(findExecutable('absent', dirs)).toBeUndefined();
    // No execute bit at all: not executable, for root either.
    expect(findExecutable('plain', dirs)).toBeUndefined();
  });
});
