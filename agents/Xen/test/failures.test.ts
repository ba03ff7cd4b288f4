import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '@ocfkit/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import Xen from '../agent';
import { sandbox, type XenSandbox } from './double';

let xen: XenSandbox | undefined;
afterEach(() => xen?.cleanup());

const recurring = { intervalMs: 10_000, timeoutMs: 30_000 };

/**
 * A stop timeout of `ms`, or longer on a host where starting the toolstack double is slow: stop
 * gives a graceful shutdown 2/3 of its timeout and keeps the rest (at least a quarter) to destroy,
 * which takes about four toolstack runs (list, destroy, list, and a shutdown killed at its
 * budget). At a load of 40 one run took over a second and 10 s left too little; the timeout then
 * grows with the measured run, so every stop still has to end the guest inside its own timeout.
 */
function stopTimeoutMs(x: XenSandbox, ms: number): number {
  const started = performance.now();
  x.run('xl', ['list']);
  return Math.max(ms, Math.ceil(24 * (performance.now() - started)));
}

describe('guest failures seen from dom0', () => {
  for (const tool of ['xl', 'xm'] as const) {
    it(`${tool}: a crash (on_crash=preserve) is detected; start replaces the remnant`, async () => {
      xen = sandbox(tool);
      const xmfile = xen.config('c', 'name = "c1"\nmemory = 128\non_crash = "preserve"\n');
      const opts = { params: { xmfile }, env: xen.env() };
      expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
      expect(xen.run('ctl', ['crash', 'c1']).code).toBe(0);
      expect(xen.domains()).toEqual({ c1: tool === 'xl' ? '---sc-' : '----c-' });
      const mon = await runAction(Xen, 'monitor', { ...opts, ...recurring });
      expect(mon.rc).toBe(7);
      expect(mon.stderr).toContain('crashed');
      expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
      const start = await runAction(Xen, 'start', opts);
      expect(start.rc).toBe(0);
      expect(start.stderr).toContain('remnant');
      expect(xen.domains().c1).toMatch(/^[r-][b-]----$/);
    });
  }

  it('a crash with on_crash=destroy: the domain is gone → 7', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('c', 'name = "c2"\nmemory = 128\n') }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    xen.run('ctl', ['crash', 'c2']);
    expect(xen.domains()).toEqual({});
    expect((await runAction(Xen, 'monitor', { ...opts, ...recurring })).rc).toBe(7);
  });

  it('a recurring monitor rides out a guest reboot; a probe does not wait', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('r', 'name = "r1"\nmemory = 128\n') }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    xen.run('ctl', ['reboot', 'r1', '2500']);
    expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
    expect((await runAction(Xen, 'monitor', { ...opts, ...recurring })).rc).toBe(0);
    expect(Object.keys(xen.domains())).toEqual(['r1']);
  });

  it('a guest hung in shutdown is destroyed inside the stop timeout', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('h', 'name = "h1"\nmemory = 128\n') }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    xen.run('ctl', ['hang', 'h1']);
    const stop = await runAction(Xen, 'stop', { ...opts, timeoutMs: stopTimeoutMs(xen, 10_000) });
    expect(stop.rc).toBe(0);
    expect(stop.stderr).toContain('will be destroyed');
    expect(xen.domains()).toEqual({});
  });

  it('a shutdown_timeout longer than the stop timeout still leaves time to destroy', async () => {
    xen = sandbox('xm');
    const opts = { params: { xmfile: xen.config('h', 'name = "h2"\nmemory = 128\n'), shutdown_timeout: '600' }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    xen.run('ctl', ['hang', 'h2']);
    expect((await runAction(Xen, 'stop', { ...opts, timeoutMs: stopTimeoutMs(xen, 8000) })).rc).toBe(0);
    expect(xen.domains()).toEqual({});
  });

  it('an xl shutdown that never returns (stuck toolstack) is killed; destroy still ends the guest in time', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('s', 'name = "s1"\nmemory = 128\n') }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    const stop = await runAction(Xen, 'stop', {
      ...opts,
      env: xen.env(undefined, { XEN_DOUBLE_STUCK: 'shutdown' }),
      timeoutMs: stopTimeoutMs(xen, 10_000),
    });
    expect(stop.rc).toBe(0);
    expect(stop.stderr).toContain('will be destroyed');
    expect(xen.domains()).toEqual({});
  });

  it('a toolstack that hangs on list: monitor fails (1) inside its timeout, it does not guess "stopped"', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('l', 'name = "l1"\nmemory = 128\n') }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    const r = await runAction(Xen, 'monitor', { ...opts, env: xen.env(undefined, { XEN_DOUBLE_STUCK: 'list' }), timeoutMs: 3000 });
    expect(r.rc).toBe(1);
    expect(r.exitReason).toMatch(/deadline|did not complete/);
  });

  it('shutdown_timeout=0 destroys at once', async () => {
    xen = sandbox('xl');
    const opts = { params: { xmfile: xen.config('z', 'name = "z1"\nmemory = 128\n'), shutdown_timeout: '0' }, env: xen.env() };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    const stop = await runAction(Xen, 'stop', opts);
    expect(stop.rc).toBe(0);
    expect(stop.stderr).toContain('will be destroyed');
  });

  it('shutdown_acpi: the power button stops an HVM guest without PV drivers; a guest ignoring it is destroyed', async () => {
    xen = sandbox('xl');
    const xmfile = xen.config('hvm', 'name = "w1"\ntype = "hvm"\nmemory = 256\n');
    const plain = { params: { xmfile, shutdown_timeout: '3' }, env: xen.env() };
    const acpi = { params: { xmfile, shutdown_acpi: 'true', shutdown_timeout: '3' }, env: xen.env() };
    expect((await runAction(Xen, 'start', acpi)).rc).toBe(0);
    const graceful = await runAction(Xen, 'stop', { ...acpi, timeoutMs: 20_000 });
    expect(graceful.rc).toBe(0);
    expect(graceful.stderr).not.toContain('will be destroyed');
    // Without ACPI, xl cannot ask an HVM guest without PV drivers to shut down: destroy ends it.
    expect((await runAction(Xen, 'start', plain)).rc).toBe(0);
    const forced = await runAction(Xen, 'stop', { ...plain, timeoutMs: stopTimeoutMs(xen, 10_000) });
    expect(forced.rc).toBe(0);
    expect(forced.stderr).toContain('PV control interface not available');
    expect(forced.stderr).toContain('will be destroyed');
    expect((await runAction(Xen, 'start', acpi)).rc).toBe(0);
    xen.run('ctl', ['ignore-acpi', 'w1']);
    const ignored = await runAction(Xen, 'stop', { ...acpi, timeoutMs: stopTimeoutMs(xen, 10_000) });
    expect(ignored.rc).toBe(0);
    expect(ignored.stderr).toContain('will be destroyed');
    expect(xen.domains()).toEqual({});
  });

  it('shutdown_acpi on a PV guest: xl trigger fails (HVM only), the guest is destroyed after the shutdown timeout', async () => {
    xen = sandbox('xl');
    const opts = {
      params: { xmfile: xen.config('pv', 'name = "pv1"\nmemory = 128\n'), shutdown_acpi: '1', shutdown_timeout: '1' },
      env: xen.env(),
    };
    expect((await runAction(Xen, 'start', opts)).rc).toBe(0);
    const stop = await runAction(Xen, 'stop', { ...opts, timeoutMs: stopTimeoutMs(xen, 10_000) });
    expect(stop.rc).toBe(0);
    expect(stop.stderr).toContain("Send trigger 'power' failed");
    expect(stop.stderr).toContain('will be destroyed');
    expect(xen.domains()).toEqual({});
  });
});

describe('monitor_scripts', () => {
  it('run once the domain runs; a failure → 1 naming the script', async () => {
    xen = sandbox('xl');
    const seen = join(xen.root, 'seen');
    const ok = join(xen.root, 'check-ok');
    writeFileSync(ok, `#!/bin/sh\necho "$OCF_RESKEY_name" >> ${seen}\n`);
    const bad = join(xen.root, 'check-http');
    writeFileSync(bad, '#!/bin/sh\necho "connection refused" >&2\nexit 2\n');
    chmodSync(ok, 0o755);
    chmodSync(bad, 0o755);
    const xmfile = xen.config('m', 'name = "m1"\nmemory = 128\n');
    const good = { params: { xmfile, monitor_scripts: ok }, env: xen.env() };
    expect((await runAction(Xen, 'monitor', good)).rc).toBe(7);
    expect((await runAction(Xen, 'start', good)).rc).toBe(0);
    expect((await runAction(Xen, 'monitor', { ...good, ...recurring })).rc).toBe(0);
    expect(readFileSync(seen, 'utf8')).toBe('m1\nm1\n');
    const failing = { params: { xmfile, monitor_scripts: `${ok} ${bad}` }, env: xen.env(), ...recurring };
    const r = await runAction(Xen, 'monitor', failing);
    expect(r.rc).toBe(1);
    expect(r.exitReason).toBe(`monitor script ${bad} failed (exit 2): connection refused`);
    const missing = await runAction(Xen, 'monitor', { ...failing, params: { xmfile, monitor_scripts: `${xen.root}/nope` } });
    expect(missing.rc).toBe(1);
    expect(missing.exitReason).toContain('nope failed (not found)');
    // start of a running guest whose scripts fail never re-creates it: it waits for the scripts.
    const id = () => xen!.run('xl', ['domid', 'm1']).stdout;
    const before = id();
    const start = await runAction(Xen, 'start', { ...failing, timeoutMs: 4000 });
    expect(start.rc).toBe(1);
    expect(start.exitReason).toContain(`monitor script ${bad} failed`);
    expect(id()).toBe(before);
    expect((await runAction(Xen, 'stop', failing)).rc).toBe(0);
  });
});

describe('hostile names', () => {
  it('a name that xl would read as an option is refused (6, naming it), never passed to the toolstack', async () => {
    xen = sandbox('xl');
    const xmfile = xen.config('o', 'name = "o1"\nmemory = 128\n');
    const opts = { params: { xmfile, name: '-h' }, env: xen.env() };
    const start = await runAction(Xen, 'start', opts);
    expect([start.rc, start.exitReason]).toEqual([6, expect.stringContaining('parameter "name" must match the pattern')]);
    // The SDK's rules for an invalid configuration: stop 0 (nothing can run under that name), probe 7.
    expect((await runAction(Xen, 'stop', opts)).rc).toBe(0);
    expect((await runAction(Xen, 'monitor', opts)).rc).toBe(7);
    expect(xen.domains()).toEqual({});
  });

  it('a name= line starting with "-" in xmfile is not used as the domain name', async () => {
    xen = sandbox('xl');
    const xmfile = xen.config('p', 'name = "-v"\nmemory = 128\n');
    const r = await runAction(Xen, 'start', { params: { xmfile }, env: xen.env(), instance: 'guestp' });
    expect(r.rc).toBe(0);
    expect(Object.keys(xen.domains())).toEqual(['guestp']);
  });

  it('a monitor script named like a shell option is a script that cannot be found, not a success', async () => {
    xen = sandbox('xl');
    const params = { xmfile: xen.config('m', 'name = "m1"\nmemory = 128\n') };
    expect((await runAction(Xen, 'start', { params, env: xen.env() })).rc).toBe(0);
    const mon = await runAction(Xen, 'monitor', { params: { ...params, monitor_scripts: '-c' }, env: xen.env(), ...recurring });
    expect(mon.rc).not.toBe(0);
    expect(mon.stderr).toContain('monitor script -c failed (not found)');
  });
});
