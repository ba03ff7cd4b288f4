/**
 * IPaddr under the real tools users meet, each run inside a network namespace: ocf-tester,
 * xmllint with the three meta-data grammars, and Pacemaker's crm_resource --force-* (after
 * `ocfkit install` into /usr/lib/ocf under a test-only provider).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { validateGrammar } from '@ocfkit/conformance';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIPaddr, missingNetTools, NetLab, openTempDir, ROOT, removeDir } from './netlab';

const missing = missingNetTools(['ocf-tester', 'xmllint', 'crm_resource']);

/** Runs a command with an environment free of OCF variables and NODE_EXTRA_CA_CERTS. */
function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OCF_')) base[k] = v;
  delete base.NODE_EXTRA_CA_CERTS;
  return spawnSync(cmd, args, { encoding: 'utf8', env: { ...base, ...env } });
}

describe.skipIf(missing)('IPaddr with real tools', () => {
  let dir: string;
  let agent: string;
  let lab: NetLab;
  let node: string;
  const provider = `ocfkitipaddr${process.pid}`;
  const installed = `/usr/lib/ocf/resource.d/${provider}/IPaddr`;

  beforeAll(async () => {
    dir = openTempDir('ocfkit-ipaddr-tools-');
    agent = await buildIPaddr(join(dir, 'dist'), provider);
    const r = run(process.execPath, [
      join(ROOT, 'conformance/bin/ocfkit.js'),
      'install',
      '--from',
      join(dir, 'dist'),
      '--destdir',
      '/',
      '--provider',
      provider,
    ]);
    expect(r.stderr).toContain(`installed ${installed}`);
    expect(r.status).toBe(0);
  });
  afterAll(() => {
    rmSync(`/usr/lib/ocf/resource.d/${provider}`, { recursive: true, force: true });
    removeDir(dir);
  });
  beforeEach(() => {
    lab = new NetLab();
    node = lab.ns('node');
    const peer = lab.ns('peer');
    lab.veth(node, 'v0', peer, 'p0');
    lab.ip(node, ['addr', 'add', '10.55.0.1/24', 'dev', 'v0']);
  });
  afterEach(() => lab.close());

  it('passes ocf-tester inside a namespace', () => {
    const r = run('ip', ['netns', 'exec', node, 'ocf-tester', '-n', 'vip', '-o', 'ip=10.55.0.10', '-o', 'arp_count=2', installed], {
      HA_RSCTMP: dir,
    });
    expect(r.stdout).toContain(`${installed} passed all tests`);
    expect(r.stderr).not.toContain('Tests failed');
    expect(r.status).toBe(0);
    // ocf-tester ends stopped: the address is gone and so is the background ARP sender's pid file.
    expect(lab.addrs(node).join('\n')).not.toContain('10.55.0.10');
  });

  it.each(['dtd', 'ra-rng', 'ocf-1.1-rng'] as const)('meta-data validates against the %s grammar', (grammar) => {
    const md = run(agent, ['meta-data']);
    expect(md.status).toBe(0);
    expect(validateGrammar(md.stdout, grammar)).toEqual({ valid: true });
  });

  it('keeps the heartbeat parameter names (crm_resource --show-metadata)', () => {
    const r = run('crm_resource', ['--show-metadata', `ocf:${provider}:IPaddr`]);
    expect(r.status).toBe(0);
    const names = [...r.stdout.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([
      'ip',
      'nic',
      'cidr_netmask',
      'broadcast',
      'iflabel',
      'lvs_support',
      'arp_count',
      'arp_interval',
      'arp_bg',
      'run_arping',
      'flush_routes',
      'local_start_script',
      'local_stop_script',
      'ARP_INTERVAL_MS',
      'ARP_REPEAT',
      'ARP_BACKGROUND',
      'ARP_NETMASK',
    ]);
    expect(r.stdout).toContain('<parameter name="ip" unique="1" required="1">');
  });

  it('runs under crm_resource --validate/--force-start/--force-check/--force-stop in a namespace', () => {
    const base = ['--class', 'ocf', '--provider', provider, '--agent', 'IPaddr', '--option', 'ip=10.55.0.20', '--option', 'nic=v0'];
    const steps: Array<[string, number | null, boolean]> = [];
    for (const op of [
      '--validate',
      '--force-check',
      '--force-start',
      '--force-check',
      '--force-start',
      '--force-stop',
      '--force-check',
      '--force-stop',
    ]) {
      const r = run('ip', ['netns', 'exec', node, 'crm_resource', op, ...base], { HA_RSCTMP: dir });
      steps.push([op, r.status, lab.addrs(node).includes('v0 10.55.0.20/24 v0')]);
    }
    // crm_resource exits with the agent's rc (7 = not running for a check of a stopped resource).
    expect(steps).toEqual([
      ['--validate', 0, false],
      ['--force-check', 7, false],
      ['--force-start', 0, true],
      ['--force-check', 0, true],
      ['--force-start', 0, true],
      ['--force-stop', 0, false],
      ['--force-check', 7, false],
      ['--force-stop', 0, false],
    ]);
  });

  it('reports a bad address with 6 and a reason naming it, through crm_resource', () => {
    const r = run('ip', [
      'netns',
      'exec',
      node,
      'crm_resource',
      '--force-start',
      '--class',
      'ocf',
      '--provider',
      provider,
      '--agent',
      'IPaddr',
      '--option',
      'ip=10.55.0.300',
    ]);
    expect(r.status).toBe(6);
    expect(`${r.stdout}${r.stderr}`).toContain('parameter "ip" must be an IPv4 address such as 192.168.1.10, got "10.55.0.300"');
  });
});
