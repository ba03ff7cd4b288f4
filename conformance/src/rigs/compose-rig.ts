import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ComposeFile, loadComposeFile } from './compose-file';
import { crmMonArgv } from './crm-mon';
import { DockerNodes, type ExecResult } from './docker-nodes';
import type { ClusterStatus, Rig, RigKind } from './rig';
import { statusOfNodes, waitFormed } from './rig-status';
import { rigTimingEnv } from './rig-timing';
import { nthHost } from './subnet';

/** How to run a rig from docker-compose.yml. */
interface ComposeRigOptions {
  kind: 'pacemaker' | 'docker';
  /** docker-compose.yml (default: the one at the top of this checkout). */
  composeFile: string;
  /** Prefix of container, network and volume names. */
  project: string;
  /** Host directories bind-mounted read-only, by container path (agents under test, mutants). */
  binds?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** The cluster nodes to run (default: every service but the client), e.g. two for a two-node cluster. */
  nodes?: readonly string[];
}

/** Hooks of {@link ComposeRig.up}. */
interface UpHooks {
  /** Runs after the networks and containers exist, before any node starts (e.g. a service on the bridge's gateway). */
  created?: () => Promise<void>;
}

const CLIENT = 'client';

/** The cluster stack's own log files on a pacemaker rig node (corosync.conf's logfile; Pacemaker's default). */
const PACEMAKER_LOG_FILES: Readonly<Record<string, string>> = {
  'pacemaker.log': '/var/log/pacemaker/pacemaker.log',
  'corosync.log': '/var/log/corosync.log',
};

/**
 * The `pacemaker` and `docker` rigs: the nodes of docker-compose.yml under Docker, running real
 * Pacemaker + Corosync (OCFKIT_RIG_ENGINE=pacemaker) or ocfkit's node daemon (ocfkit); the seed
 * CIB is handed to every node's start script through a read-only bind mount.
 *
 * @example
 * const rig = new ComposeRig({ kind: 'pacemaker', composeFile: 'docker-compose.yml', project: 'ocfkit-rig-1' });
 * await rig.up(seedCib(), console.log); await rig.kill('node1'); await rig.down();
 */
export class ComposeRig implements Rig {
  readonly kind: RigKind;
  readonly nodes: readonly string[];
  readonly vip?: string;
  readonly compose: ComposeFile;
  private readonly docker: DockerNodes;
  private readonly seedDir: string;

  constructor(o: ComposeRigOptions) {
    this.kind = o.kind;
    this.compose = loadComposeFile(o.composeFile, o.env ?? process.env);
    const all = [...this.compose.services.keys()].filter((s) => s !== CLIENT);
    for (const n of o.nodes ?? [])
      if (!all.includes(n)) throw new Error(`node ${JSON.stringify(n)} is not a service of ${o.composeFile} (have ${all.join(', ')})`);
    this.nodes = o.nodes ? [...o.nodes] : all;
    if (this.nodes.length === 0) throw new Error(`${o.composeFile} has no cluster node services`);
    const lan = this.compose.networks.get('lan')?.subnet;
    if (lan) this.vip = nthHost(lan, 100);
    this.seedDir = mkdtempSync(join(tmpdir(), 'ocfkit-rig-seed-'));
    chmodSync(this.seedDir, 0o755);
    this.docker = new DockerNodes({
      compose: this.compose,
      project: o.project,
      services: [...this.nodes, ...(this.compose.services.has(CLIENT) ? [CLIENT] : [])],
      environment: {
        OCFKIT_RIG_ENGINE: o.kind === 'pacemaker' ? 'pacemaker' : 'ocfkit',
        OCFKIT_RIG_CIB: '/etc/ocfkit-rig-seed/cib.xml',
        // Corosync's token / ha.cf's deadtime, stretched on a loaded machine (OCFKIT_RIG_TIME_SCALE)
        ...rigTimingEnv(process.env),
        // OCFKIT_RIG_DEBUG=1: the node daemons' debug lines (HA_debug), e.g. a new DC's waits
        ...(process.env.OCFKIT_RIG_DEBUG === '1' ? { HA_debug: '1' } : {}),
      },
      binds: { '/etc/ocfkit-rig-seed': this.seedDir, ...o.binds },
    });
  }

  /** The container of a node (what a fence device's pcmk_host_map names). */
  containerOf = (node: string): string => this.docker.containerName(node);

  /** The IPv4 gateway of one of the rig's networks (the host's address on that bridge), once created. */
  async gateway(network: string): Promise<string> {
    const info = await this.docker.docker.getNetwork(this.docker.networkName(network)).inspect();
    const gw = (info.IPAM?.Config ?? []).map((c: { Gateway?: string }) => c.Gateway).find(Boolean);
    if (!gw) throw new Error(`network ${this.docker.networkName(network)} has no IPv4 gateway`);
    return gw;
  }

  async up(cib: string, progress: (line: string) => void, hooks: UpHooks = {}): Promise<void> {
    mkdirSync(this.seedDir, { recursive: true, mode: 0o755 });
    writeFileSync(join(this.seedDir, 'cib.xml'), cib, { mode: 0o644 });
    progress(`creating ${this.nodes.length} nodes + client (${this.docker.project})`);
    await this.docker.create({ progress });
    await hooks.created?.();
    if (this.compose.services.has(CLIENT)) await this.docker.start(CLIENT);
    await Promise.all(this.nodes.map((n) => this.docker.start(n)));
    await waitFormed(
      this.nodes,
      () => this.status(),
      () => this.logs(this.nodes[0] as string, 40),
      progress,
    );
  }

  /**
   * The cluster's view from `via`, or else from the first node that answers with quorum (a node cut
   * off by isolate() is asked last: its minority view says nothing about the cluster).
   */
  async status(via?: string): Promise<ClusterStatus> {
    return statusOfNodes({
      nodes: this.nodes,
      via,
      isolated: this.docker.isolated(),
      isRunning: (n) => this.docker.isRunning(n),
      // a loaded machine starts a CLI slowly (ocfkit status took over 15 s at load 50 on 2 cores)
      ask: (n) => this.docker.exec(n, crmMonArgv(this.kind), { timeoutMs: 15_000 * Number(process.env.OCFKIT_RIG_TIME_SCALE ?? 1) }),
    });
  }

  kill = (node: string) => this.docker.kill(node);
  start = (node: string) => this.docker.start(node);
  pause = (node: string) => this.docker.pause(node);
  unpause = (node: string) => this.docker.unpause(node);
  isolate = (node: string) => this.docker.disconnect(node);
  reconnect = (node: string) => this.docker.reconnect(node);
  isUp = (node: string) => this.docker.isRunning(node);
  remount = (node: string, path: string, mode: 'ro' | 'rw') => this.docker.remount(node, path, mode);

  exec(node: string, argv: readonly string[], o?: { timeoutMs?: number; privileged?: boolean }): Promise<ExecResult> {
    return this.docker.exec(node, argv, o);
  }

  client(argv: readonly string[], o?: { timeoutMs?: number }): Promise<ExecResult> {
    return this.docker.exec(CLIENT, argv, o);
  }

  async logs(node: string, lines = 200): Promise<string> {
    return this.docker.logs(node, lines);
  }

  /**
   * The node's cluster log files beside its container output: pacemaker.log and corosync.log on
   * the pacemaker rig (read from a killed node too); none on the docker rig, whose node daemon
   * logs to the container output.
   */
  async logFiles(node: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (this.kind !== 'pacemaker') return out;
    for (const [name, path] of Object.entries(PACEMAKER_LOG_FILES)) {
      const text = await this.docker.readFile(node, path);
      if (text !== undefined) out[name] = text;
    }
    return out;
  }

  async down(): Promise<void> {
    await this.docker.remove();
    rmSync(this.seedDir, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await this.docker.abort();
    rmSync(this.seedDir, { recursive: true, force: true });
  }
}
