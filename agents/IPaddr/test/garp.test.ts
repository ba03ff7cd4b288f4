/**
 * Gratuitous ARP as a neighbour sees it: a capture (tcpdump) and the neighbour table in a peer
 * namespace, and a failover between two nodes on one bridge that moves the peer's entry.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIPaddr, missingNetTools, NetLab, openTempDir, removeDir, runInNs, sh } from './netlab';

const missing = missingNetTools(['tcpdump', 'ping']);

/** Starts tcpdump for ARP on `ifname` in `ns` and resolves once it listens. */
function capture(ns: string, ifname: string): Promise<{ proc: ChildProcess; lines: () => string[] }> {
  const proc = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-l', '-n', '-e', '-i', ifname, 'arp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('listening on')) resolve({ proc, lines: () => out.split('\n').filter(Boolean) });
    });
  });
}

/** Stops a capture and waits for tcpdump to flush and exit. */
function stopCapture(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.on('close', () => resolve());
    proc.kill('SIGINT');
  });
}

describe.skipIf(missing)('IPaddr gratuitous ARP seen from a peer', () => {
  let dir: string;
  let agent: string;
  let lab: NetLab;

  beforeAll(async () => {
    dir = openTempDir('ocfkit-ipaddr-garp-');
    agent = await buildIPaddr(join(dir, 'dist'));
  });
  afterAll(() => removeDir(dir));
  afterEach(() => lab?.close());

  it('sends arp_count unsolicited ARP requests for the address from the node MAC', async () => {
    lab = new NetLab();
    const node = lab.ns('node');
    const peer = lab.ns('peer');
    lab.veth(node, 'v0', peer, 'p0');
    lab.ip(node, ['addr', 'add', '10.53.0.1/24', 'dev', 'v0']);
    lab.ip(peer, ['addr', 'add', '10.53.0.2/24', 'dev', 'p0']);
    // Let the peer create entries from gratuitous ARP (by default Linux only updates existing ones).
    lab.sysctl(peer, 'net.ipv4.conf.p0.arp_accept', '1');
    const mac = lab.mac(node, 'v0');
    const cap = await capture(peer, 'p0');
    const params = { ip: '10.53.0.10', arp_bg: 'false', arp_count: '3', arp_interval: '100' };
    const r = runInNs(node, agent, 'start', { params, env: { HA_RSCTMP: dir } });
    expect(r.rc).toBe(0);
    await new Promise((res) => setTimeout(res, 500));
    await stopCapture(cap.proc);
    const garps = cap.lines().filter((l) => l.includes('Request who-has 10.53.0.10 (ff:ff:ff:ff:ff:ff) tell 10.53.0.10'));
    expect(garps).toHaveLength(3);
    for (const l of garps) expect(l).toContain(`${mac} > ff:ff:ff:ff:ff:ff`);
    expect(lab.neigh(peer, '10.53.0.10').split(' ')[0]).toBe(mac);
  });

  it('failover on a bridge: stop on A, start on B, the peer entry moves to B', async () => {
    lab = new NetLab();
    const sw = lab.ns('sw');
    const a = lab.ns('a');
    const b = lab.ns('b');
    const peer = lab.ns('peer');
    lab.veth(a, 'eth0', sw, 'swa');
    lab.veth(b, 'eth0', sw, 'swb');
    lab.veth(peer, 'eth0', sw, 'swp');
    lab.bridge(sw, 'br0', ['swa', 'swb', 'swp']);
    lab.ip(a, ['addr', 'add', '10.54.0.1/24', 'dev', 'eth0']);
    lab.ip(b, ['addr', 'add', '10.54.0.2/24', 'dev', 'eth0']);
    lab.ip(peer, ['addr', 'add', '10.54.0.3/24', 'dev', 'eth0']);
    const [macA, macB] = [lab.mac(a, 'eth0'), lab.mac(b, 'eth0')];
    const params = { ip: '10.54.0.100', arp_bg: 'false' };
    const env = { HA_RSCTMP: dir };

    expect(runInNs(a, agent, 'start', { params, env }).rc).toBe(0);
    // The peer talks to the service address, so it holds an ordinary entry (default arp_accept=0).
    sh('ip', ['netns', 'exec', peer, 'ping', '-c', '1', '-W', '2', '10.54.0.100']);
    expect(lab.neigh(peer, '10.54.0.100').split(' ')[0]).toBe(macA);
    // A real failover takes longer than the kernel's 1 s neighbour locktime; don't race it here.
    await new Promise((res) => setTimeout(res, 1100));

    expect(runInNs(a, agent, 'stop', { params, env }).rc).toBe(0);
    expect(runInNs(b, agent, 'start', { params, env }).rc).toBe(0);
    expect(lab.addrs(a).join('\n')).not.toContain('10.54.0.100');
    expect(lab.addrs(b)).toContain('eth0 10.54.0.100/24 eth0');
    // Updated by B's gratuitous ARP alone: the peer has sent nothing since.
    expect(lab.neigh(peer, '10.54.0.100').split(' ')[0]).toBe(macB);
    sh('ip', ['netns', 'exec', peer, 'ping', '-c', '1', '-W', '2', '10.54.0.100']);
    expect(runInNs(b, agent, 'monitor', { params, env, intervalMs: 10_000 }).rc).toBe(0);
    expect(runInNs(a, agent, 'monitor', { params, env, intervalMs: 10_000 }).rc).toBe(7);
  });
});
