/**
 * Every documented parameter kind and flag, in a built executable (not only in-process): the
 * standalone validator must carry what each one needs, and `private` must hide the value.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../src/build';
import { runExecutable } from '../src/testing';

let dir: string;
let exe: string;
const SECRET = 'S3cr3t-pw';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-flags-test-'));
  exe = (await buildAgent(join(import.meta.dirname, 'fixtures/Flags/agent.ts'), { out: dir, provider: 'acme' })).output;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state = () => join(dir, 'flags.state');

describe('parameter flags in a built agent', () => {
  it('accepts valid values of every kind', async () => {
    const params = {
      state: state(),
      word: 'xyz',
      note: 'n',
      count: '5',
      verbose: 'yes',
      mode: 'fast',
      wait: '1s',
      host: 'h',
      port: '1',
      old: 'o',
      password: SECRET,
    };
    const r = await runExecutable(exe, 'validate-all', { params });
    expect([r.rc, r.stderr]).toEqual([0, '']);
  });

  it.each([
    [{ word: 'ABC' }, 'parameter "word" must match the pattern ^[a-z]+$, got "ABC"'],
    [{ note: '' }, 'parameter "note" must not be empty, got ""'],
    [{ count: '0' }, 'parameter "count" must be >= 1, got "0"'],
    [{ count: '6' }, 'parameter "count" must be <= 5, got "6"'],
    [{ count: 'two' }, 'parameter "count" must be an integer, got "two"'],
    [
      { verbose: 'maybe' },
      'parameter "verbose" must be a boolean (yes|true|1|YES|TRUE|True|ja|on|ON or no|false|0|NO|FALSE|False|nein|off|OFF), got "maybe"',
    ],
    [{ mode: 'slow' }, 'parameter "mode" must be one of fast, safe, got "slow"'],
    [{ wait: '500ms' }, 'parameter "wait" must be at least 1000 ms, got "500ms"'],
    [{ wait: 'soon' }, 'parameter "wait" must be a duration such as 20s, 2min, 500ms or bare seconds, got "soon"'],
  ])('rejects %o with 6 and a reason naming it', async (bad, reason) => {
    const r = await runExecutable(exe, 'validate-all', { params: { state: state(), ...bad } });
    expect([r.rc, r.exitReason]).toEqual([6, reason]);
  });

  it('an empty nonEmpty string is unset for a probe (7), not an error', async () => {
    const r = await runExecutable(exe, 'monitor', { params: { state: state(), note: '' } });
    expect(r.rc).toBe(7);
  });

  it('a missing required parameter is named', async () => {
    const r = await runExecutable(exe, 'validate-all', {});
    expect([r.rc, r.exitReason]).toEqual([6, 'required parameter "state" is not set (OCF_RESKEY_state)']);
  });
});

describe('a private parameter', () => {
  it('is not in the environment of the commands the agent runs; the others are', async () => {
    const r = await runExecutable(exe, 'start', { params: { state: state(), password: SECRET, word: 'visible' } });
    expect(r.rc).toBe(0);
    const env = readFileSync(`${state()}.env`, 'utf8');
    expect(env).toContain('OCF_RESKEY_word=visible\n');
    expect(env).not.toContain('OCF_RESKEY_password');
    expect(env).not.toContain(SECRET);
    expect((await runExecutable(exe, 'stop', { params: { state: state() } })).rc).toBe(0);
  });

  it('is *** in log lines, traces and the log file', async () => {
    const logfile = join(dir, 'ha.log');
    const r = await runExecutable(exe, 'start', {
      params: { state: state(), password: SECRET },
      env: { HA_LOGFILE: logfile, OCF_TRACE_RA: '1' },
    });
    expect(r.rc).toBe(0);
    const log = readFileSync(logfile, 'utf8');
    expect(log).toContain('INFO: connecting with password ***\n');
    expect(log + r.stderr + r.stdout).not.toContain(SECRET);
    expect(r.stderr).toContain('exec sh -c env > "$1" sh');
    await runExecutable(exe, 'stop', { params: { state: state() } });
  });

  it('is *** in exit reasons, from a thrown error and from a failed command', async () => {
    const thrown = await runExecutable(exe, 'start', { params: { state: state(), password: SECRET, note: 'leak' } });
    expect([thrown.rc, thrown.exitReason]).toEqual([1, 'login with password *** refused']);
    const failed = await runExecutable(exe, 'start', { params: { state: state(), password: SECRET, note: 'fail' } });
    expect([failed.rc, failed.exitReason]).toEqual([1, 'sh -c echo "refused: $1" >&2; exit 3 sh *** exited 3: refused: ***']);
    expect(thrown.stderr + failed.stderr).not.toContain(SECRET);
    await runExecutable(exe, 'stop', { params: { state: state() } });
  });
});
