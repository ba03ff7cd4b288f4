/**
 * A local cluster rig: member daemons on this host, each in its own network namespace, joined by
 * veth pairs to a bridge that lives in a namespace of its own (so nothing touches the host's
 * interfaces). Heartbeats and messages are real UDP broadcasts on `eth1`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addNamespace, removeNamespace, sh } from '../../../conformance/src/rigs/netns';
import type { NodeView } from '../../src/membership/protocol/member-node';

export const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'engine/test/membership/member-main.ts');

// the namespace helpers are the local rig's (conformance/src/rigs/netns.ts)
export { sh };

const live = new Set<string>();
process.once('exit', () => {
  for (const ns of live) removeNamespace(ns);
});

/** The benchmark's timing: keepalive 200 ms, deadtime 1 s (an idle host). */
export const HA_CF_FAST = `# rig: keepalive 200 ms, deadtime 1 s
keepalive 200ms
warntime 500ms
deadtime 1
initdead 2
udpport 694
bcast eth1
node n1 n2 n3
crm on
`;

export interface RigOptions {
  nodes: string[];
  haCf: string;
  key: string;
  /** Prefix of the namespaces' names (default `h15m<pid>`); a test names its own so leftovers say whose they are. */
  tag?: string;
}

/** The rig: namespaces `<tag>-<node>`, addresses 10.215.0.<i+1>/24 on eth1, one config and state directory per node. */
export class Rig {
  readonly tag: string;
  readonly dir = mkdtempSync(join(tmpdir(), 'ocfkit-member-rig-'));
  readonly procs = new Map<string, ChildProcess>();
  readonly logs = new Map<string, string>();
  readonly #sw: string;

  constructor(readonly o: RigOptions) {
    this.tag = o.tag ?? `h15m${process.pid % 100000}`;
    this.#sw = this.#ns('sw');
    sh('ip', ['-n', this.#sw, 'link', 'add', 'br0', 'type', 'bridge']);
    sh('ip', ['-n', this.#sw, 'link', 'set', 'br0', 'up']);
    o.nodes.forEach((n, i) => {
      this.addNode(n, i, o.key);
    });
  }

  #ns(short: string): string {
    const name = `${this.tag}-${short}`;
    addNamespace(name);
    live.add(name);
    return name;
  }

  ns(node: string): string {
    return `${this.tag}-${node}`;
  }

  /** A namespace on the bridge with the node's config (ha.cf, authkeys 0600 with `key`). */
  addNode(node: string, i: number, key: string, dirName = node): void {
    const ns = this.#ns(dirName);
    sh('ip', ['-n', this.#sw, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns]);
    sh('ip', ['-n', this.#sw, 'link', 'set', `v${i}`, 'master', 'br0', 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `10.215.0.${i + 1}/24`, 'dev', 'eth1']);
    sh('ip', ['-n', ns, 'link', 'set', 'eth1', 'up']);
    const conf = join(this.dir, dirName, 'conf');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'ha.cf'), this.o.haCf);
    writeFileSync(join(conf, 'authkeys'), `auth 1\n1 sha256 ${key}\n`, { mode: 0o600 });
    chmodSync(join(conf, 'authkeys'), 0o600);
  }

  conf(dirName: string): string {
    return join(this.dir, dirName, 'conf');
  }

  state(dirName: string): string {
    return join(this.dir, dirName, 'state');
  }

  /** Starts `ocfkit member serve --name node` inside the node's namespace. */
  start(node: string, dirName = node, extra: readonly string[] = []): ChildProcess {
    const p = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.ns(dirName),
        process.execPath,
        '--conditions=source',
        '--import',
        'tsx',
        MAIN,
        'serve',
        '--name',
        node,
        '-c',
        this.conf(dirName),
        '-s',
        this.state(dirName),
        ...extra,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.logs.set(dirName, '');
    const append = (d: Buffer) => this.logs.set(dirName, (this.logs.get(dirName) ?? '') + d.toString());
    p.stdout!.on('data', append);
    p.stderr!.on('data', append);
    this.procs.set(dirName, p);
    return p;
  }

  /**
   * Runs any command inside a node's namespace as a rig process (killed by {@link kill} and
   * {@link close}, its output in {@link logs}).
   */
  spawnIn(dirName: string, argv: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', this.ns(dirName), ...argv], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.logs.set(dirName, '');
    const append = (d: Buffer) => this.logs.set(dirName, (this.logs.get(dirName) ?? '') + d.toString());
    p.stdout!.on('data', append);
    p.stderr!.on('data', append);
    this.procs.set(dirName, p);
    return p;
  }

  /** kill -9 */
  kill(dirName: string): void {
    this.procs.get(dirName)?.kill('SIGKILL');
    this.procs.delete(dirName);
  }

  status(
    dirName: string,
  ): (NodeView<Record<string, string>> & { io: { framesSent: number; bytesSent: number; framesReceived: number }; pid: number }) | null {
    try {
      return JSON.parse(readFileSync(join(this.state(dirName), 'status.json'), 'utf8'));
    } catch {
      return null;
    }
  }

  /** Polls `pred` every 50 ms; returns the ms it took, or throws with every node's status after `timeoutMs`. */
  async until(what: string, pred: () => boolean, timeoutMs = 20_000): Promise<number> {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > timeoutMs) {
        const st = [...this.procs.keys()].map((n) => `${n}: ${JSON.stringify(this.status(n))}`).join('\n');
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${st}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return performance.now() - t0;
  }

  /** Runs the CLI (set/get/status) inside a node's namespace. */
  cli(dirName: string, args: string[]): { status: number | null; out: string; err: string } {
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        this.ns(dirName),
        process.execPath,
        '--conditions=source',
        '--import',
        'tsx',
        MAIN,
        ...args,
        '-s',
        this.state(dirName),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    return { status: r.status, out: r.stdout, err: r.stderr };
  }

  close(): void {
    for (const p of this.procs.values()) p.kill('SIGKILL');
    for (const ns of [...live].filter((n) => n.startsWith(`${this.tag}-`))) {
      // What the daemons started and detached (diskcheck's checker, PostgreSQL) lives on in the
      // namespace after its daemon is killed: removeNamespace kills every process still in it.
      removeNamespace(ns);
      live.delete(ns);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
