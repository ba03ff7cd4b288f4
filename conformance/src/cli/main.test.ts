import { readFileSync } from 'node:fs';
import { commands as engineCommands } from '@ocfkit/engine/cli';
import { commands as sdkCommands } from '@ocfkit/sdk/cli';
import { describe, expect, it } from 'vitest';
import { commands, main } from './index';

async function ocfkit(...argv: string[]) {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

describe('the ocfkit command (the CLI package on top)', () => {
  it('lists the commands of every package, sdk first', async () => {
    const r = await ocfkit('--help');
    const listed = r.out
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect([r.rc, listed]).toEqual([0, [...Object.keys(sdkCommands), ...Object.keys(engineCommands), ...Object.keys(commands)]]);
    expect(listed).toEqual(expect.arrayContaining(['build', 'meta', 'exec', 'node', 'conformance']));
  });

  it('prints the version of its package.json, not a copy of it', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await ocfkit('--version')).toEqual({ rc: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('gives every command a --help that names it', async () => {
    for (const name of Object.keys({ ...sdkCommands, ...engineCommands, ...commands })) {
      const r = await ocfkit(name, '--help');
      expect({ name, rc: r.rc, head: r.out.split('\n')[0] }).toEqual({ name, rc: 0, head: expect.stringContaining(`ocfkit ${name}`) });
    }
  });

  it('exits 2 on an unknown command, and on no command at all', async () => {
    const r = await ocfkit('frobnicate');
    expect([r.rc, r.err.split('\n')[0]]).toEqual([2, 'ocfkit: unknown command "frobnicate"']);
    expect((await ocfkit('constructor')).rc).toBe(2);
    expect((await ocfkit()).rc).toBe(2);
  });

  it('turns usage errors into exit 2 with a hint, other errors into exit 1', async () => {
    const usage = await ocfkit('build', '--no-such-option');
    expect([usage.rc, usage.err.split('\n')[1]]).toEqual([2, 'Run `ocfkit build --help` for usage.']);
    const failed = await ocfkit('meta', '/bin/true');
    expect([failed.rc, failed.err]).toEqual([1, 'ocfkit meta: /bin/true printed no meta-data XML\n']);
  });
});
