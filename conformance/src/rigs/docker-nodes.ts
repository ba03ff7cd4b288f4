import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { ComposeFile, ComposeService } from './compose-file';
import { firstHost } from './subnet';
import { firstTarFile } from './tar-file';

/** What a command run in a node printed, and how it ended. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to bring a compose file's services up through the Docker API. */
interface DockerNodesOptions {
  compose: ComposeFile;
  /** Prefix of every container, network and volume name (like docker-compose's project). */
  project: string;
  /** Services to run (default: all). */
  services?: readonly string[];
  /** Extra environment per service, over the file's. */
  environment?: Record<string, string>;
  /** Extra or replacing read-only bind mounts: container path → host path. */
  binds?: Record<string, string>;
  docker?: Docker;
}

const TIMEOUT = Symbol('timeout');

/**
 * The services of a docker-compose.yml as containers driven through dockerode: create (networks,
 * volumes, containers with the file's addresses, mounts, capabilities, tmpfs), start, kill, pause,
 * partition (disconnect from every network) and reconnect (same addresses), exec, logs, remove.
 * Names are `<project>-<service>`, `<project>-<network>`, `<project>-<volume>`.
 *
 * @example
 * const nodes = new DockerNodes({ compose: loadComposeFile('docker-compose.yml'), project: 'demo' });
 * await nodes.create(); await nodes.start('node1');
 * (await nodes.exec('node1', ['hostname'])).stdout // 'node1\n'
 */
export class DockerNodes {
  readonly docker: Docker;
  readonly project: string;
  readonly services: ComposeService[];
  private readonly o: DockerNodesOptions;
  private readonly disconnected = new Set<string>();
  /** Set by abort(): nothing is created any more. */
  private aborted = false;
  private creating: Promise<void> | undefined;

  constructor(o: DockerNodesOptions) {
    this.o = o;
    this.project = o.project;
    this.docker = o.docker ?? new Docker();
    const names = o.services ?? [...o.compose.services.keys()];
    this.services = names.map((n) => {
      const s = o.compose.services.get(n);
      if (!s) throw new Error(`service ${JSON.stringify(n)} is not in ${o.compose.file}`);
      return s;
    });
  }

  containerName = (service: string): string => `${this.project}-${service}`;
  networkName = (net: string): string => `${this.project}-${net}`;
  volumeName = (vol: string): string => `${this.project}-${vol}`;

  private service(name: string): ComposeService {
    const s = this.services.find((x) => x.name === name);
    if (!s) throw new Error(`no node ${JSON.stringify(name)} in this rig (have ${this.services.map((x) => x.name).join(', ')})`);
    return s;
  }

  private container(name: string): Docker.Container {
    return this.docker.getContainer(this.containerName(this.service(name).name));
  }

  /** Fails with the command that builds the image when it is missing. */
  async requireImage(): Promise<void> {
    for (const image of new Set(this.services.map((s) => s.image))) {
      try {
        await this.docker.getImage(image).inspect();
      } catch {
        throw new Error(
          `image ${image} is not in dockerd: build it with conformance/rigs/image/build-image.sh (OCFKIT_RIG_IMAGE names it)`,
        );
      }
    }
  }

  /**
   * Creates networks, volumes and containers (not started); removes leftovers of the project first.
   * The file's subnets are fixed, so one rig of a compose file runs per dockerd at a time: while
   * another holds a subnet, this waits (up to `waitMs`, default 30 min) and says for whom.
   */
  async create(o: { progress?: (line: string) => void; waitMs?: number } = {}): Promise<void> {
    this.creating = this.createAll(o);
    try {
      await this.creating;
    } finally {
      this.creating = undefined;
    }
  }

  /**
   * Removes everything of the project for good (an interrupted run): a create() in flight stops
   * at its next step and what it made is removed too; later ones fail.
   */
  async abort(): Promise<void> {
    this.aborted = true;
    await this.creating?.catch(() => undefined);
    await this.remove();
  }

  private notAborted(): void {
    if (this.aborted) throw new Error(`rig ${this.project} was removed (interrupted): not creating anything more`);
  }

  private async createAll(o: { progress?: (line: string) => void; waitMs?: number }): Promise<void> {
    this.notAborted();
    await this.remove();
    await this.requireImage();
    const nets = new Set(this.services.flatMap((s) => s.networks.map((n) => n.name)));
    const deadline = Date.now() + (o.waitMs ?? 30 * 60_000);
    let told = '';
    for (const n of nets) {
      const subnet = this.o.compose.networks.get(n)?.subnet;
      for (;;) {
        this.notAborted();
        try {
          await this.docker.createNetwork({
            Name: this.networkName(n),
            Driver: 'bridge',
            Labels: { 'ocfkit.rig': this.project },
            // the gateway Docker would pick anyway, named so that inspect reports it
            ...(subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: firstHost(subnet) }] } } : {}),
          });
          break;
        } catch (err) {
          if (!subnet || !/overlap/i.test((err as Error).message)) throw err;
          const holder = await this.subnetHolder(subnet);
          if (Date.now() > deadline)
            throw new Error(
              `network ${this.networkName(n)}: subnet ${subnet} is still in use by ${holder} (another rig of this compose file?)`,
            );
          if (holder !== told) o.progress?.(`waiting: subnet ${subnet} is in use by ${holder} (one rig per subnet at a time)`);
          told = holder;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    }
    const vols = new Set(this.services.flatMap((s) => s.mounts.filter((m) => m.kind === 'volume').map((m) => m.source)));
    for (const v of vols) {
      this.notAborted();
      await this.docker.createVolume({ Name: this.volumeName(v), Labels: { 'ocfkit.rig': this.project } });
    }
    for (const s of this.services) {
      this.notAborted();
      await this.createContainer(s);
    }
  }

  /** The Docker network that holds a subnet (for the wait message). */
  private async subnetHolder(subnet: string): Promise<string> {
    for (const net of await this.docker.listNetworks()) {
      const info = await this.docker
        .getNetwork(net.Id)
        .inspect()
        .catch(() => undefined);
      if ((info?.IPAM?.Config ?? []).some((c: { Subnet?: string }) => c.Subnet === subnet)) return `network ${info?.Name}`;
    }
    return 'an unknown network';
  }

  private async createContainer(s: ComposeService): Promise<void> {
    const binds = new Map<string, string>();
    for (const m of s.mounts)
      binds.set(m.target, `${m.kind === 'volume' ? this.volumeName(m.source) : m.source}:${m.target}${m.readOnly ? ':ro' : ''}`);
    for (const [target, host] of Object.entries(this.o.binds ?? {})) binds.set(target, `${host}:${target}:ro`);
    const env = { ...s.environment, ...this.o.environment };
    const [first, ...rest] = s.networks;
    const endpoint = (n: { name: string; ipv4?: string }) => (n.ipv4 ? { IPAMConfig: { IPv4Address: n.ipv4 } } : {});
    await this.docker.createContainer({
      name: this.containerName(s.name),
      Hostname: s.hostname,
      Image: s.image,
      ...(s.entrypoint ? { Entrypoint: s.entrypoint } : {}),
      ...(s.command ? { Cmd: s.command } : {}),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: { 'ocfkit.rig': this.project, 'ocfkit.rig.service': s.name },
      HostConfig: {
        CapAdd: s.capAdd,
        Tmpfs: Object.fromEntries(s.tmpfs.map((t) => [t, ''])),
        ...(s.shmSize ? { ShmSize: s.shmSize } : {}),
        Binds: [...binds.values()],
        ...(first ? { NetworkMode: this.networkName(first.name) } : {}),
      },
      ...(first ? { NetworkingConfig: { EndpointsConfig: { [this.networkName(first.name)]: endpoint(first) } } } : {}),
    });
    for (const n of rest)
      await this.docker
        .getNetwork(this.networkName(n.name))
        .connect({ Container: this.containerName(s.name), EndpointConfig: endpoint(n) });
  }

  async start(name: string): Promise<void> {
    await this.container(name).start();
  }

  /** SIGKILL to the whole container: a node that dies at once. */
  async kill(name: string): Promise<void> {
    await this.container(name).kill({ signal: 'SIGKILL' });
    await this.container(name).wait();
  }

  async stop(name: string): Promise<void> {
    await this.container(name).stop({ t: 20 });
  }

  async pause(name: string): Promise<void> {
    await this.container(name).pause();
  }

  async unpause(name: string): Promise<void> {
    await this.container(name).unpause();
  }

  /** Cuts the node off every network of the rig (its interfaces disappear, as a pulled cable's would not). */
  async disconnect(name: string): Promise<void> {
    for (const n of this.service(name).networks)
      await this.docker.getNetwork(this.networkName(n.name)).disconnect({ Container: this.containerName(name), Force: true });
    this.disconnected.add(name);
  }

  /** The nodes cut off by disconnect() and not reconnected yet. */
  isolated(): ReadonlySet<string> {
    return new Set(this.disconnected);
  }

  /** Reconnects a disconnected node with the addresses of the file. */
  async reconnect(name: string): Promise<void> {
    for (const n of this.service(name).networks)
      await this.docker
        .getNetwork(this.networkName(n.name))
        .connect({ Container: this.containerName(name), EndpointConfig: n.ipv4 ? { IPAMConfig: { IPv4Address: n.ipv4 } } : {} });
    this.disconnected.delete(name);
  }

  async isRunning(name: string): Promise<boolean> {
    try {
      const st = (await this.container(name).inspect()).State;
      return st.Running && !st.Paused;
    } catch {
      return false;
    }
  }

  /** Runs argv in the node (no shell), with a deadline; `privileged` for mount and the like. */
  async exec(
    name: string,
    argv: readonly string[],
    o: { timeoutMs?: number; privileged?: boolean; env?: string[] } = {},
  ): Promise<ExecResult> {
    const ex = await this.container(name).exec({
      Cmd: [...argv],
      AttachStdout: true,
      AttachStderr: true,
      Privileged: o.privileged ?? false,
      ...(o.env ? { Env: o.env } : {}),
    });
    const stream = await ex.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    out.on('data', (c: Buffer) => chunks.out.push(c));
    err.on('data', (c: Buffer) => chunks.err.push(c));
    this.docker.modem.demuxStream(stream, out, err);
    const ended = new Promise<void>((res) => {
      stream.on('end', () => res());
      stream.on('close', () => res());
      stream.on('error', () => res());
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMEOUT>((res) => {
      timer = setTimeout(() => res(TIMEOUT), o.timeoutMs ?? 30_000);
    });
    const r = await Promise.race([ended, deadline]);
    clearTimeout(timer);
    if (r === TIMEOUT) {
      stream.destroy();
      return {
        code: 124,
        stdout: Buffer.concat(chunks.out).toString(),
        stderr: `timed out after ${o.timeoutMs ?? 30_000} ms: ${argv.join(' ')}`,
      };
    }
    const code = (await ex.inspect()).ExitCode ?? -1;
    return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
  }

  /**
   * Makes a mount point of the node read-only (`ro`: a read-only bind mount stacked on it) or
   * writable again (`rw`: the stacked mount removed), from the host in the node's mount namespace
   * (nsenter; needs root on the host). Every new open for writing then fails with EROFS; files
   * already open keep working. A plain `remount,ro` is refused (EBUSY) while PostgreSQL holds files
   * open for writing, a node's own capabilities do not allow mount, and a privileged `docker exec`
   * cannot add capabilities beyond the container's bounding set.
   */
  async remount(name: string, path: string, mode: 'ro' | 'rw'): Promise<ExecResult> {
    const pid = (await this.container(name).inspect()).State.Pid;
    if (!pid) return { code: 1, stdout: '', stderr: `${name} is not running` };
    const argv = mode === 'ro' ? ['mount', '--bind', '-o', 'ro', path, path] : ['umount', path];
    const r = spawnSync('nsenter', ['-t', String(pid), '-m', '--', ...argv], { encoding: 'utf8', timeout: 30_000 });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr || (r.error ? r.error.message : '') };
  }

  /** The container's output (the node's stack logs to stdout/stderr), last `tail` lines. */
  async logs(name: string, tail = 200): Promise<string> {
    try {
      const buf = (await this.container(name).logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      return demux(buf);
    } catch (err) {
      return `(no logs: ${(err as Error).message})`;
    }
  }

  /**
   * A file of the node's filesystem as text (Docker's archive endpoint: works on a killed or
   * paused node too), or undefined when it does not exist; `maxBytes` keeps its end only.
   */
  async readFile(name: string, path: string, maxBytes = 16 << 20): Promise<string | undefined> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.container(name).getArchive({ path });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    const file = firstTarFile(Buffer.concat(chunks));
    if (!file) return undefined;
    return (file.length > maxBytes ? file.subarray(file.length - maxBytes) : file).toString();
  }

  /** Removes the project's containers, networks and volumes (whatever state they are in). */
  async remove(): Promise<void> {
    const filters = JSON.stringify({ label: [`ocfkit.rig=${this.project}`] });
    for (const c of await this.docker.listContainers({ all: true, filters }))
      await this.docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    for (const n of await this.docker.listNetworks({ filters }))
      await this.docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    const vols = (await this.docker.listVolumes({ filters })).Volumes ?? [];
    for (const v of vols)
      await this.docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
    this.disconnected.clear();
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) as text. */
function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return i === buf.length ? Buffer.concat(parts).toString() : buf.toString();
}
