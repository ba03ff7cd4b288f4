/** The README tutorial's agent: quoted verbatim by the README, builds, and passes ocf-tester. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../../src/build';
import { openTempDir, processesWithEnv, requireTool, runExecutable } from '../../src/testing';

const source = join(import.meta.dirname, 'agent.ts');

it('is quoted verbatim in the README tutorial', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${readFileSync(source, 'utf8')}\`\`\``);
});

const missing = requireTool(['ocf-tester', 'start-stop-daemon'], () =>
  process.getuid?.() === 0 ? undefined : 'ocf-tester runs meta-data as nobody: needs root',
);

describe.skipIf(missing)('the Daemon example agent', () => {
  let dir: string;
  let exe: string;
  beforeAll(async () => {
    dir = openTempDir('ocfkit-daemon-');
    exe = (await buildAgent(source, { out: dir, provider: 'acme' })).output;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes ocf-tester and leaves no process behind', () => {
    const pidfile = join(dir, 'd1.pid');
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const r = spawnSync('ocf-tester', ['-n', 'd1', '-o', 'binary=/bin/sleep', '-o', 'args=1000', '-o', `pidfile=${pidfile}`, exe], {
      encoding: 'utf8',
      env,
    });
    expect(r.stdout).toContain('passed all tests');
    expect(r.status).toBe(0);
    expect(processesWithEnv(`OCF_RESKEY_pidfile=${pidfile}`)).toEqual([]);
  });

  it('reports a daemon that died as failed (1) with the reason, and stop cleans up', async () => {
    const pidfile = join(dir, 'd2.pid');
    const params = { binary: '/bin/sleep', args: '1000', pidfile };
    expect((await runExecutable(exe, 'start', { params })).rc).toBe(0);
    const pid = Number(readFileSync(pidfile, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const mon = await runExecutable(exe, 'monitor', { params, intervalMs: 10_000 });
    expect([mon.rc, mon.exitReason]).toEqual([1, `process ${pid} from ${pidfile} is gone`]);
    expect((await runExecutable(exe, 'stop', { params })).rc).toBe(0);
    expect((await runExecutable(exe, 'monitor', { params, intervalMs: 10_000 })).rc).toBe(7);
  });

  it('names a relative binary in a 6', async () => {
    const r = await runExecutable(exe, 'start', { params: { binary: 'sleep' } });
    expect([r.rc, r.exitReason]).toEqual([6, 'parameter "binary" must match the pattern ^/, got "sleep"']);
  });
});
