import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OCF } from '../codes';
import { defineAgent } from '../define-agent';
import { fail } from '../errors';
import { failed } from '../state';
import { runAction } from '../testing';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocfkit-exec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file-backed agent whose start only takes effect after `delayMs` (to test waiting). */
function fileAgent(opts: { delayMs?: number; startThrows?: unknown; binary?: string } = {}) {
  return defineAgent({
    name: 'FileRes',
    version: '1',
    shortdesc: 'file',
    longdesc: 'file',
    params: {
      file: { type: 'string', shortdesc: 'File', required: true, pattern: '^/' },
      count: { type: 'integer', shortdesc: 'Count', min: 1, default: 1 },
    },
    validate(ctx) {
      if (opts.binary) ctx.requireBinary(opts.binary);
    },
    status: (ctx) => {
      if (!existsSync(ctx.params.file)) return 'stopped';
      return readFileSync(ctx.params.file, 'utf8') === 'broken' ? failed('content is broken') : 'running';
    },
    actions: {
      start(ctx) {
        if (opts.startThrows !== undefined) throw opts.startThrows;
        const write = () => writeFileSync(ctx.params.file, 'ok');
        if (opts.delayMs) setTimeout(write, opts.delayMs);
        else write();
      },
      stop(ctx) {
        rmSync(ctx.params.file, { force: true });
      },
    },
  });
}

describe('execute: dispatch and exit codes', () => {
  it('answers an unknown action with 3, usage on stderr and a reason', async () => {
    const r = await runAction(fileAgent(), 'frobnicate');
    expect(r.rc).toBe(OCF.ERR_UNIMPLEMENTED);
    expect(r.stderr).toContain('usage: FileRes {start|stop|monitor|validate-all|meta-data|usage}');
    expect(r.exitReason).toBe('action "frobnicate" is not supported by FileRes');
  });

  it('runs the lifecycle idempotently', async () => {
    const agent = fileAgent();
    const params = { file: join(dir, 'f') };
    const codes = [];
    for (const action of ['monitor', 'start', 'start', 'monitor', 'stop', 'stop', 'monitor']) {
      codes.push((await runAction(agent, action, { params, intervalMs: action === 'monitor' ? 10_000 : 0 })).rc);
    }
    expect(codes).toEqual([7, 0, 0, 0, 0, 0, 7]);
  });

  it('reports start done only once status() says running', async () => {
    const file = join(dir, 'slow');
    const r = await runAction(fileAgent({ delayMs: 300 }), 'start', { params: { file } });
    expect(r.rc).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it('gives 6 with a reason naming the parameter and value, 7 on a probe, 0 on stop', async () => {
    const agent = fileAgent();
    const bad = { file: 'relative/path' };
    const start = await runAction(agent, 'start', { params: bad });
    expect([start.rc, start.exitReason]).toEqual([6, 'parameter "file" must match the pattern ^/, got "relative/path"']);
    expect((await runAction(agent, 'validate-all', { params: {} })).exitReason).toBe(
      'required parameter "file" is not set (OCF_RESKEY_file)',
    );
    expect((await runAction(agent, 'monitor', { params: bad })).rc).toBe(7);
    expect((await runAction(agent, 'monitor', { params: bad, intervalMs: 10_000 })).rc).toBe(6);
    expect((await runAction(agent, 'stop', { params: bad })).rc).toBe(0);
  });

  it('answers notify with 0 even when the configuration is invalid', async () => {
    const agent = defineAgent({
      name: 'Notified',
      version: '1',
      shortdesc: 's',
      longdesc: 'l',
      params: { port: { type: 'integer', shortdesc: 'port', required: true } },
      validate: (ctx) => ctx.requireBinary('no-such-binary-ocfkit'),
      status: () => 'running',
      actions: { start: () => {}, stop: () => {}, notify: () => OCF.SUCCESS },
    });
    const invalid = await runAction(agent, 'notify', { params: { port: 'http' } });
    expect([invalid.rc, invalid.exitReason]).toEqual([0, undefined]);
    expect(invalid.stderr).toContain('WARNING: notify with an invalid configuration (parameter "port" must be an integer, got "http")');
    const hostFailure = await runAction(agent, 'notify', { params: { port: '1' } });
    expect(hostFailure.rc).toBe(0);
    expect((await runAction(agent, 'validate-all', { params: { port: 'http' } })).rc).toBe(6);
  });

  it('maps a missing binary to 5, but 7 on a probe and 0 on stop', async () => {
    const agent = fileAgent({ binary: 'no-such-binary-ocfkit' });
    const params = { file: join(dir, 'f') };
    const start = await runAction(agent, 'start', { params });
    expect([start.rc, start.exitReason]).toEqual([5, "Setup problem: couldn't find command: no-such-binary-ocfkit"]);
    expect((await runAction(agent, 'monitor', { params })).rc).toBe(7);
    expect((await runAction(agent, 'stop', { params })).rc).toBe(0);
  });

  it('treats every binary as missing under OCF_TESTER_FAIL_HAVE_BINARY=1', async () => {
    const agent = fileAgent({ binary: 'sh' });
    const params = { file: join(dir, 'f') };
    expect((await runAction(agent, 'validate-all', { params })).rc).toBe(0);
    expect((await runAction(agent, 'validate-all', { params, env: { OCF_TESTER_FAIL_HAVE_BINARY: '1' } })).rc).toBe(5);
  });

  it('turns anything thrown into 1 with its message, and OcfError into its code', async () => {
    const params = { file: join(dir, 'f') };
    const boom = await runAction(fileAgent({ startThrows: new Error('disk on fire') }), 'start', { params });
    expect([boom.rc, boom.exitReason]).toEqual([1, 'disk on fire']);
    const perm = await runAction(fileAgent({ startThrows: { toString: () => 'odd' } }), 'start', { params });
    expect([perm.rc, perm.exitReason]).toEqual([1, 'odd']);
    let thrown: unknown;
    try {
      fail.perm('must run as root');
    } catch (e) {
      thrown = e;
    }
    const r = await runAction(fileAgent({ startThrows: thrown }), 'start', { params });
    expect([r.rc, r.exitReason]).toEqual([4, 'must run as root']);
  });

  it('reports a failed status as 1 with its reason', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'broken');
    const r = await runAction(fileAgent(), 'monitor', { params: { file }, intervalMs: 5000 });
    expect([r.rc, r.exitReason]).toEqual([1, 'content is broken']);
  });

  it('writes one exit-reason line, at most 128 characters, newlines flattened', async () => {
    const params = { file: join(dir, 'f') };
    const r = await runAction(fileAgent({ startThrows: new Error(`first\nsecond ${'x'.repeat(200)}`) }), 'start', { params });
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.length).toBe('ocf-exit-reason:'.length + 128);
    expect(r.exitReason?.startsWith('first second xxx')).toBe(true);
  });

  it('fails start with 1 and the last status when the deadline passes', async () => {
    const r = await runAction(fileAgent({ delayMs: 60_000 }), 'start', { params: { file: join(dir, 'never') }, timeoutMs: 1500 });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toBe('start did not complete within 1.5s (CRM_meta_timeout); status: stopped');
  });

  /** An agent whose start goes through the given file contents, one every 150 ms. */
  function phasedAgent(phases: string[]) {
    return defineAgent({
      name: 'Phased',
      version: '1',
      shortdesc: 'phases',
      longdesc: 'phases',
      params: { file: { type: 'string', shortdesc: 'File', required: true, pattern: '^/' } },
      status: (ctx) => {
        const text = existsSync(ctx.params.file) ? readFileSync(ctx.params.file, 'utf8') : '';
        if (text === 'died') return failed('the daemon exited with status 2', { final: true });
        if (text === 'not answering') return failed('not answering yet');
        return text === 'ok' ? 'running' : 'stopped';
      },
      actions: {
        start(ctx) {
          for (const [i, p] of phases.entries()) setTimeout(() => writeFileSync(ctx.params.file, p), 150 * (i + 1));
        },
        stop(ctx) {
          rmSync(ctx.params.file, { force: true });
        },
      },
    });
  }

  it('ends a start at once with the reason of a final failure instead of waiting out the timeout', async () => {
    const r = await runAction(phasedAgent(['died']), 'start', { params: { file: join(dir, 'died') }, timeoutMs: 3_600_000 });
    expect([r.rc, r.exitReason]).toEqual([1, 'the daemon exited with status 2']);
  });

  it('keeps waiting through a failure that is not final (a daemon still coming up)', async () => {
    const r = await runAction(phasedAgent(['not answering', 'ok']), 'start', { params: { file: join(dir, 'slow') }, timeoutMs: 60_000 });
    expect([r.rc, r.exitReason]).toEqual([0, undefined]);
  });

  it('honours a CRM_meta_timeout beyond Node timer limit (2^32 ms) instead of failing at once', async () => {
    const r = await runAction(fileAgent({ delayMs: 300 }), 'start', { params: { file: join(dir, 'slow') }, timeoutMs: 2 ** 32 });
    expect([r.rc, r.exitReason]).toEqual([0, undefined]);
  });

  it('rejects a handler that forgets to return a result', async () => {
    const agent = defineAgent({
      name: 'Forgetful',
      version: '1',
      shortdesc: 's',
      longdesc: 'l',
      params: {},
      status: () => 'running',
      // @ts-expect-error notify must return OCF.SUCCESS
      actions: { start: () => {}, stop: () => {}, notify: () => {} },
    });
    const r = await runAction(agent, 'notify');
    expect([r.rc, r.exitReason]).toEqual([1, 'notify handler returned no result (it must return OCF.SUCCESS or throw)']);
  });

  it('prints meta-data without parameters and usage with 0', async () => {
    const agent = fileAgent();
    const md = await runAction(agent, 'meta-data', { env: { OCF_RESKEY_file: undefined } });
    expect(md.rc).toBe(0);
    expect(md.stdout).toContain('<resource-agent name="FileRes" version="1">');
    expect((await runAction(agent, 'usage')).rc).toBe(0);
  });

  it('runs many commands at once without a MaxListenersExceeded warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const agent = defineAgent({
        name: 'Busy',
        version: '1',
        shortdesc: 's',
        longdesc: 'l',
        params: {},
        status: () => 'running',
        actions: {
          start: () => {},
          stop: () => {},
          notify: async (ctx) => {
            await Promise.all(Array.from({ length: 12 }, () => ctx.exec('true')));
            return OCF.SUCCESS;
          },
        },
      });
      expect((await runAction(agent, 'notify')).rc).toBe(0);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
