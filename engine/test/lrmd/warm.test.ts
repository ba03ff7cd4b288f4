/**
 * The warm runner (OCFKIT_EXEC_WARM): an agent built by `ocfkit build` handed to a pre-started
 * Node process gives the op result an exec'd one gives — the same agent run both ways, compared
 * field by field — and each runner serves one op only.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WARM_RUNNABLE_MARKER } from '@ocfkit/sdk';
import { afterAll, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import { resolveSettings } from '../../src/lrmd/options';
import { type OpSettings, runOp } from '../../src/lrmd/run-op';
import type { OpRequest, OpResult, ResourceSpec } from '../../src/lrmd/types';
import { warmInterpreter } from '../../src/lrmd/warm';
import { FIXTURE_RA_DIR, waitFor } from './helpers';

const DIST = resolve(import.meta.dirname, '../../../agents/dist/ocf/resource.d');
/** `warmprobe`, a hand-written agent with the marker, under a `"type": "commonjs"` package.json as `ocfkit build` writes. */
const WARM_RA_DIR = resolve(import.meta.dirname, '../fixtures/warm/ocf/resource.d');
const work = mkdtempSync(join(tmpdir(), 'ocfkit-lrmd-warm-'));
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
const cold = resolveSettings({ searchPath: [WARM_RA_DIR, FIXTURE_RA_DIR, DIST], baseEnv, cwd: '/', warm: 0 });
const warm = resolveSettings({ searchPath: [WARM_RA_DIR, FIXTURE_RA_DIR, DIST], baseEnv, cwd: '/', warm: 1 });
const pool = warm.warm;
afterAll(() => {
  pool?.close();
  rmSync(work, { recursive: true, force: true });
});

let callId = 0;
function run(settings: OpSettings, spec: ResourceSpec, req: OpRequest): Promise<OpResult> {
  return runOp(settings, spec, req, ++callId, settings.clock.now()).result;
}

/** The ready idle runner's pid, after filling the pool (the first take only starts it). */
async function readyRunner(spec: ResourceSpec): Promise<number> {
  if (!pool) throw new Error('no warm pool');
  if (pool.idlePids().length === 0) await run(warm, spec, { rsc: spec.id, action: 'monitor', timeoutMs: 30_000 });
  await waitFor(() => pool.idlePids().some((r) => r.ready), 30_000, 'a ready warm runner');
  return (pool.idlePids().find((r) => r.ready) as { pid: number }).pid;
}

/** The fields an op result reports that must not depend on how the agent was started. */
function comparable(r: OpResult) {
  return { rc: r.rc, execStatus: r.execStatus, exitReason: r.exitReason, signal: r.signal, stdout: r.stdout, stderr: r.stderr, env: r.env };
}

const probe: ResourceSpec = { id: 'wp', provider: 'ocfkit-test', type: 'warmprobe', params: { dir: work } };

describe('warm runner', () => {
  test('recognises agents by the marker of `ocfkit build`, and only those', () => {
    const file = join(WARM_RA_DIR, 'ocfkit-test/warmprobe');
    expect(warmInterpreter(file, baseEnv)?.argv0).toBe('node');
    expect(warmInterpreter(join(FIXTURE_RA_DIR, 'ocfkit-test/scripted'), baseEnv)).toBeUndefined();
    // node not on the op's PATH: exec'd, so the op fails as `/usr/bin/env node` would
    expect(warmInterpreter(file, { PATH: work })).toBeUndefined();
    // the same file under a "type": "module" package.json: Node runs it as an ES module, so exec'd
    const esm = join(work, 'esm');
    mkdirSync(esm);
    writeFileSync(join(esm, 'package.json'), '{ "type": "module" }\n');
    copyFileSync(file, join(esm, 'warmprobe'));
    chmodSync(join(esm, 'warmprobe'), 0o755);
    expect(warmInterpreter(join(esm, 'warmprobe'), baseEnv)).toBeUndefined();
    // without the marker line: exec'd
    writeFileSync(join(work, 'plain'), readFileSync(file, 'utf8').replace(WARM_RUNNABLE_MARKER, '//'), { mode: 0o755 });
    expect(warmInterpreter(join(work, 'plain'), baseEnv)).toBeUndefined();
  });

  test("the agent sees what an exec'd one sees: env, argv, cwd, cmdline, stdin, niceness, its own group; each runner once", async () => {
    const runner = await readyRunner(probe);
    const a = await run(warm, { ...probe, params: { dir: work, secret: 'first-only' } }, { rsc: 'wp', action: 'dump' });
    const seenA = JSON.parse(a.stdout);
    expect(seenA.pid).toBe(runner);
    expect(existsSync(`/proc/${runner}`)).toBe(false);
    const second = await readyRunner(probe);
    expect(second).not.toBe(runner);
    const b = await run(warm, probe, { rsc: 'wp', action: 'dump' });
    const seenB = JSON.parse(b.stdout);
    expect(seenB.pid).toBe(second);
    expect(seenB.env.OCF_RESKEY_secret).toBeUndefined();
    expect(seenA.env.OCF_RESKEY_secret).toBe('first-only');
    const c = await run(cold, probe, { rsc: 'wp', action: 'dump' });
    const seenC = JSON.parse(c.stdout);
    const { pid: _b, pgid: pgidB, ...restB } = seenB;
    const { pid: _c, pgid: pgidC, ...restC } = seenC;
    expect(restB).toEqual(restC);
    expect(restB.cmdline).toBe(`node ${join(WARM_RA_DIR, 'ocfkit-test/warmprobe')} dump`);
    expect([pgidB, pgidC]).toEqual([seenB.pid, seenC.pid]);
    expect(comparable({ ...b, stdout: '' })).toEqual(comparable({ ...c, stdout: '' }));
  }, 90_000);

  test('a failing action: the same rc, exit reason and output', async () => {
    await readyRunner(probe);
    const w = await run(warm, probe, { rsc: 'wp', action: 'fail' });
    const c = await run(cold, probe, { rsc: 'wp', action: 'fail' });
    expect(comparable(w)).toEqual(comparable(c));
    expect(w.exitReason).toBe('the probe was told to fail');
  }, 60_000);

  test("a timeout kills the agent and its children as it does an exec'd one", async () => {
    const results: OpResult[] = [];
    for (const settings of [warm, cold]) {
      if (settings === warm) await readyRunner(probe);
      rmSync(join(work, 'child'), { force: true });
      const r = await run(settings, probe, { rsc: 'wp', action: 'sleep', timeoutMs: 1500 });
      const child = Number(readFileSync(join(work, 'child'), 'utf8'));
      await waitFor(
        () => !existsSync(`/proc/${child}`) || readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z'),
        10_000,
        'the child killed',
      );
      results.push(r);
    }
    const [w, c] = results as [OpResult, OpResult];
    expect(comparable(w)).toEqual(comparable(c));
    expect(w.execStatus).toBe('timeout');
  }, 90_000);

  const built = ['Dummy', 'IPaddr'].every((t) => existsSync(join(DIST, 'ocfkit', t)));
  test.skipIf(!built)(
    "built agents: meta-data, and a validate failing with its exit reason, as exec'd",
    async () => {
      const dummy: ResourceSpec = { id: 'd', provider: 'ocfkit', type: 'Dummy', params: { state: join(work, 'd.state') } };
      const ip: ResourceSpec = { id: 'ip', provider: 'ocfkit', type: 'IPaddr', params: { cidr_netmask: '24' } };
      for (const [spec, action] of [
        [dummy, 'meta-data'],
        [ip, 'meta-data'],
        [ip, 'validate-all'],
      ] as const) {
        const runner = await readyRunner(probe);
        const w = await run(warm, spec, { rsc: spec.id, action });
        expect(existsSync(`/proc/${runner}`)).toBe(false);
        expect(pool?.idlePids().some((r) => r.pid === runner)).toBe(false);
        const c = await run(cold, spec, { rsc: spec.id, action });
        expect({ spec: spec.type, action, ...comparable(w) }).toEqual({ spec: spec.type, action, ...comparable(c) });
        if (action === 'validate-all') expect([w.rc, w.exitReason?.includes('ip')]).toEqual([6, true]);
      }
    },
    120_000,
  );

  test("a missing cwd: the same result as exec'd (the spawn fails)", async () => {
    await readyRunner(probe);
    const gone = { ...warm, cwd: join(work, 'no-such-dir') };
    const w = await run(gone, probe, { rsc: 'wp', action: 'dump' });
    const c = await run({ ...cold, cwd: gone.cwd }, probe, { rsc: 'wp', action: 'dump' });
    expect(comparable(w)).toEqual(comparable(c));
    expect(w.execStatus).not.toBe('done');
  }, 60_000);

  test('OCFKIT_EXEC_WARM=0 turns it off; a bad value is named', () => {
    const saved = process.env.OCFKIT_EXEC_WARM;
    try {
      process.env.OCFKIT_EXEC_WARM = '0';
      expect(resolveSettings({}).warm).toBeUndefined();
      process.env.OCFKIT_EXEC_WARM = 'yes';
      expect(() => resolveSettings({})).toThrow('OCFKIT_EXEC_WARM must be an integer 0-16, got "yes"');
    } finally {
      if (saved === undefined) delete process.env.OCFKIT_EXEC_WARM;
      else process.env.OCFKIT_EXEC_WARM = saved;
    }
    expect(resolveSettings({ warm: 2 }).warm).toBeDefined();
  });

  test('an executor closes its idle runners', async () => {
    const ex = new Executor({ searchPath: [WARM_RA_DIR], baseEnv, warm: 1 });
    ex.register(probe);
    const first = JSON.parse((await ex.run({ rsc: 'wp', action: 'dump' })).stdout);
    // the first op was exec'd (nothing idle yet) and started one runner: find it as a child of this process
    const others = new Set(pool?.idlePids().map((r) => r.pid));
    const runners = () =>
      readdirSync(`/proc/${process.pid}/task`)
        .flatMap((t) => readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').split(' '))
        .filter(Boolean)
        .map(Number)
        .filter((p) => p !== first.pid && !others.has(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('runMain'));
    await waitFor(() => runners().length === 1, 30_000, 'one runner');
    const runner = runners()[0] as number;
    await ex.close();
    await waitFor(
      () => !existsSync(`/proc/${runner}`) || readFileSync(`/proc/${runner}/stat`, 'utf8').includes(') Z'),
      10_000,
      'the runner gone',
    );
  }, 60_000);
});
