/**
 * IPaddr as a drop-in for Debian's ocf:heartbeat:IPaddr / IPaddr2 (issue 21, defect 9), against
 * the real things: the parameter names of the installed heartbeat agents, IPaddr2's findif.sh run
 * in the same namespace as ours, and heartbeat IPaddr's own parameters taking effect.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgentRun, buildIPaddr, missingNetTools, NetLab, openTempDir, removeDir, runInNs } from './netlab';

const HEARTBEAT = '/usr/lib/ocf/resource.d/heartbeat';
const FINDIF_SH = '/usr/lib/ocf/lib/heartbeat/findif.sh';
const missing =
  missingNetTools() ??
  (existsSync(`${HEARTBEAT}/IPaddr`) && existsSync(FINDIF_SH)
    ? undefined
    : 'resource-agents (heartbeat IPaddr, findif.sh) is not installed');
if (missing && process.env.CI === 'true') throw new Error(`CI=true: ${missing}`);

/** The parameter names of an agent's meta-data, in order. */
function paramNames(xml: string): string[] {
  return [...xml.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe.skipIf(missing)('IPaddr as a drop-in for heartbeat IPaddr / IPaddr2', () => {
  let dir: string;
  let agent: string;
  let lab: NetLab;
  let node: string;

  beforeAll(async () => {
    dir = openTempDir('ocfkit-ipaddr-dropin-');
    agent = await buildIPaddr(join(dir, 'dist'));
  });
  afterAll(() => removeDir(dir));
  beforeEach(() => {
    lab = new NetLab();
    node = lab.ns('node');
    const peer = lab.ns('peer');
    lab.veth(node, 'v0', peer, 'p0');
    lab.ip(node, ['addr', 'add', '10.58.0.1/24', 'dev', 'v0']);
  });
  afterEach(() => lab.close());

  const run = (action: string, params: Record<string, string>, opts: Omit<AgentRun, 'params'> = {}) =>
    runInNs(node, agent, action, { params, ...opts, env: { HA_RSCTMP: dir, ...opts.env } });

  /** IPaddr2's findif (resource-agents' findif.sh) in the namespace: its exit code. */
  const findif = (params: Record<string, string>) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', OCF_ROOT: '/usr/lib/ocf', __OCF_ACTION: 'start' };
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
    const script = '. /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs && . "$1" && findif';
    return spawnSync('ip', ['netns', 'exec', node, 'sh', '-c', script, 'findif', FINDIF_SH], { encoding: 'utf8', env }).status;
  };

  it('has every parameter of the installed heartbeat IPaddr', () => {
    const theirs = paramNames(
      spawnSync(`${HEARTBEAT}/IPaddr`, ['meta-data'], { encoding: 'utf8', env: { OCF_ROOT: '/usr/lib/ocf' } }).stdout,
    );
    const ours = paramNames(spawnSync(agent, ['meta-data'], { encoding: 'utf8' }).stdout);
    expect(theirs.length).toBeGreaterThan(5);
    expect(theirs.filter((n) => !ours.includes(n))).toEqual([]);
  });

  it('a cidr_netmask wider than the connected network, without nic: refuses to start, as findif does', () => {
    // 10.58.0.0/24 is on v0: /28 and /24 fit inside it, /16 and /8 do not.
    const table = ['28', '24', '16', '8'].map((mask) => {
      const p = { ip: '10.58.0.40', cidr_netmask: mask, arp_bg: 'false', arp_count: '1' };
      const start = run('start', p);
      const on = lab.addrs(node).some((a) => a.includes('10.58.0.40/'));
      run('stop', p);
      return [mask, findif(p) === 0 ? 'findif ok' : 'findif refuses', start.rc, on, start.reason ?? ''];
    });
    expect(table.map((r) => r.slice(0, 4))).toEqual([
      ['28', 'findif ok', 0, true],
      ['24', 'findif ok', 0, true],
      ['16', 'findif refuses', 1, false],
      ['8', 'findif refuses', 1, false],
    ]);
    expect(table[2]?.[4]).toBe('cidr_netmask=16 is wider than 10.58.0.0/24 on v0 and nic is unset: set nic or cidr_netmask>=24');
    // With nic given, findif takes the prefix as configured, and so do we.
    const withNic = { ip: '10.58.0.41', nic: 'v0', cidr_netmask: '16', arp_bg: 'false', arp_count: '1' };
    expect([findif(withNic), run('start', withNic).rc]).toEqual([0, 0]);
    expect(lab.addrs(node)).toContain('v0 10.58.0.41/16 v0');
    expect([run('monitor', { ...withNic, cidr_netmask: '16' }).rc, run('stop', withNic).rc]).toEqual([0, 0]);
  });

  it('ARP_REPEAT, ARP_INTERVAL_MS and ARP_BACKGROUND take effect; the IPaddr2 names win when both are set', () => {
    const base = { ip: '10.58.0.50' };
    const started = run('start', { ...base, ARP_REPEAT: '3', ARP_INTERVAL_MS: '20', ARP_BACKGROUND: 'no' });
    expect(started.rc).toBe(0);
    expect(started.stderr).toContain('sent 3 gratuitous ARPs for 10.58.0.50 on v0');
    expect(run('stop', base).rc).toBe(0);
    const both = run('start', { ...base, ARP_REPEAT: '3', arp_count: '2', ARP_BACKGROUND: 'no', ARP_NETMASK: '0000000000ff' });
    expect(both.rc).toBe(0);
    expect(both.stderr).toContain('sent 2 gratuitous ARPs for 10.58.0.50 on v0');
    expect(both.stderr).toContain('ARP_REPEAT=3 ignored: arp_count=2 is set too');
    expect(both.stderr).toContain('ARP_NETMASK=0000000000ff ignored');
    expect(run('stop', base).rc).toBe(0);
    const bad = run('start', { ...base, ARP_REPEAT: 'many' });
    expect([bad.rc, bad.reason]).toEqual([6, expect.stringContaining('ARP_REPEAT')]);
    expect(run('validate-all', { ...base, ARP_NETMASK: 'ff;reboot' }).rc).toBe(6);
  });

  it('local_start_script and local_stop_script run as argv (ip, nic) around the address change, never through a shell', () => {
    const log = join(dir, 'hooks.log');
    const hook = join(dir, 'hook $(touch pwned)');
    writeFileSync(hook, `#!/bin/sh\necho "$0|$1|$2|$(ip -o -4 addr show dev "$2" | grep -c '10.58.0.60/')" >> "${log}"\nexit 3\n`);
    chmodSync(hook, 0o755);
    const p = { ip: '10.58.0.60', local_start_script: hook, local_stop_script: hook, arp_bg: 'false', arp_count: '1' };
    const start = run('start', p);
    expect(start.rc).toBe(0);
    expect(start.stderr).toContain('exited 3');
    expect(run('stop', p).rc).toBe(0);
    // Before the add the address is absent (0); before the removal it is present (1).
    expect(readFileSync(log, 'utf8')).toBe(`${hook}|10.58.0.60|v0|0\n${hook}|10.58.0.60|v0|1\n`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    const notThere = { ...p, local_start_script: join(dir, 'nosuch') };
    const refused = run('start', notThere);
    expect([refused.rc, refused.reason]).toEqual([
      6,
      `parameter "local_start_script": ${JSON.stringify(join(dir, 'nosuch'))} is not an executable file`,
    ]);
    expect(run('validate-all', { ...p, local_stop_script: 'hook.sh' }).rc).toBe(6);
    expect(lab.addrs(node).join('\n')).not.toContain('10.58.0.60');
  });
});
