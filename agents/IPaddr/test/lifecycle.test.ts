/**
 * IPaddr against real kernel networking: every test builds its own namespaces joined by veth
 * pairs, runs the built agent inside one (`ip netns exec`), and reads `ip -o addr` there.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processLiveness } from '@ocfkit/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgentRun, buildIPaddr, missingNetTools, NetLab, openTempDir, removeDir, runInNs } from './netlab';

const missing = missingNetTools(['setpriv', 'unshare']);

/** Drops root for the agent (uid/gid nobody). */
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
/** Hides one binary from the agent: /dev/null bound over it in a private mount namespace. */
const hide = (file: string) => [
  'unshare',
  '-m',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mount --bind /dev/null "$1" && shift && exec "$@"',
  'sh',
  file,
];

describe.skipIf(missing)('IPaddr in network namespaces', () => {
  let dir: string;
  let agent: string;
  let lab: NetLab;
  let node: string;
  let peer: string;

  beforeAll(async () => {
    dir = openTempDir('ocfkit-ipaddr-');
    agent = await buildIPaddr(join(dir, 'dist'));
  });
  afterAll(() => removeDir(dir));

  beforeEach(() => {
    lab = new NetLab();
    node = lab.ns('node');
    peer = lab.ns('peer');
    lab.veth(node, 'v0', peer, 'p0');
    lab.ip(node, ['addr', 'add', '10.50.0.1/24', 'dev', 'v0']);
    lab.ip(peer, ['addr', 'add', '10.50.0.2/24', 'dev', 'p0']);
  });
  afterEach(() => lab.close());

  const run = (action: string, params: Record<string, string>, opts: Omit<AgentRun, 'params'> = {}) =>
    runInNs(node, agent, action, { params: { arp_bg: 'false', arp_count: '1', ...params }, ...opts, env: { HA_RSCTMP: dir, ...opts.env } });
  const monitor = (params: Record<string, string>) => run('monitor', params, { intervalMs: 10_000 }).rc;

  it('starts, monitors and stops idempotently; the address shows in ip -o addr', () => {
    const p = { ip: '10.50.0.10' };
    const codes: Array<[string, number | null]> = [];
    const step = (name: string, rc: number | null) => codes.push([name, rc]);
    step('probe', run('monitor', p).rc);
    step('monitor', monitor(p));
    step('start', run('start', p).rc);
    expect(lab.addrs(node)).toContain('v0 10.50.0.10/24 v0');
    step('monitor', monitor(p));
    step('probe', run('monitor', p).rc);
    step('start again', run('start', p).rc);
    step('stop', run('stop', p).rc);
    expect(lab.addrs(node).join('\n')).not.toContain('10.50.0.10');
    step('stop again', run('stop', p).rc);
    step('monitor', monitor(p));
    expect(codes).toEqual([
      ['probe', 7],
      ['monitor', 7],
      ['start', 0],
      ['monitor', 0],
      ['probe', 0],
      ['start again', 0],
      ['stop', 0],
      ['stop again', 0],
      ['monitor', 7],
    ]);
    expect(lab.ip(node, ['-o', '-4', 'addr', 'show', 'dev', 'v0'])).not.toContain('10.50.0.10');
  });

  it('finds the interface and prefix from the longest connected route, as findif does', () => {
    lab.veth(node, 'v1', peer, 'p1');
    lab.ip(node, ['addr', 'add', '10.51.0.1/16', 'dev', 'v0']);
    lab.ip(node, ['addr', 'add', '10.51.3.1/24', 'dev', 'v1']);
    expect(run('start', { ip: '10.51.3.77' }).rc).toBe(0);
    expect(run('start', { ip: '10.51.9.9' }).rc).toBe(0);
    const lines = lab.ip(node, ['-o', '-4', 'addr', 'show']);
    expect(lines).toMatch(/v1\s+inet 10\.51\.3\.77\/24 brd 10\.51\.3\.255 /);
    expect(lines).toMatch(/v0\s+inet 10\.51\.9\.9\/16 brd 10\.51\.255\.255 /);
    expect([monitor({ ip: '10.51.3.77' }), monitor({ ip: '10.51.9.9' })]).toEqual([0, 0]);
  });

  it('takes a dotted netmask, an explicit broadcast and a label', () => {
    const p = { ip: '10.50.0.11', nic: 'v0', cidr_netmask: '255.255.255.128', broadcast: '10.50.0.127', iflabel: 'web' };
    const r = run('start', p);
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('cidr_netmask=255.255.255.128 read as /25');
    expect(lab.ip(node, ['-o', '-4', 'addr', 'show', 'dev', 'v0'])).toMatch(
      /inet 10\.50\.0\.11\/25 brd 10\.50\.0\.127 scope global (secondary )?v0:web\\/,
    );
    expect(monitor(p)).toBe(0);
    expect(run('stop', p).rc).toBe(0);
    expect(lab.addrs(node).join('\n')).not.toContain('10.50.0.11');
  });

  it('answers bad configuration with the contract codes', () => {
    const table: Array<[string, string, number | null]> = [];
    const add = (what: string, action: string, params: Record<string, string>, opts: Omit<AgentRun, 'params'> = {}) =>
      table.push([what, action, run(action, params, opts).rc]);
    for (const action of ['start', 'validate-all', 'monitor', 'stop']) add('ip=bogus', action, { ip: 'bogus' });
    add('cidr_netmask=33', 'start', { ip: '10.50.0.12', cidr_netmask: '33' });
    add('cidr_netmask=255.0.255.0', 'start', { ip: '10.50.0.12', cidr_netmask: '255.0.255.0' });
    add('broadcast=all', 'start', { ip: '10.50.0.12', broadcast: 'all' });
    add('nic=bad/name', 'start', { ip: '10.50.0.12', nic: 'bad/name' });
    for (const action of ['start', 'validate-all', 'monitor', 'stop']) add('nic=nosuch', action, { ip: '10.50.0.12', nic: 'nosuch' });
    add('nic=nosuch recurring', 'monitor', { ip: '10.50.0.12', nic: 'nosuch' }, { intervalMs: 10_000 });
    for (const action of ['start', 'monitor', 'stop']) add('no route, no nic', action, { ip: '10.60.0.5' });
    add('no route, no nic recurring', 'monitor', { ip: '10.60.0.5' }, { intervalMs: 10_000 });
    add('nic, no route, no netmask', 'start', { ip: '10.60.0.5', nic: 'v0' });
    add('clone', 'start', { ip: '10.50.0.12' }, { env: { OCF_RESKEY_CRM_meta_clone_max: '2' } });
    add('arp_count=0', 'start', { ip: '10.50.0.12', arp_count: '0' });
    expect(table).toEqual([
      ['ip=bogus', 'start', 6],
      ['ip=bogus', 'validate-all', 6],
      ['ip=bogus', 'monitor', 7],
      ['ip=bogus', 'stop', 0],
      ['cidr_netmask=33', 'start', 6],
      ['cidr_netmask=255.0.255.0', 'start', 6],
      ['broadcast=all', 'start', 6],
      ['nic=bad/name', 'start', 6],
      ['nic=nosuch', 'start', 6],
      ['nic=nosuch', 'validate-all', 6],
      ['nic=nosuch', 'monitor', 7],
      ['nic=nosuch', 'stop', 0],
      ['nic=nosuch recurring', 'monitor', 1],
      ['no route, no nic', 'start', 1],
      ['no route, no nic', 'monitor', 7],
      ['no route, no nic', 'stop', 0],
      ['no route, no nic recurring', 'monitor', 1],
      ['nic, no route, no netmask', 'start', 1],
      ['clone', 'start', 6],
      ['arp_count=0', 'start', 6],
    ]);
    expect(run('start', { ip: 'bogus' }).reason).toBe('parameter "ip" must be an IPv4 address such as 192.168.1.10, got "bogus"');
    expect(run('start', { ip: '10.50.0.12', nic: 'nosuch' }).reason).toBe('interface "nosuch" (parameter nic) does not exist');
    expect(run('start', { ip: '10.60.0.5' }).reason).toBe(
      'no connected route matches 10.60.0.5 and nic is not set: cannot choose an interface (set nic and cidr_netmask)',
    );
    expect(lab.addrs(node).join('\n')).not.toMatch(/10\.50\.0\.12|10\.60\.0\.5/);
  });

  it.each([
    ['with nic', { ip: '10.52.0.10', nic: 'v9' }],
    ['found by route', { ip: '10.52.0.10' }],
  ])('reports a vanished interface (%s): recurring monitor 1, probe 7, stop 0', (_name, p) => {
    lab.veth(node, 'v9', peer, 'p9');
    lab.ip(node, ['addr', 'add', '10.52.0.1/24', 'dev', 'v9']);
    expect(run('start', p).rc).toBe(0);
    expect(monitor(p)).toBe(0);
    lab.ip(node, ['link', 'del', 'v9']);
    const recurring = run('monitor', p, { intervalMs: 10_000 });
    expect([recurring.rc, run('monitor', p).rc, run('stop', p).rc]).toEqual([1, 7, 0]);
    expect(recurring.reason).toMatch(/interface "v9" \(parameter nic\) does not exist|no connected route matches 10\.52\.0\.10/);
  });

  it('needs root to change anything: start and stop as nobody fail with 4, monitor works', () => {
    const p = { ip: '10.50.0.13', nic: 'v0' };
    const asNobody = run('start', p, { wrap: NOBODY });
    expect([asNobody.rc, asNobody.reason]).toEqual([4, 'start of 10.50.0.13 needs root (uid 0) to change addresses']);
    expect(run('start', p).rc).toBe(0);
    expect(run('monitor', p, { wrap: NOBODY, intervalMs: 10_000 }).rc).toBe(0);
    expect(run('stop', p, { wrap: NOBODY }).rc).toBe(4);
    expect(lab.addrs(node)).toContain('v0 10.50.0.13/24 v0');
    expect(run('stop', p).rc).toBe(0);
    // Nothing left to change: a stop as nobody is then a clean no-op.
    expect(run('stop', p, { wrap: NOBODY }).rc).toBe(0);
  });

  it('without the ip binary: start 5, probe 7, stop 0', () => {
    const p = { ip: '10.50.0.14' };
    const start = run('start', p, { wrap: hide('/usr/bin/ip') });
    expect([start.rc, start.reason]).toEqual([5, "Setup problem: couldn't find command: ip"]);
    expect(run('validate-all', p, { wrap: hide('/usr/bin/ip') }).rc).toBe(5);
    expect(run('monitor', p, { wrap: hide('/usr/bin/ip') }).rc).toBe(7);
    expect(run('stop', p, { wrap: hide('/usr/bin/ip') }).rc).toBe(0);
    const noArping = run('start', p, { wrap: hide('/usr/bin/arping') });
    expect([noArping.rc, noArping.reason]).toEqual([5, "Setup problem: couldn't find command: arping"]);
    expect(run('monitor', p, { wrap: hide('/usr/bin/arping'), intervalMs: 10_000 }).rc).toBe(7);
  });

  it('run_arping: refuses to start when another host already answers for the address', () => {
    lab.ip(peer, ['addr', 'add', '10.50.0.20/24', 'dev', 'p0']);
    const r = run('start', { ip: '10.50.0.20', run_arping: 'true' });
    expect([r.rc, r.reason]).toEqual([1, 'another host already answers ARP for 10.50.0.20 on v0 (run_arping): refusing to start']);
    expect(lab.addrs(node).join('\n')).not.toContain('10.50.0.20');
    expect(run('start', { ip: '10.50.0.21', run_arping: 'true' }).rc).toBe(0);
    expect(lab.addrs(node)).toContain('v0 10.50.0.21/24 v0');
  });

  it('arp_bg: the background sender is tracked in a 0600 pid file and killed by stop', async () => {
    const p = { ip: '10.50.0.30', arp_bg: 'true', arp_count: '100', arp_interval: '100' };
    expect(run('start', p).rc).toBe(0);
    const pidFile = join(dir, 'ocfkit-IPaddr-garp-10.50.0.30.pid');
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(3, 6)).toEqual(['ocfkit-garp', 'v0', '10.50.0.30']);
    expect(run('stop', p).rc).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    expect(await gone(pid)).toBe(true);
    // The address removed by hand: stop has nothing to remove but still ends the sender.
    expect(run('start', p).rc).toBe(0);
    const pid2 = Number(readFileSync(pidFile, 'utf8'));
    lab.ip(node, ['addr', 'del', '10.50.0.30/24', 'dev', 'v0']);
    expect(run('stop', p).rc).toBe(0);
    expect([existsSync(pidFile), await gone(pid2)]).toEqual([false, true]);
  });

  it('lvs_support: moves the address off lo on start and back on stop', () => {
    lab.ip(node, ['addr', 'add', '10.50.0.40/32', 'dev', 'lo']);
    const p = { ip: '10.50.0.40', lvs_support: 'true' };
    expect(monitor(p)).toBe(7);
    expect(run('start', p).rc).toBe(0);
    expect(lab.addrs(node).filter((l) => l.includes('10.50.0.40'))).toEqual(['v0 10.50.0.40/24 v0']);
    expect(monitor(p)).toBe(0);
    expect(run('stop', p).rc).toBe(0);
    expect(lab.addrs(node).filter((l) => l.includes('10.50.0.40'))).toEqual(['lo 10.50.0.40/32 lo']);
    expect(monitor(p)).toBe(7);
  });

  it('brings a down interface up on start, and leaves an up one as it is', () => {
    lab.veth(node, 'v6', peer, 'p6');
    lab.ip(node, ['link', 'set', 'dev', 'v6', 'down']);
    const p = { ip: '10.58.0.10', nic: 'v6', cidr_netmask: '24' };
    const r = run('start', p);
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('brought v6 up');
    expect(lab.ip(node, ['-o', 'link', 'show', 'dev', 'v6'])).toMatch(/<[^>]*\bUP\b[^>]*>/);
    expect(lab.addrs(node)).toContain('v6 10.58.0.10/24 v6');
    expect(run('stop', p).rc).toBe(0);
    const again = run('start', p);
    expect(again.rc).toBe(0);
    expect(again.stderr).not.toContain('brought v6 up');
    expect(run('stop', p).rc).toBe(0);
  });

  it('sends no ARP on an interface without ARP (NOARP), and still starts', () => {
    lab.veth(node, 'v5', peer, 'p5');
    lab.ip(node, ['link', 'set', 'dev', 'v5', 'arp', 'off']);
    const p = { ip: '10.57.0.10', nic: 'v5', cidr_netmask: '24', run_arping: 'true', arp_count: '3' };
    const r = run('start', p);
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('v5 does not use ARP (NOARP or loopback): no duplicate check, no gratuitous ARP');
    expect(r.stderr).not.toContain('gratuitous ARPs for');
    expect(lab.addrs(node)).toContain('v5 10.57.0.10/24 v5');
    expect(run('stop', p).rc).toBe(0);
  });

  it('finds a NOARP interface through its route (no nic) and sends no ARP there', () => {
    lab.veth(node, 'v7', peer, 'p7');
    lab.ip(node, ['link', 'set', 'dev', 'v7', 'arp', 'off']);
    lab.ip(node, ['addr', 'add', '10.59.0.1/24', 'dev', 'v7']);
    const p = { ip: '10.59.0.10', arp_count: '3' };
    const r = run('start', p);
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('v7 does not use ARP (NOARP or loopback): no duplicate check, no gratuitous ARP');
    expect(lab.addrs(node)).toContain('v7 10.59.0.10/24 v7');
    expect(run('stop', p).rc).toBe(0);
  });

  it('manages a loopback address: lo and /8 from the local routing table, no ARP', () => {
    const p = { ip: '127.0.0.213' };
    expect([run('monitor', p).rc, run('start', p).rc, monitor(p)]).toEqual([7, 0, 0]);
    expect(lab.addrs(node)).toContain('lo 127.0.0.213/8 lo');
    expect([run('start', p).rc, run('stop', p).rc, run('stop', p).rc, monitor(p)]).toEqual([0, 0, 0, 7]);
    expect(lab.addrs(node).join('\n')).not.toContain('127.0.0.213');
  });

  it("start lists the addresses once (the status before it reuses validate's listing, the one after it records the added address); stop lists them again after", () => {
    const p = { ip: '10.50.0.60' };
    const lists = (stderr: string) => {
      const lines = stderr.split('\n').filter((l) => /exec ip (-o -4 addr show|-o -4 -batch - \(addr show|-4 addr (add|del))/.test(l));
      return lines.map((l) => (l.includes('addr show') ? 'list' : 'change'));
    };
    const start = run('start', p, { env: { OCF_TRACE_RA: '1' } });
    expect([start.rc, lists(start.stderr)]).toEqual([0, ['list', 'change']]);
    // no nic: the addresses, the route lookup and the links' flags in one ip run, no other ip before the add
    expect(start.stderr).toContain('exec ip -o -4 -batch - (addr show; route list match 10.50.0.60 scope link; link show)');
    expect(start.stderr.split('\n').filter((l) => l.includes('exec ip '))).toHaveLength(2);
    expect(lab.addrs(node).join('\n')).toContain('10.50.0.60/24');
    // already running: the status before the start says so from the same listing, nothing is changed
    const again = run('start', p, { env: { OCF_TRACE_RA: '1' } });
    expect([again.rc, lists(again.stderr)]).toEqual([0, ['list']]);
    const stop = run('stop', p, { env: { OCF_TRACE_RA: '1' } });
    expect([stop.rc, lists(stop.stderr)]).toEqual([0, ['list', 'list', 'change', 'list']]);
    expect(lab.addrs(node).join('\n')).not.toContain('10.50.0.60');
  });

  it('flush_routes: stop still removes the address and succeeds', () => {
    const p = { ip: '10.50.0.50', flush_routes: 'true' };
    expect(run('start', p).rc).toBe(0);
    const r = run('stop', p, { env: { OCF_TRACE_RA: '1' } });
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('exec ip -4 route flush cache');
    expect(lab.addrs(node).join('\n')).not.toContain('10.50.0.50');
  });
});

/** True once `pid` has exited (polls for up to 5 s; the sender is reaped by init). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (processLiveness(pid) !== 'alive') return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
