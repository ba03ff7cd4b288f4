import { runAction } from '@ocfkit/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import Xen from '../agent';
import { sandbox, type XenSandbox } from './double';

let xen: XenSandbox | undefined;
afterEach(() => xen?.cleanup());

for (const tool of ['xl', 'xm'] as const) {
  describe(`lifecycle with ${tool}`, () => {
    it('probe, start, monitor, idempotent start/stop, probe', async () => {
      xen = sandbox(tool);
      const xmfile = xen.config('web1', 'name = "web1"\nmemory = 256\nvcpus = 1\n');
      const opts = { params: { xmfile }, env: xen.env(), instance: 'rsc_web1' };
      expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
      expect((await runAction(Xen, 'start', { ...opts, timeoutMs: 30_000 })).rc).toBe(0);
      expect(Object.keys(xen.domains())).toEqual(['web1']);
      expect((await runAction(Xen, 'monitor', { ...opts, intervalMs: 10_000 })).rc).toBe(0);
      expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
      expect(Object.keys(xen.domains())).toEqual(['web1']);
      const stop = await runAction(Xen, 'stop', { ...opts, timeoutMs: 20_000 });
      expect(stop.rc).toBe(0);
      expect(stop.stderr).not.toContain('will be destroyed');
      expect(xen.domains()).toEqual({});
      expect((await runAction(Xen, 'stop', opts)).rc).toBe(0);
      expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
    });

    it('uses the name parameter over the config file, and the resource id without either', async () => {
      xen = sandbox(tool);
      const named = xen.config('a', 'name = "from-file"\nmemory = 128\n');
      expect((await runAction(Xen, 'start', { params: { xmfile: named, name: 'from-param' }, env: xen.env() })).rc).toBe(0);
      const anonymous = xen.config('b', 'memory = 128\n');
      expect((await runAction(Xen, 'start', { params: { xmfile: anonymous }, env: xen.env(), instance: 'rsc-b' })).rc).toBe(0);
      expect(Object.keys(xen.domains()).sort()).toEqual(['from-param', 'rsc-b']);
    });

    it('a paused guest counts as running', async () => {
      xen = sandbox(tool);
      const xmfile = xen.config('p', 'name = "p1"\nmemory = 128\n');
      const opts = { params: { xmfile }, env: xen.env() };
      expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
      expect(xen.run(tool, ['pause', 'p1']).code).toBe(0);
      expect(xen.domains()).toEqual({ p1: '--p---' });
      expect((await runAction(Xen, 'monitor', { ...opts, intervalMs: 10_000 })).rc).toBe(0);
    });
  });
}

describe('configuration and host errors', () => {
  it('start with a missing xmfile → 5; a probe → 7', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: `${xen.root}/absent.cfg` }, env: xen.env() };
    const r = await runAction(Xen, 'start', opts);
    expect(r.rc).toBe(5);
    expect(r.exitReason).toContain('absent.cfg');
    expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
  });

  it('shutdown_timeout must be a number → 6', async () => {
    xen = sandbox('xl');
    const r = await runAction(Xen, 'start', {
      params: { xmfile: xen.config('x', 'name = "x"\n'), shutdown_timeout: '10s' },
      env: xen.env(),
    });
    expect(r.rc).toBe(6);
    expect(r.exitReason).toContain('shutdown_timeout');
  });

  it('no toolstack → start 5, probe 7, stop 0', async () => {
    xen = sandbox('xl');
    const env = { ...xen.env(), PATH: '/usr/bin:/bin' };
    const opts = { params: { xmfile: xen.config('x', 'name = "x"\n') }, env };
    const r = await runAction(Xen, 'start', opts);
    expect(r.rc).toBe(5);
    expect(r.exitReason).toMatch(/neither xl nor xm/);
    expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
    expect((await runAction(Xen, 'stop', opts)).rc).toBe(0);
  });

  it('create failing in the toolstack → 1 with its message', async () => {
    xen = sandbox('xl', ['localhost'], { XEN_DOUBLE_TOTAL_MB: '1500' });
    const r = await runAction(Xen, 'start', { params: { xmfile: xen.config('big', 'name = "big"\nmemory = 4096\n') }, env: xen.env() });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toContain('cannot allocate 4096 MB');
  });
});
