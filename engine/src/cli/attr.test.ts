import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '@ocfkit/conformance/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

async function ocfkit(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const rc = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { rc, out, err };
}

/** `ocfkit attr serve` as its own process (from source), resolved once it listens. */
function serve(socket: string, state: string): Promise<ChildProcess> {
  const script = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      'attr',
      'serve',
      '-S',
      socket,
      '--state',
      state,
      '--node',
      'n1',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`attr serve exited ${code}: ${out}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on('exit', (code) => r(code)));

describe('ocfkit attr', () => {
  let dir: string;
  let socket: string;
  let state: string;
  let server: ChildProcess | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-attr-'));
    socket = join(dir, 'run', 'attrd.sock');
    state = join(dir, 'state', 'attrd.json');
    server = await serve(socket, state);
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints help', async () => {
    const r = await ocfkit('attr', '--help');
    expect(r.rc).toBe(0);
    expect(r.out).toContain('Usage: ocfkit attr set NAME VALUE');
  });

  it('sets, gets (latest and committed), lists and deletes through a served attrd', async () => {
    expect((await ocfkit('attr', 'set', '-S', socket, 'diskcheck_status', 'normal')).rc).toBe(0);
    const damp = await ocfkit('attr', 'set', '-S', socket, 'pingd', '100', '--dampen', '30s');
    expect(damp.out).toMatch(/^n1 pingd value="100" committed=\(unset\) dampen=30000ms pending-until=\S+Z\n$/);
    expect(await ocfkit('attr', 'get', '-S', socket, 'pingd')).toEqual({ rc: 0, out: '100\n', err: '' });
    expect(await ocfkit('attr', 'get', '-S', socket, 'pingd', '--committed')).toEqual({
      rc: 1,
      out: '',
      err: 'ocfkit attr: pingd is not set\n',
    });
    const list = await ocfkit('attr', 'list', '-S', socket);
    expect(list.out.split('\n')[0]).toBe('n1 diskcheck_status value="normal" committed="normal" dampen=0ms');
    const json = JSON.parse((await ocfkit('attr', 'list', '-S', socket, '--json')).out);
    expect(json.map((a: { name: string }) => a.name)).toEqual(['diskcheck_status', 'pingd']);
    expect((await ocfkit('attr', 'delete', '-S', socket, 'diskcheck_status')).rc).toBe(0);
    expect((await ocfkit('attr', 'get', '-S', socket, 'diskcheck_status')).rc).toBe(1);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o600);
  });

  it('keeps values across a restart of the server (SIGTERM ends it with 0)', async () => {
    await ocfkit('attr', 'set', '-S', socket, 'kept', 'yes');
    const s = server as ChildProcess;
    s.kill('SIGTERM');
    expect(await exited(s)).toBe(0);
    server = await serve(socket, state);
    expect(await ocfkit('attr', 'get', '-S', socket, 'kept')).toEqual({ rc: 0, out: 'yes\n', err: '' });
  });

  it('reports usage errors with exit 2 and unreachable attrd with exit 1, naming the problem', async () => {
    expect(await ocfkit('attr', 'frob')).toMatchObject({ rc: 2, err: expect.stringContaining('unknown subcommand "frob"') });
    expect(await ocfkit('attr', 'set', 'x')).toMatchObject({ rc: 2, err: expect.stringContaining('expected: ocfkit attr set NAME VALUE') });
    expect(await ocfkit('attr', 'set', '-S', socket, 'x', '1', '--dampen', 'soon')).toMatchObject({
      rc: 2,
      err: expect.stringContaining('--dampen "soon" is not a duration'),
    });
    const none = join(dir, 'none.sock');
    expect(await ocfkit('attr', 'get', '-S', none, 'x')).toMatchObject({
      rc: 1,
      err: expect.stringContaining(`attrd at ${none}: connect ENOENT`),
    });
  });
});
