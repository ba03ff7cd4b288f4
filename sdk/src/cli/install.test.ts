import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeShebang } from '../build/interpreter';
import { installCommand } from './install';

let dir: string;
let err: string;
const io = { out: () => {}, err: (t: string) => (err += t) };
const BODY = '// Res 1.0.0, built by ocfkit\n"use strict";console.log("é")\n';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-install-'));
  err = '';
  mkdirSync(join(dir, 'dist/ocf/resource.d/acme'), { recursive: true });
  writeFileSync(join(dir, 'dist/ocf/resource.d/acme/Res'), `#!/usr/bin/env node\n${BODY}`, { mode: 0o755 });
  writeFileSync(join(dir, 'dist/ocf/resource.d/acme/Shell'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const installed = (name: string) => readFileSync(join(dir, 'root/usr/lib/ocf/resource.d/acme', name), 'utf8');
const install = (...more: string[]) => installCommand.run(['--from', join(dir, 'dist'), '--destdir', join(dir, 'root'), ...more], io);

describe('ocfkit install: the interpreter line', () => {
  it('writes the absolute path of this Node into agents built with #!/usr/bin/env node, and nothing else', async () => {
    expect(await install()).toBe(0);
    expect(installed('Res')).toBe(`#!${process.execPath}\n${BODY}`);
    expect(installed('Shell')).toBe('#!/bin/sh\nexit 0\n');
    expect(statSync(join(dir, 'root/usr/lib/ocf/resource.d/acme/Res')).mode & 0o777).toBe(0o755);
    expect(err.split('\n')[0]).toBe(`interpreter: #!${process.execPath}`);
  });

  it('keeps the built line with --shebang keep, or writes the given one', async () => {
    expect(await install('--shebang', 'keep')).toBe(0);
    expect(installed('Res')).toBe(`#!/usr/bin/env node\n${BODY}`);
    expect(await install('--shebang', '#!/opt/node20/bin/node')).toBe(0);
    expect(installed('Res')).toBe(`#!/opt/node20/bin/node\n${BODY}`);
  });

  it('refuses an interpreter that is not a Node >= 20', () => {
    expect(() => nodeShebang('/bin/false')).toThrow('cannot run /bin/false -p process.versions.node: ');
    expect(() => nodeShebang('node')).toThrow('the Node interpreter must be an absolute path, got "node"');
    expect(nodeShebang()).toBe(`#!${process.execPath}`);
  });
});
