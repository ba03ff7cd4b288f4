import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTempDir } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { envInterpreter, sandboxPath } from './sandbox-path';

const dir = openTempDir('ocfkit-sandbox-');
function agent(name: string, firstLine: string): string {
  const f = join(dir, name);
  writeFileSync(f, `${firstLine}\nexit 0\n`, { mode: 0o755 });
  return f;
}

describe('sandboxPath', () => {
  it('holds the interpreter an env shebang needs and the base system, no service binary', () => {
    const nodeAgent = agent('n', '#!/usr/bin/env node');
    expect(envInterpreter(nodeAgent)).toBe('node');
    const sb = sandboxPath(nodeAgent);
    const names = readdirSync(sb.dir);
    expect(readlinkSync(join(sb.dir, 'node'))).toBe(process.execPath);
    expect(names).toEqual(expect.arrayContaining(['sh', 'cat', 'basename', 'grep', 'sed']));
    // installed here, but the service binaries of agents: hidden
    expect(names.filter((n) => ['ip', 'crm_mon', 'psql', 'xmllint', 'ocf-tester'].includes(n))).toEqual([]);
    sb.remove();
    expect(existsSync(sb.dir)).toBe(false);
  });

  it('holds only the base system for an agent with an absolute interpreter', () => {
    const shAgent = agent('s', '#!/bin/sh');
    expect(envInterpreter(shAgent)).toBeUndefined();
    const sb = sandboxPath(shAgent);
    expect(readdirSync(sb.dir)).not.toContain('node');
    sb.remove();
  });
});
