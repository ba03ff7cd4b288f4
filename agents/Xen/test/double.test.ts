import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseListTable } from '../xl-list';
import { parseXmLong } from '../xm-long';
import { sandbox, type XenSandbox } from './double';

// The double must print what real hosts print: compare with real output (test/fixtures) column
// by column, and check the error texts and exit codes the agent relies on.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n');

/** Where each right-aligned numeric column ends and where the state letters start. */
function layout(line: string) {
  const m = /^(.{40}) +(\d+) +(\d+) +(\d+) +([-rbpscdwS?]{6}) +(\d+\.\d)$/.exec(line);
  if (!m) return undefined;
  const state = line.indexOf(m[5]!, 40);
  return { id: line.indexOf(` ${m[2]} `, 40) + 1 + m[2]!.length, state };
}

let xen: XenSandbox | undefined;
afterEach(() => xen?.cleanup());

describe('toolstack double fidelity', () => {
  it('xl list: same header and column layout as real xl', () => {
    xen = sandbox('xl');
    xen.run('xl', ['create', xen.config('v', 'name = "guest-01"\nmemory = 1024\nvcpus = 2\n')]);
    const real = fixture('xl-list.txt');
    const ours = xen.run('xl', ['list']).stdout.split('\n');
    expect(ours[0]).toBe(real[0]);
    expect(layout(ours[1]!)).toEqual(layout(real[1]!));
    expect(layout(ours[2]!)).toEqual(layout(real[2]!));
    expect(ours[2]).toMatch(/^guest-01 {32} {5}1 {2}1024 {5}2 {5}r----- {2} +\d+\.\d$/);
  });

  it('xm list: same header and column layout as real xm', () => {
    xen = sandbox('xm');
    xen.run('xm', ['create', xen.config('v', 'name = "vm16"\nmemory = 2048\nvcpus = 8\n')]);
    const real = fixture('xm-list.txt');
    const ours = xen.run('xm', ['list']).stdout.split('\n');
    expect(ours[0]).toBe(real[0]);
    expect(layout(ours[2]!)?.state).toBe(layout(real[2]!)?.state);
    expect(parseListTable(ours.join('\n')).map((r) => r.name)).toEqual(['Domain-0', 'vm16']);
  });

  it('unknown domains: xl exit 1 "invalid domain identifier", xm exit 3 "does not exist"', () => {
    xen = sandbox('xl');
    expect(xen.run('xl', ['list', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'nope is an invalid domain identifier (rc=-6)\n' });
    expect(xen.run('xm', ['list', '--long', 'nope'])).toEqual({ code: 3, stdout: '', stderr: "Error: Domain 'nope' does not exist.\n" });
    expect(xen.run('xl', ['destroy', 'nope']).code).toBe(1);
    expect(xen.run('xl', ['destroy', 'Domain-0']).stderr).toMatch(/^Not destroying domain 0; use -f to force\./);
  });

  it('xl list -l is JSON with domid and config; xm list --long is a domain s-expression', () => {
    xen = sandbox('xl');
    xen.run('xl', ['create', xen.config('v', 'name = "j1"\nmemory = 512\nvcpus = 2\n')]);
    const json = JSON.parse(xen.run('xl', ['list', '-l', 'j1']).stdout);
    expect(json).toMatchObject([
      { domid: 1, config: { c_info: { name: 'j1', type: 'pv' }, b_info: { max_vcpus: 2, target_memkb: 524288 } } },
    ]);
    const [dom] = parseXmLong(xen.run('xm', ['list', '--long', 'j1']).stdout);
    expect(dom).toMatchObject({ name: 'j1', id: 1, status: 2, memMB: 512, vcpus: 2 });
  });

  it('xl create: "Parsing config from"; an unquoted name override is a config syntax error, as in xl', () => {
    xen = sandbox('xl');
    const cfg = xen.config('v', 'memory = 128\n');
    expect(xen.run('xl', ['create', cfg, 'name="q1"'])).toEqual({ code: 0, stdout: '', stderr: `Parsing config from ${cfg}\n` });
    const bare = xen.run('xl', ['create', cfg, 'name=q2']);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("config parsing error near `q2'");
    expect(xen.run('xl', ['create', cfg, 'name="q1"']).code).not.toBe(0);
    expect(xen.run('xm', ['create', cfg, 'name=q3']).stdout).toMatch(/^Using config file ".*"\.\nStarted domain q3 \(id=\d+\)\n$/);
  });

  it('shutdown takes a while, ending in ---s-- and then nothing; hang keeps it running; destroy ends it', async () => {
    xen = sandbox('xl', ['localhost'], { XEN_DOUBLE_SHUTDOWN_MS: '3000' });
    xen.run('xl', ['create', xen.config('v', 'name = "s1"\nmemory = 128\n')]);
    expect(xen.run('xl', ['shutdown', 's1']).stderr).toBe('Shutting down domain 1\n');
    expect(xen.domains().s1).toMatch(/^[r-][b-]----$/);
    const seen = new Set<string>();
    for (let state = xen.domains().s1, i = 0; state !== undefined && i < 100; state = xen.domains().s1, i++) {
      seen.add(state);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(xen.domains()).toEqual({});
    expect(seen.has('---s--')).toBe(true);
    xen.run('xl', ['create', xen.config('h', 'name = "h1"\nmemory = 128\n')]);
    xen.run('ctl', ['hang', 'h1']);
    xen.run('xl', ['shutdown', 'h1']);
    await new Promise((r) => setTimeout(r, 3500));
    expect(xen.domains().h1).toBe('-b----');
    expect(xen.run('xl', ['destroy', 'h1']).code).toBe(0);
    expect(xen.domains()).toEqual({});
  });

  it('migrate to this host itself (localhost migration) keeps the domain, with a new id', () => {
    xen = sandbox('xl', ['node1'], { XEN_DOUBLE_MIGRATE_MS: '100' });
    xen.run('xl', ['create', xen.config('l', 'name = "l1"\nmemory = 128\n')]);
    expect(xen.run('xl', ['migrate', 'l1', 'node1']).code).toBe(0);
    expect(xen.run('xl', ['migrate', 'l1', 'localhost']).code).toBe(0);
    expect(parseListTable(xen.run('xl', ['list', 'l1']).stdout).map((r) => [r.name, r.id])).toEqual([['l1', 3]]);
  });

  it('parallel creates get distinct ids, and one name is created once', async () => {
    xen = sandbox('xl');
    const cfg = xen.config('p', 'memory = 64\n');
    const env = xen.env();
    const create = (name: string) =>
      new Promise<number | null>((done) => {
        const c = spawn(join(import.meta.dirname, 'double', 'xl'), ['create', cfg, `name="${name}"`], { env, stdio: 'ignore' });
        c.on('close', done);
      });
    await Promise.all(['a', 'b', 'c', 'd'].map(create));
    const codes = await Promise.all(['same', 'same', 'same'].map(create));
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    const rows = parseListTable(xen.run('xl', ['list']).stdout).filter((r) => r.id !== 0);
    expect(rows.map((r) => r.name).sort()).toEqual(['a', 'b', 'c', 'd', 'same']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(5);
  });

  it('mem-set and info: memory is accounted per domain', () => {
    xen = sandbox('xl', ['localhost'], { XEN_DOUBLE_TOTAL_MB: '4096' });
    xen.run('xl', ['create', xen.config('v', 'name = "m1"\nmemory = 1024\n')]);
    expect(xen.run('xl', ['mem-set', 'm1', '512m']).code).toBe(0);
    expect(xen.run('xl', ['mem-set', 'm1', '1g']).code).toBe(0);
    expect(parseListTable(xen.run('xl', ['list', 'm1']).stdout)[0]?.memMB).toBe(1024);
    expect(xen.run('xl', ['info']).stdout).toMatch(/^total_memory {11}: 4096$/m);
    expect(xen.run('xl', ['info']).stdout).toMatch(/^free_memory {12}: 2048$/m);
  });
});
