/**
 * Test rigs of network namespaces joined by veth pairs and bridges. Every link is created
 * directly inside a namespace the lab made, so nothing is ever added to or changed on the
 * host's own interfaces; `close()` deletes the namespaces (and with them every link), and an
 * exit hook does it too when a test run dies half-way.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { agentEnv, requireTool } from '@ocfkit/sdk/testing';

/** Repository root (agents/IPaddr/test → ../../..). */
export const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Why these tests cannot run here (no ip/arping, not root), or undefined; throws under CI=true.
 *
 * @example
 * describe.skipIf(missingNetTools(['tcpdump']))('capture', () => { ... });
 */
export function missingNetTools(extra: readonly string[] = []): string | undefined {
  return requireTool(['ip', 'arping', ...extra], () => (process.getuid?.() === 0 ? undefined : 'network namespaces need root'));
}

/** A command's outcome. */
interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function check(r: SpawnSyncReturns<string>): Ran {
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a command; throws with its stderr when it fails.
 *
 * @example
 * sh('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '10.0.0.5']);
 */
export function sh(cmd: string, args: readonly string[], env?: Record<string, string>): string {
  const r = check(spawnSync(cmd, args, { encoding: 'utf8', ...(env ? { env } : {}) }));
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

const live = new Set<string>();
process.once('exit', () => {
  for (const ns of live) spawnSync('ip', ['netns', 'del', ns]);
});

let serial = 0;

/**
 * A set of namespaces owned by one test (or file); `close()` removes them.
 *
 * @example
 * const lab = new NetLab();
 * const a = lab.ns('a'), b = lab.ns('b');
 * lab.veth(a, 'v0', b, 'p0');
 * try { ... } finally { lab.close(); }
 */
export class NetLab {
  private readonly names: string[] = [];
  private readonly tag = `ocfk${process.pid % 100000}x${serial++}`;

  /** Creates a namespace (loopback up) and returns its full name. */
  ns(short: string): string {
    const name = `${this.tag}-${short}`;
    sh('ip', ['netns', 'add', name]);
    live.add(name);
    this.names.push(name);
    sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair from `a`/`ifA` to `b`/`ifB`, both ends up. */
  veth(a: string, ifA: string, b: string, ifB: string): void {
    sh('ip', ['-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
    sh('ip', ['-n', a, 'link', 'set', ifA, 'up']);
    sh('ip', ['-n', b, 'link', 'set', ifB, 'up']);
  }

  /** A bridge `br` in `ns`, up, with the given ports enslaved. */
  bridge(ns: string, br: string, ports: readonly string[]): void {
    sh('ip', ['-n', ns, 'link', 'add', br, 'type', 'bridge']);
    for (const p of ports) sh('ip', ['-n', ns, 'link', 'set', p, 'master', br]);
    sh('ip', ['-n', ns, 'link', 'set', br, 'up']);
  }

  /** Runs `ip ARGS` inside `ns` and returns stdout. */
  ip(ns: string, args: readonly string[]): string {
    return sh('ip', ['-n', ns, ...args]);
  }

  /** `ip -o -4 addr show` inside `ns`, reduced to `ifname address/prefix label` lines. */
  addrs(ns: string): string[] {
    return this.ip(ns, ['-o', '-4', 'addr', 'show'])
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const w = (l.split('\\')[0] ?? '').trim().split(/\s+/);
        return `${w[1]} ${w[3]} ${w[w.length - 1]}`;
      });
  }

  /** The MAC address of `ifname` in `ns`. */
  mac(ns: string, ifname: string): string {
    return /link\/ether (\S+)/.exec(this.ip(ns, ['-o', 'link', 'show', 'dev', ifname]))?.[1] ?? '';
  }

  /** The neighbour entry for `ip` in `ns`: `lladdr state`, or '' when there is none. */
  neigh(ns: string, ip: string): string {
    const line = this.ip(ns, ['neigh', 'show', 'to', ip]).trim();
    const m = /lladdr (\S+) (\S+)/.exec(line);
    return m ? `${m[1]} ${m[2]}` : line;
  }

  /** Sets a sysctl inside `ns`. */
  sysctl(ns: string, key: string, value: string): void {
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `${key}=${value}`]);
  }

  /** Deletes every namespace of this lab (their links go with them). */
  close(): void {
    for (const n of this.names.splice(0)) {
      spawnSync('ip', ['netns', 'del', n]);
      live.delete(n);
    }
  }
}

/**
 * A world-readable temporary directory (ocf-tester and the non-root tests read from it).
 *
 * @example
 * const dir = openTempDir('ocfkit-ipaddr-');
 */
export function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Builds the IPaddr agent into `out` and returns the executable's path.
 *
 * @example
 * const agent = await buildIPaddr(join(dir, 'dist')); // .../dist/ocf/resource.d/ocfkit/IPaddr
 */
export async function buildIPaddr(out: string, provider = 'ocfkit'): Promise<string> {
  return (await buildAgent(join(ROOT, 'agents/IPaddr/agent.ts'), { out, provider })).output;
}

/** Options for one agent run inside a namespace. */
export interface AgentRun {
  params?: Record<string, string>;
  /** Recurring monitor interval (ms); omit for a probe. */
  intervalMs?: number;
  env?: Record<string, string>;
  /** Wrap the agent (e.g. setpriv to drop root); inserted between `ip netns exec NS` and the agent. */
  wrap?: readonly string[];
}

/** The outcome of an agent action. */
interface AgentRan extends Ran {
  rc: number | null;
  reason: string | undefined;
}

/**
 * Runs `agent action` inside `ns` with the environment pacemaker-execd gives an agent.
 *
 * @example
 * runInNs(ns, agent, 'start', { params: { ip: '10.1.0.5' }, env: { HA_RSCTMP: dir } }).rc // 0
 */
export function runInNs(ns: string, agent: string, action: string, opts: AgentRun = {}): AgentRan {
  const env: Record<string, string> = {};
  const base = agentEnv('IPaddr', {
    instance: 'vip',
    ...(opts.params ? { params: opts.params } : {}),
    ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
  });
  for (const [k, v] of Object.entries({ ...base, ...opts.env })) if (v !== undefined) env[k] = v;
  const r = check(spawnSync('ip', ['netns', 'exec', ns, ...(opts.wrap ?? []), agent, action], { encoding: 'utf8', env }));
  const reasons = r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
  return { ...r, rc: r.status, reason: reasons.pop()?.slice('ocf-exit-reason:'.length) };
}

/**
 * Removes a directory tree (for afterAll hooks); `undefined` is ignored.
 *
 * @example
 * afterAll(() => removeDir(dir));
 */
export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
