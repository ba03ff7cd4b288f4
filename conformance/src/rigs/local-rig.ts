import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExecResult } from './docker-nodes';
import { addNamespace, namespaceExists, removeNamespace, runCommand, sh } from './netns';
import type { ClusterStatus, Rig } from './rig';
import { statusOfNodes, waitFormed } from './rig-status';
import { rigTimingEnv } from './rig-timing';

/** How to run the `local` rig. */
interface LocalRigOptions {
  /** Prefix of every namespace (`<project>-node1`, `-client`, `-sw`) and of the rig directory. */
  project: string;
  /** The checkout: its CLI runs the node daemons, its rig scripts start them. */
  root: string;
  /** Agent providers by name → host directory, seen at /usr/lib/ocf/resource.d/<name> in every node (over the host's). */
  providers: Record<string, string>;
  /** First two octets of the rig's subnets: A.B.1.0/24 (lan, VIP A.B.1.100) and A.B.2.0/24 (hb). */
  net: string;
  env?: NodeJS.ProcessEnv;
}

const OCF = '/usr/lib/ocf/resource.d';
/** The nodes of conformance/rigs/config/ha.cf (and docker-compose.yml). */
const NODES = ['node1', 'node2', 'node3'] as const;
const CLIENT = 'client';
/** What every node has its own of (fresh tmpfs). */
const PRIVATE = ['/run', '/tmp', '/dev/shm', '/var/run'];

/** Namespaces made by live rigs of this process, removed if it exits without down(). */
const live = new Set<string>();
process.once('exit', () => {
  for (const ns of live) removeNamespace(ns);
});

/** The host pid of the PID-namespace init that `unshare --fork` (pid `parent`) started, once it runs. */
function pidOneUnder(parent: number): number | undefined {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = readFileSync(`/proc/${e}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(st)?.[1]) !== parent) continue;
      const ns = /^NSpid:\s+(.+)$/m.exec(st)?.[1]?.trim().split(/\s+/) ?? [];
      if (ns.length > 1 && ns[ns.length - 1] === '1') return Number(e);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Host pids of every process in the PID namespace of `pid`. */
function pidsInNamespaceOf(pid: number): number[] {
  const ns = readlinkSync(`/proc/${pid}/ns/pid`);
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/ns/pid`) === ns) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The `local` rig: the three nodes of docker-compose.yml as namespaces on this host, running
 * ocfkit's node daemon (conformance/rigs/config/start-node.sh, as in the containers). Each node has
 * its own network namespace with eth0 on the `lan` bridge and eth1 on the `hb` bridge (both in a
 * switch namespace, so the host's interfaces are untouched), and its own PID, mount, UTS and IPC
 * namespaces: a private /run, /tmp and /dev/shm, its host name, the agents of this checkout at
 * /usr/lib/ocf/resource.d. The shared disk is one directory of the rig, the node's config and state
 * directories are its own. A client namespace on the lan samples the VIP and the database.
 * kill = SIGKILL of the node's PID-namespace init (everything in it dies) and its network
 * namespace removed (its addresses gone, as with docker kill); isolate = the node's links down.
 * Root only.
 *
 * @example
 * const rig = new LocalRig({ project: 'h65-local', root: checkoutRoot(), providers: {}, net: '10.217' });
 * await rig.up(seedCib({ pgdata: `${rig.shared}/pgdata` }), console.log); await rig.kill('node1'); await rig.down();
 */
export class LocalRig implements Rig {
  readonly kind = 'local' as const;
  readonly nodes: readonly string[] = NODES;
  readonly vip: string;
  readonly shared: string;
  /** The rig's directory: seed CIB, shared disk, each node's config, state and log. */
  readonly dir: string;
  private readonly o: LocalRigOptions;
  private readonly procs = new Map<string, ChildProcess>();
  private readonly pidOne = new Map<string, number>();
  private readonly cut = new Set<string>();
  private readonly paused = new Set<string>();
  private aborted = false;
  private creating: Promise<void> | undefined;

  constructor(o: LocalRigOptions) {
    if (process.getuid?.() !== 0)
      throw new Error('rig local: needs root (it makes network, PID and mount namespaces and bridges): run as root, or use --rig docker');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(o.project))
      throw new Error(`rig local: project ${JSON.stringify(o.project)} must be letters, digits, _ . - (at most 40)`);
    for (const tool of ['ip', 'unshare', 'nsenter'])
      if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) throw new Error(`rig local: ${tool} is not installed`);
    if (!existsSync(OCF)) throw new Error(`rig local: ${OCF} does not exist (install resource-agents)`);
    this.o = o;
    this.vip = `${o.net}.1.100`;
    // where the rig directory goes: not under what every node has its own of
    const parent = resolve(o.env?.OCFKIT_RIG_LOCAL_DIR ?? '/var/tmp');
    if (PRIVATE.some((p) => parent === p || parent.startsWith(`${p}/`)))
      throw new Error(`rig local: OCFKIT_RIG_LOCAL_DIR=${parent} is under ${PRIVATE.join(', ')}, which every node has its own of`);
    this.dir = mkdtempSync(join(parent, `${o.project}-`));
    // the postgres user walks to the shared disk
    chmodSync(this.dir, 0o755);
    this.shared = join(this.dir, 'shared');
  }

  private ns = (node: string): string => `${this.o.project}-${node}`;
  private nodePath = (node: string, ...rest: string[]): string => join(this.dir, node, ...rest);
  private index(node: string): number {
    const i = this.nodes.indexOf(node);
    if (i < 0) throw new Error(`no node ${JSON.stringify(node)} in this rig (have ${this.nodes.join(', ')})`);
    return i;
  }

  private notAborted(): void {
    if (this.aborted) throw new Error(`rig ${this.o.project} was removed (interrupted): not creating anything more`);
  }

  /** Every namespace of the rig, whether it exists or not. */
  private namespaces(): string[] {
    return [...this.nodes.map((n) => this.ns(n)), this.ns(CLIENT), this.ns('sw')];
  }

  private addNs(name: string): void {
    addNamespace(name);
    live.add(name);
  }

  /** A veth from the switch's bridge `br` to `ifc` in namespace `ns`, with `addr`/24. */
  private wire(br: 'lan' | 'hb', port: string, ns: string, ifc: string, addr: string): void {
    const sw = this.ns('sw');
    spawnSync('ip', ['-n', sw, 'link', 'del', port], { stdio: 'ignore' });
    sh('ip', ['-n', sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', ifc, 'netns', ns]);
    sh('ip', ['-n', sw, 'link', 'set', port, 'master', br, 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', ifc]);
    sh('ip', ['-n', ns, 'link', 'set', ifc, 'up']);
  }

  private createNodeNet(node: string): void {
    const i = this.index(node);
    const ns = this.ns(node);
    this.addNs(ns);
    this.wire('lan', `l${i + 1}`, ns, 'eth0', `${this.o.net}.1.${11 + i}`);
    this.wire('hb', `h${i + 1}`, ns, 'eth1', `${this.o.net}.2.${11 + i}`);
  }

  /** The node's private mounts (node-init.sh ops): the agents' directory, fresh /run, /tmp, /dev/shm. */
  private mountOps(): string[] {
    const skel = join(this.dir, 'resource.d');
    const providers = new Map<string, string>();
    for (const e of readdirSync(OCF)) if (statSync(join(OCF, e)).isDirectory()) providers.set(e, join(OCF, e));
    for (const [name, dir] of Object.entries(this.o.providers)) providers.set(name, dir);
    const ops: string[] = [];
    for (const [name, dir] of providers) {
      mkdirSync(join(skel, name), { recursive: true });
      ops.push('bind', dir, join(skel, name));
    }
    ops.push('rbind', skel, OCF);
    // A checkout under /tmp, /run or /dev/shm (a CI clone in /tmp, say) would vanish under the node's
    // fresh mounts there: it is bound aside first, then back at its own path on the fresh tmpfs.
    const hidden = PRIVATE.some((p) => this.o.root === p || this.o.root.startsWith(`${p}/`));
    const aside = join(this.dir, 'checkout');
    if (hidden) {
      mkdirSync(aside, { recursive: true });
      ops.push('bind', this.o.root, aside);
    }
    ops.push('tmpfs', '/run', '0755', 'tmpfs', '/tmp', '1777', 'tmpfs', '/dev/shm', '1777');
    if (hidden) ops.push('bind', aside, this.o.root);
    return ops;
  }

  private nodeEnv(node: string): NodeJS.ProcessEnv {
    const env = this.o.env ?? process.env;
    return {
      PATH: env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C.UTF-8',
      OCFKIT_RIG_ENGINE: 'ocfkit',
      OCFKIT_RIG_NET: this.o.net,
      OCFKIT_RIG_CIB: join(this.dir, 'seed', 'cib.xml'),
      OCFKIT_RIG_CONFIG: join(this.o.root, 'conformance', 'rigs', 'config'),
      OCFKIT_RIG_SHARED: this.shared,
      OCFKIT_RIG_ETC: this.nodePath(node, 'etc'),
      OCFKIT_RIG_STATE_DIR: this.nodePath(node, 'state'),
      OCFKIT_RIG_NODE_BIN: process.execPath,
      OCFKIT_RIG_CHECKOUT: this.o.root,
      ...rigTimingEnv(env),
    };
  }

  /** Starts the node's init in its namespaces; resolves once it runs (its host pid known). */
  private async spawnNode(node: string): Promise<void> {
    this.notAborted();
    mkdirSync(this.nodePath(node), { recursive: true });
    const log = openSync(this.nodePath(node, 'node.log'), 'a', 0o600);
    const argv = [
      'netns',
      'exec',
      this.ns(node),
      'unshare',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount',
      '--uts',
      '--ipc',
      '--mount-proc',
      '--propagation',
      'private',
      '--',
      'bash',
      join(this.o.root, 'conformance', 'rigs', 'local', 'node-init.sh'),
      node,
      ...this.mountOps(),
      '--',
      'bash',
      join(this.o.root, 'conformance', 'rigs', 'config', 'start-node.sh'),
    ];
    const child = spawn('ip', argv, { cwd: '/', env: this.nodeEnv(node), stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    this.procs.set(node, child);
    const t0 = Date.now();
    for (;;) {
      const pid = child.pid !== undefined ? pidOneUnder(child.pid) : undefined;
      if (pid) {
        this.pidOne.set(node, pid);
        return;
      }
      if (child.exitCode !== null || child.signalCode !== null || Date.now() - t0 > 10_000)
        throw new Error(`${node} did not start (exit ${child.exitCode ?? child.signalCode}); its log:\n${await this.logs(node, 20)}`);
      await sleep(50);
    }
  }

  async up(cib: string, progress: (line: string) => void): Promise<void> {
    this.creating = (async () => {
      this.notAborted();
      for (const ns of this.namespaces()) removeNamespace(ns);
      mkdirSync(join(this.dir, 'seed'), { recursive: true, mode: 0o755 });
      writeFileSync(join(this.dir, 'seed', 'cib.xml'), cib, { mode: 0o644 });
      mkdirSync(this.shared, { recursive: true, mode: 0o755 });
      for (const n of this.nodes) mkdirSync(this.nodePath(n), { recursive: true, mode: 0o700 });
      progress(`creating ${this.nodes.length} nodes + client in namespaces ${this.o.project}-* (rig directory ${this.dir})`);
      const sw = this.ns('sw');
      this.addNs(sw);
      for (const br of ['lan', 'hb']) {
        sh('ip', ['-n', sw, 'link', 'add', br, 'type', 'bridge']);
        sh('ip', ['-n', sw, 'link', 'set', br, 'up']);
      }
      this.addNs(this.ns(CLIENT));
      this.wire('lan', 'c0', this.ns(CLIENT), 'eth0', `${this.o.net}.1.50`);
      for (const n of this.nodes) {
        this.notAborted();
        this.createNodeNet(n);
      }
      for (const n of this.nodes) await this.spawnNode(n);
    })();
    try {
      await this.creating;
    } finally {
      this.creating = undefined;
    }
    await waitFormed(
      this.nodes,
      () => this.status(),
      () => this.logs(this.nodes[0] as string, 40),
      progress,
    );
  }

  status(via?: string): Promise<ClusterStatus> {
    const cli = join(this.o.root, 'conformance', 'bin', 'ocfkit.js');
    return statusOfNodes({
      nodes: this.nodes,
      via,
      isolated: this.cut,
      isRunning: (n) => this.isUp(n),
      ask: (n) =>
        this.exec(n, [process.execPath, cli, 'status', '--output-as', 'xml'], {
          timeoutMs: 15_000 * Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1),
        }),
    });
  }

  async kill(node: string): Promise<void> {
    this.index(node);
    const child = this.procs.get(node);
    const pid = this.pidOne.get(node);
    if (pid)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(late);
    }
    this.procs.delete(node);
    this.pidOne.delete(node);
    this.paused.delete(node);
    this.cut.delete(node);
    // its addresses go with it (a VIP left on a dead node's interface would still answer ARP)
    removeNamespace(this.ns(node));
    live.delete(this.ns(node));
  }

  async start(node: string): Promise<void> {
    if (await this.isUp(node)) return;
    if (!namespaceExists(this.ns(node))) this.createNodeNet(node);
    await this.spawnNode(node);
  }

  private signalAll(node: string, signal: NodeJS.Signals): void {
    const pid = this.pidOne.get(node);
    if (!pid) throw new Error(`${node} is not running`);
    for (const p of pidsInNamespaceOf(pid)) {
      try {
        process.kill(p, signal);
      } catch {
        // gone meanwhile
      }
    }
  }

  async pause(node: string): Promise<void> {
    this.signalAll(node, 'SIGSTOP');
    this.paused.add(node);
  }

  async unpause(node: string): Promise<void> {
    this.signalAll(node, 'SIGCONT');
    this.paused.delete(node);
  }

  /** Both links of the node down, inside its namespace (addresses kept, nothing reaches it). */
  async isolate(node: string): Promise<void> {
    for (const ifc of ['eth0', 'eth1']) sh('ip', ['-n', this.ns(node), 'link', 'set', ifc, 'down']);
    this.cut.add(node);
  }

  async reconnect(node: string): Promise<void> {
    for (const ifc of ['eth0', 'eth1']) sh('ip', ['-n', this.ns(node), 'link', 'set', ifc, 'up']);
    this.cut.delete(node);
  }

  /** A read-only bind mount stacked on `path` in the node's mount namespace (`ro`), or removed (`rw`). */
  async remount(node: string, path: string, mode: 'ro' | 'rw'): Promise<ExecResult> {
    const pid = this.pidOne.get(node);
    if (!pid || !(await this.isUp(node))) return { code: 1, stdout: '', stderr: `${node} is not running` };
    const argv = mode === 'ro' ? ['mount', '--bind', '-o', 'ro', path, path] : ['umount', path];
    return runCommand(['nsenter', '-t', String(pid), '-m', '--', ...argv]);
  }

  async isUp(node: string): Promise<boolean> {
    const child = this.procs.get(node);
    return !!child && child.exitCode === null && child.signalCode === null && this.pidOne.has(node) && !this.paused.has(node);
  }

  /** Runs argv in every namespace of the node (nsenter), with the node daemon's PATH. */
  async exec(node: string, argv: readonly string[], o: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const pid = this.pidOne.get(node);
    if (!pid || !(await this.isUp(node))) return { code: 1, stdout: '', stderr: `${node} is not running` };
    return runCommand(['nsenter', '-t', String(pid), '-n', '-m', '-p', '-u', '-i', '--', ...argv], {
      env: { PATH: this.nodeEnv(node).PATH, LANG: 'C.UTF-8' },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
  }

  client(argv: readonly string[], o: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return runCommand(['ip', 'netns', 'exec', this.ns(CLIENT), ...argv], {
      env: { PATH: this.nodeEnv(CLIENT).PATH, LANG: 'C.UTF-8' },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
  }

  async logs(node: string, lines = 200): Promise<string> {
    try {
      return readFileSync(this.nodePath(node, 'node.log'), 'utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n');
    } catch (err) {
      return `(no logs: ${(err as Error).message})`;
    }
  }

  /** Kills every node, removes the namespaces (and so the bridges and veths) and the rig directory. */
  async down(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n)));
    for (const ns of this.namespaces()) {
      removeNamespace(ns);
      live.delete(ns);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await this.creating?.catch(() => undefined);
    await this.down();
  }
}
