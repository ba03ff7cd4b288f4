/**
 * ocfkit from the registry's point of view: every workspace package is packed with `npm pack`,
 * the tarballs are installed into an empty project in a temporary directory, and a user's whole
 * workflow runs there — `npx ocfkit new`, `build`, `install --destdir`, `meta`, `exec`,
 * `conformance` and the project's own vitest with `@ocfkit/sdk/testing` — with no file of this
 * repository reachable: a clean environment, no PATH entry into the repository, real package
 * directories (not workspace links) under the project's node_modules.
 *
 * Network: the third-party dependencies (ajv, esbuild, vitest, ...) come from npm's cache with
 * `--prefer-offline`; `npm ci` of this repository put the same tarballs there, so on a machine that
 * ran it the install needs the registry at most for package metadata not cached yet.
 *
 * Needs a built repository (`npm run build`, as `npm test` does first). Alone:
 * `npx vitest run sdk/test/packages.test.ts`: about 40 s of CPU, most of it `npm install`; 2 to 6
 * minutes of wall time depending on how busy the machine is.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processLiveness } from '../src/process/proc';
import { requireTool } from '../src/testing';

const REPO = resolve(import.meta.dirname, '../..');
const PACKAGES = ['sdk', 'engine', 'conformance', 'agents'];
const VITEST_VERSION = (JSON.parse(readFileSync(join(REPO, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }).version;

let work: string;
let project: string;
let tarballs: Record<string, { file: string; files: string[] }>;

/** The environment of a user's shell: nothing of this repository, of npm's script runner or of vitest. */
function userEnv(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => p && !resolve(p).startsWith(REPO))
    .join(delimiter);
  const env: NodeJS.ProcessEnv = { PATH: path, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const k of ['USER', 'TMPDIR', 'CI']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

function run(cmd: string, args: string[], timeoutMs = 280_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: project, env: { ...userEnv(), NO_COLOR: '1' }, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `npx --no ocfkit ...`: the project's own ocfkit, never one fetched on the fly. */
function ocfkit(...args: string[]) {
  return run('npx', ['--no', 'ocfkit', ...args]);
}

/** The same `ocfkit` that npx runs, without npx's own start-up. */
function bin(...args: string[]) {
  return run(join(project, 'node_modules/.bin/ocfkit'), args);
}

function ok(r: { status: number | null; stdout: string; stderr: string }): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const PROJECT_TEST = `import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, runExecutable } from '@ocfkit/sdk/testing';
import { expect, it } from 'vitest';
import Redisish from './agent';

it('starts, monitors and stops from source', async () => {
  const state = join(mkdtempSync(join(tmpdir(), 'redisish-')), 'state');
  expect((await runAction(Redisish, 'monitor', { params: { state } })).rc).toBe(7);
  expect((await runAction(Redisish, 'start', { params: { state } })).rc).toBe(0);
  expect(existsSync(state)).toBe(true);
  expect((await runAction(Redisish, 'monitor', { params: { state }, intervalMs: 10_000 })).rc).toBe(0);
  expect((await runAction(Redisish, 'stop', { params: { state } })).rc).toBe(0);
  expect(existsSync(state)).toBe(false);
});

it('rejects a relative state path in the built executable', async () => {
  const r = await runExecutable('dist/ocf/resource.d/acme/Redisish', 'validate-all', { params: { state: 'relative' } });
  expect([r.rc, r.exitReason]).toEqual([6, 'parameter "state" must match the pattern ^/, got "relative"']);
});
`;

beforeAll(() => {
  for (const p of ['sdk', 'engine', 'conformance']) {
    if (!existsSync(join(REPO, p, 'dist/cli.js'))) throw new Error(`${p}/dist/cli.js is missing: run \`npm run build\` first`);
  }
  if (!existsSync(join(REPO, 'agents/dist/ocf/resource.d/ocfkit/Dummy')))
    throw new Error('agents/dist is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'ocfkit-packages-'));
  chmodSync(work, 0o755); // ocf-tester runs meta-data as nobody
  project = join(work, 'acme-agents');
  mkdirSync(project);
  // --ignore-scripts: prepack scripts (declarations) are for publishing; here the build exists.
  const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--workspaces', '--pack-destination', work], {
    cwd: REPO,
    env: userEnv(),
    encoding: 'utf8',
  });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const list = JSON.parse(packed.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  tarballs = Object.fromEntries(
    list.map((t) => [t.name.replace('@ocfkit/', ''), { file: join(work, t.filename), files: t.files.map((f) => f.path).sort() }]),
  );
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'acme-agents', private: true, type: 'module' }, null, 2)}\n`);
  ok(
    run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--save-dev',
        ...PACKAGES.map((p) => tarballs[p]?.file ?? `(${p} was not packed)`),
        `vitest@${VITEST_VERSION}`,
      ],
      240_000,
    ),
  );
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('are all publishable and carry their built code', () => {
    expect(Object.keys(tarballs).sort()).toEqual(['agents', 'conformance', 'engine', 'sdk']);
    for (const p of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(REPO, p, 'package.json'), 'utf8')) as { private?: boolean };
      expect({ p, private: manifest.private }).toEqual({ p, private: undefined });
    }
    expect(tarballs.sdk?.files).toEqual(
      expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/testing.js', 'dist/testing.d.ts']),
    );
    expect(tarballs.engine?.files).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js']));
    // The CLI is the package on top: it carries the `ocfkit` command and the bundler `build` needs.
    expect(tarballs.conformance?.files).toEqual(
      expect.arrayContaining(['bin/ocfkit.js', 'dist/cli.js', 'dist/index.js', 'dist/vitest.js']),
    );
    expect(tarballs.sdk?.files).not.toContain('bin/ocfkit.js');
    const manifest = (p: string) =>
      JSON.parse(readFileSync(join(project, 'node_modules/@ocfkit', p, 'package.json'), 'utf8')) as {
        bin?: Record<string, string>;
        dependencies?: Record<string, string>;
      };
    expect([manifest('sdk').bin, Object.keys(manifest('sdk').dependencies ?? {})]).toEqual([undefined, ['ajv']]);
    expect([manifest('conformance').bin, manifest('conformance').dependencies]).toEqual([
      { ocfkit: 'bin/ocfkit.js' },
      expect.objectContaining({ '@ocfkit/engine': '0.1.0', '@ocfkit/sdk': '0.1.0', esbuild: expect.any(String) }),
    ]);
    expect(tarballs.agents?.files).toEqual(expect.arrayContaining(['dist/ocf/resource.d/ocfkit/Dummy', 'dist/ocf/package.json']));
    for (const t of Object.values(tarballs)) expect(t.files.filter((f) => f.startsWith('src/') || f.endsWith('.test.ts'))).toEqual([]);
  });

  it('are installed as real directories, not links into this repository', () => {
    for (const p of PACKAGES) {
      const dir = join(project, 'node_modules/@ocfkit', p);
      expect({ p, link: lstatSync(dir).isSymbolicLink() }).toEqual({ p, link: false });
    }
    expect(readFileSync(join(project, 'node_modules/.bin/ocfkit'), 'utf8')).toContain('dist/cli.js');
    expect(ok(bin('--version'))).toBe('0.1.0\n');
  });
});

// Each step runs whole programs (npx, the engine, the suite): minutes on a busy machine.
describe("a user's project built from the tarballs", { timeout: 300_000 }, () => {
  const exe = 'dist/ocf/resource.d/acme/Redisish';
  const state = () => join(work, 'redisish.state');

  it('npx ocfkit new scaffolds an agent', () => {
    const r = ocfkit('new', 'Redisish');
    expect([r.status, r.stderr]).toEqual([0, 'created Redisish/agent.ts\nnext: ocfkit build Redisish\n']);
  });

  it('npx ocfkit build makes a self-contained executable', () => {
    const r = ocfkit('build', '--provider', 'acme', 'Redisish');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^\[1\/1\] Redisish: dist\/ocf\/resource\.d\/acme\/Redisish \(\d+ KiB, \d+ ms\)\n$/);
    expect(readFileSync(join(project, exe), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it("npx ocfkit install --destdir stages it with Node's absolute path (and keeps it CommonJS inside this ESM project)", () => {
    const node = run('node', ['-p', 'process.execPath']).stdout.trim();
    const r = ocfkit('install', '-p', 'acme', '--destdir', 'root');
    expect([r.status, r.stderr]).toEqual([
      0,
      [
        'wrote root/usr/lib/ocf/package.json: the staging tree is inside an ESM package, and the agents are CommonJS',
        `interpreter: #!${node}`,
        'installed root/usr/lib/ocf/resource.d/acme/Redisish',
        '',
      ].join('\n'),
    ]);
    expect(readdirSync(join(project, 'root/usr/lib/ocf/resource.d/acme'))).toEqual(['Redisish']);
    expect(readFileSync(join(project, 'root/usr/lib/ocf/resource.d/acme/Redisish'), 'utf8').split('\n')[0]).toBe(`#!${node}`);
  });

  it('npx ocfkit meta prints the meta-data', () => {
    const xml = ok(ocfkit('meta', exe));
    expect(xml).toMatch(
      /^<\?xml version="1.0"\?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">\n<resource-agent name="Redisish" version="0.1.0">/,
    );
  });

  it('npx ocfkit exec runs the staged agent through the executor (engine from its tarball)', () => {
    const agents = join(project, 'root/usr/lib/ocf/resource.d');
    // npx for the first call; then the same bin directly (npx alone costs seconds on a busy machine).
    const exec = (action: string, ...more: string[]) =>
      (action === 'monitor' && !more.length ? ocfkit : bin)(
        'exec',
        'ocf:acme:Redisish',
        action,
        '-A',
        agents,
        '-p',
        `state=${state()}`,
        ...more,
      );
    expect(exec('monitor').status).toBe(7);
    const start = exec('start');
    expect([start.status, start.stdout.split('\n')[0]]).toEqual([0, 'Operation start (ocf:acme:Redisish) returned 0 (OCF_SUCCESS)']);
    expect(exec('monitor', '-i', '10s').status).toBe(0);
    expect(exec('stop').status).toBe(0);
    expect(existsSync(state())).toBe(false);
  });

  it("npx ocfkit exec runs the reference agents from @ocfkit/agents' tarball", () => {
    ok(bin('install', '--from', 'node_modules/@ocfkit/agents/dist', '-p', 'ocfkit', '--destdir', 'root'));
    const r = bin(
      'exec',
      'ocf:ocfkit:Dummy',
      'monitor',
      '-A',
      join(project, 'root/usr/lib/ocf/resource.d'),
      '-p',
      `state=${join(work, 'dummy.state')}`,
    );
    expect(r.stdout.split('\n')[0]).toBe('Operation monitor (ocf:ocfkit:Dummy) returned 7 (OCF_NOT_RUNNING)');
  });

  it('npx ocfkit conformance passes the new agent', () => {
    const r = ocfkit('conformance', exe, '-q', '--second', `state=${join(work, 'second.state')}`);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
    expect(r.status).toBe(0);
  });

  it("the project's vitest runs its tests with @ocfkit/sdk/testing", () => {
    writeFileSync(join(project, 'Redisish/agent.test.ts'), PROJECT_TEST);
    const r = run('npx', ['--no', 'vitest', 'run', '--root', '.']);
    expect(r.stdout).toMatch(/Tests {2}2 passed \(2\)/);
    expect(r.status).toBe(0);
  });
});

const redisMissing = requireTool(['redis-server', 'redis-cli', 'ocf-tester', 'crm_resource'], () =>
  process.getuid?.() === 0 ? undefined : 'ocf-tester and installing into /usr/lib/ocf need root',
);

/**
 * The second reference example, sdk/examples/Redis (a real Debian daemon, a command in its monitor,
 * a private password), as a user would have it: its source in their project, built there by the
 * packed ocfkit, then checked by ocf-tester, crm_resource and the conformance suite. redis-cli is
 * reached through a wrapper that records its own command line and environment, and the daemon's
 * are read from /proc: the password must be in none of them.
 */
describe.skipIf(redisMissing)('the Redis example built from the tarballs', { timeout: 300_000 }, () => {
  const provider = 'ocfkit-pack-test';
  const SECRET = 'pw-Zq81-never-shown';
  const exe = () => join(project, 'dist/ocf/resource.d', provider, 'Redis');
  const seen = () => join(work, 'redis-cli.seen');
  const wrapper = () => join(work, 'redis-cli');
  const params = (n: number) => ({
    dir: join(work, `redis${n}`),
    port: String(20000 + (process.pid % 10000) * 4 + n),
    password: SECRET,
    cli: wrapper(),
  });
  const pairs = (p: Record<string, string>, flag: string) => Object.entries(p).flatMap(([k, v]) => [flag, `${k}=${v}`]);

  beforeAll(() => {
    mkdirSync(join(project, 'Redis'));
    copyFileSync(join(REPO, 'sdk/examples/Redis/agent.ts'), join(project, 'Redis/agent.ts'));
    writeFileSync(
      wrapper(),
      `#!/bin/sh\n{ tr '\\0' ' ' < /proc/$$/cmdline; echo; tr '\\0' '\\n' < /proc/$$/environ; echo ---; } >> ${seen()}\nexec /usr/bin/redis-cli "$@"\n`,
      { mode: 0o755 },
    );
    ok(bin('build', '--provider', provider, 'Redis'));
  }, 300_000);
  afterAll(() => {
    rmSync(join('/usr/lib/ocf/resource.d', provider), { recursive: true, force: true });
    for (const n of [1, 2, 3, 4]) {
      const pidfile = join(params(n).dir, 'redis.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  });

  it('passes ocf-tester', () => {
    const r = spawnSync('ocf-tester', ['-n', 'r1', ...pairs(params(1), '-o'), exe()], { encoding: 'utf8', env: userEnv() });
    expect(r.stdout).toContain('passed all tests');
    expect(r.status).toBe(0);
  });

  it('runs under crm_resource, and the password is on no command line and in no environment it starts', () => {
    ok(bin('install', '-p', provider, '--destdir', '/'));
    const crm = (op: string) =>
      spawnSync('crm_resource', [op, '--class', 'ocf', '--provider', provider, '--agent', 'Redis', ...pairs(params(2), '--option')], {
        encoding: 'utf8',
        env: userEnv(),
      });
    const started = crm('--force-start');
    expect([started.status, started.stdout + started.stderr]).toEqual([
      0,
      'Operation force-start (ocf:ocfkit-pack-test:Redis) returned 0 (ok)\n',
    ]);
    expect(crm('--force-check').status).toBe(0);
    const pid = readFileSync(join(params(2).dir, 'redis.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain(SECRET);
    expect(crm('--force-stop').status).toBe(0);
    // Gone, or a zombie nobody reaps (the daemon was reparented to a PID 1 that does not reap).
    expect(processLiveness(Number(pid))).not.toBe('alive');
    const children = readFileSync(seen(), 'utf8');
    expect(children).toContain(`/bin/sh ${wrapper()} -h 127.0.0.1 -p ${params(2).port}`);
    expect(children).not.toContain(SECRET);
    expect(children).not.toContain('OCF_RESKEY_password');
  });

  it('passes the conformance suite', () => {
    const r = bin('conformance', exe(), '-q', ...pairs(params(3), '-p'), ...pairs(params(4), '--second'));
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
    expect(r.status).toBe(0);
    expect(readFileSync(seen(), 'utf8')).not.toContain(SECRET);
  });
});
