/**
 * In-process checks that need no namespace and no root: meta-data, configuration errors, and the
 * background sender's pid-file safety. (Everything that changes addresses is in test/.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '@ocfkit/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import IPaddr from './agent';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipaddr-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('IPaddr (in process)', () => {
  it('prints portable meta-data with the heartbeat parameter names and defaults', async () => {
    const r = await runAction(IPaddr, 'meta-data');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">');
    expect(r.stdout).toContain('<parameter name="ip" unique="1" required="1">');
    expect(r.stdout).toContain('<content type="integer" default="5"/>');
    expect(r.stdout).toContain('iputils arping -U');
    const actions = [...r.stdout.matchAll(/<action name="([^"]+)"/g)].map((m) => m[1]);
    expect(actions).toEqual(['start', 'stop', 'monitor', 'validate-all', 'meta-data']);
  });

  it('rejects malformed values before touching the host, naming them', async () => {
    const reason = async (params: Record<string, string>) => {
      const r = await runAction(IPaddr, 'validate-all', { params });
      return [r.rc, r.exitReason];
    };
    expect(await reason({ ip: '10.1.1' })).toEqual([6, 'parameter "ip" must be an IPv4 address such as 192.168.1.10, got "10.1.1"']);
    expect(await reason({ ip: '2001:db8::1' })).toEqual([
      6,
      'parameter "ip" must be an IPv4 address such as 192.168.1.10, got "2001:db8::1" (IPv6 is not supported by this agent yet)',
    ]);
    expect(await reason({ ip: '10.1.1.1', arp_interval: 'fast' })).toEqual([6, 'parameter "arp_interval" must be an integer, got "fast"']);
    expect(await reason({})).toEqual([6, 'required parameter "ip" is not set (OCF_RESKEY_ip)']);
  });

  it('stop never signals a pid file whose process is not its ARP sender (a recycled pid)', async () => {
    // Its own process group, like the real sender, so a wrong kill(-pid) would reach it.
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    try {
      const pidFile = join(dir, 'ocfkit-IPaddr-garp-192.0.2.99.pid');
      writeFileSync(pidFile, `${stranger.pid}\n`, { mode: 0o600 });
      const r = await runAction(IPaddr, 'stop', { params: { ip: '192.0.2.99', nic: 'ocfkit-none0' }, env: { HA_RSCTMP: dir } });
      expect(r.rc).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
      await new Promise((res) => setTimeout(res, 100));
      expect(stranger.exitCode).toBeNull();
      expect(stranger.signalCode).toBeNull();
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});
