import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadComposeFile } from '../src/rigs/compose-file';
import { ComposeRig } from '../src/rigs/compose-rig';
import { checkoutRoot } from '../src/rigs/create-rig';
import { firstHost } from '../src/rigs/subnet';
import { type FencingOptions, seedCib } from '../src/scenarios/seed-cib';
import { type DockerApiTls, makeFencePki, serveDockerApiTls } from './docker-api-tls';

/** Where the fence device's files sit inside the nodes. */
const PKI_IN_NODE = '/etc/ocfkit-rig-fence';
const FENCE_AGENT = 'fence_ocfkit_docker';

/** How to make a Pacemaker rig with fencing. */
interface FencedRigOptions {
  /** Name prefix of containers, networks, volumes. */
  project: string;
  /** Real Pacemaker + Corosync (default), or ocfkit's bundled engine (`ocfkit node start`, ha.cf). */
  kind?: 'pacemaker' | 'docker';
  /** The cluster nodes (default: all of docker-compose.yml's); two makes a two_node cluster. */
  nodes?: readonly string[];
  /** Extra instance attributes of the device (pcmk_delay_base, ...). */
  deviceParams?: Record<string, string>;
  /** stonith-action (default off: a fenced node's container stays down, which a test can see). */
  action?: 'off' | 'reboot';
  /** stonith-timeout (default 60s); a static pcmk_delay_base counts against it. */
  timeout?: string;
  /** stonith-max-attempts (default: the cluster's, 10). */
  maxAttempts?: number;
  composeFile?: string;
}

/**
 * corosync.conf for a subset of the reference rig's nodes: the other nodes' blocks dropped, and
 * `two_node: 1` in the quorum section when two are left (each half keeps quorum in a split; the
 * fence race decides: give one node a static head start with pcmk_delay_base, see the race test).
 */
export function corosyncFor(conf: string, nodes: readonly string[]): string {
  const blocks = conf.replace(/\n\s*node \{[^}]*\}/g, (block) => {
    const name = /\bname:\s*(\S+)/.exec(block)?.[1];
    return name && nodes.includes(name) ? block : '';
  });
  const kept = [...blocks.matchAll(/\bname:\s*(\S+)/g)].map((m) => m[1]);
  const missing = nodes.filter((n) => !kept.includes(n));
  if (missing.length) throw new Error(`corosync.conf has no node block for ${missing.join(', ')}`);
  return nodes.length === 2 ? blocks.replace(/quorum \{([^}]*)\}/, 'quorum {$1    two_node: 1\n}') : blocks;
}

/**
 * ha.cf for a subset of the reference rig's nodes: the other nodes' `node` names and `ucast`
 * addresses dropped, and `two_node on` when two are left (as corosyncFor does for Corosync).
 */
export function haCfFor(conf: string, nodes: readonly string[], droppedAddresses: readonly string[]): string {
  const lines = conf.split('\n').flatMap((line) => {
    const node = /^\s*node\s+(.*)$/.exec(line);
    if (node) {
      const kept = (node[1] ?? '').split(/\s+/).filter((n) => nodes.includes(n));
      return kept.length ? [`node ${kept.join(' ')}`] : [];
    }
    const ucast = /^\s*ucast\s+\S+\s+(\S+)/.exec(line);
    return ucast && droppedAddresses.includes(ucast[1] as string) ? [] : [line];
  });
  const listed = lines.flatMap((l) => /^node\s+(.*)$/.exec(l)?.[1]?.split(/\s+/) ?? []);
  const missing = nodes.filter((n) => !listed.includes(n));
  if (missing.length) throw new Error(`ha.cf has no node line for ${missing.join(', ')}`);
  const out = lines.join('\n');
  return nodes.length === 2 ? `${out.replace(/\n*$/, '')}\ntwo_node on\n` : out;
}

/**
 * A `pacemaker` (or bundled-engine `docker`) rig whose nodes fence each other with `stonith:fence_ocfkit_docker` (the SDK's
 * reference fence agent, built by `npm run build`, mounted as /usr/sbin/fence_ocfkit_docker) over
 * the Docker API on mutual TLS: a throw-away CA, a client certificate for the device, and
 * {@link serveDockerApiTls} on the lan bridge's gateway, which relays power actions on this rig's
 * containers only. The seed is the reference configuration plus the device (pcmk_host_map: node
 * name → container) and stonith-enabled=true.
 *
 * @example
 * const f = createFencedRig({ project: 'h37-fence' });
 * await f.up(console.log); await f.rig.isolate('node3'); ... await f.down();
 */
export function createFencedRig(o: FencedRigOptions) {
  const root = checkoutRoot();
  const composeFile = o.composeFile ?? join(root, 'docker-compose.yml');
  const agentFile = join(root, 'agents', 'dist', 'sbin', FENCE_AGENT);
  if (!existsSync(agentFile)) throw new Error(`no ${agentFile}: run npm run build first`);
  const work = mkdtempSync(join(tmpdir(), `${o.project}-`));
  chmodSync(work, 0o755);
  const pkiDir = join(work, 'pki');
  mkdirSync(pkiDir, { mode: 0o700 });
  const binds: Record<string, string> = {
    '/usr/lib/ocf/resource.d/mutant': join(root, 'conformance', 'rigs', 'mutants'),
    [`/usr/sbin/${FENCE_AGENT}`]: agentFile,
    [PKI_IN_NODE]: pkiDir,
  };
  if (o.nodes) {
    // the nodes' configuration directory (the compose file's, so a copy on other subnets keeps its
    // addresses), with a corosync.conf for just these nodes
    const src = configDirOf(composeFile);
    const cfg = join(work, 'config');
    mkdirSync(cfg, { mode: 0o755 });
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(cfg, f));
    chmodSync(join(cfg, 'start-node.sh'), 0o755);
    writeFileSync(join(cfg, 'corosync.conf'), corosyncFor(readFileSync(join(src, 'corosync.conf'), 'utf8'), o.nodes));
    const compose = loadComposeFile(composeFile, process.env);
    const dropped = [...compose.services.values()]
      .filter((svc) => !o.nodes?.includes(svc.name))
      .flatMap((svc) => svc.networks.flatMap((net) => (net.ipv4 ? [net.ipv4] : [])));
    writeFileSync(join(cfg, 'ha.cf'), haCfFor(readFileSync(join(src, 'ha.cf'), 'utf8'), o.nodes, dropped));
    binds['/etc/ocfkit-rig'] = cfg;
  }
  const rig = new ComposeRig({
    kind: o.kind ?? 'pacemaker',
    composeFile,
    project: o.project,
    binds,
    ...(o.nodes ? { nodes: o.nodes } : {}),
  });
  const subnet = rig.compose.networks.get('lan')?.subnet;
  if (!subnet) throw new Error(`${composeFile}: network lan has no subnet (the fencing endpoint listens on its gateway)`);
  const gateway = firstHost(subnet);
  let api: DockerApiTls | undefined;
  let pki: ReturnType<typeof makeFencePki> | undefined;
  const earlierRefused: string[] = [];
  const serveApi = () => {
    if (!pki) throw new Error('the fencing endpoint starts once the rig is up');
    return serveDockerApiTls({
      pki,
      host: gateway,
      port: Number(fencing.params.ipport),
      containers: new Set(rig.nodes.map((n) => rig.containerOf(n))),
    });
  };
  const fencing: FencingOptions = {
    agent: FENCE_AGENT,
    action: o.action ?? 'off',
    ...(o.timeout ? { timeout: o.timeout } : {}),
    ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
    params: {
      pcmk_host_map: rig.nodes.map((n) => `${n}:${rig.containerOf(n)}`).join(';'),
      ip: gateway,
      ipport: '0',
      ssl_secure: '1',
      tlscacert: `${PKI_IN_NODE}/ca.pem`,
      tlscert: `${PKI_IN_NODE}/client.pem`,
      tlskey: `${PKI_IN_NODE}/client.key`,
      shell_timeout: '10',
      ...o.deviceParams,
    },
  };
  return {
    rig,
    gateway,
    /** Stops the fencing endpoint (the device fails: connection refused) or starts it again on the same port. */
    async endpoint(on: boolean): Promise<void> {
      if (!on) {
        earlierRefused.push(...(api?.refused ?? []));
        await api?.close();
        api = undefined;
      } else if (!api) api = await serveApi();
    },
    /** Requests the fencing endpoint refused (a device asking for something it must not). */
    refused: (): string[] => [...earlierRefused, ...(api?.refused ?? [])],
    /** Brings the rig up with fencing; the endpoint starts once the bridge exists. */
    async up(progress: (line: string) => void, seed: Parameters<typeof seedCib>[0] = {}): Promise<void> {
      // the seed names the port before the bridge (and so the endpoint) exists: one per project
      const port = 20000 + (hash(o.project) % 20000);
      fencing.params.ipport = String(port);
      await rig.up(seedCib({ ...(rig.vip ? { vip: rig.vip } : {}), ...seed, nodes: rig.nodes, fencing }), progress, {
        created: async () => {
          const gw = await rig.gateway('lan');
          if (gw !== gateway) throw new Error(`the lan bridge's gateway is ${gw}, expected ${gateway}`);
          pki = makeFencePki(pkiDir, gateway);
          api = await serveApi();
          progress(`Docker API over mutual TLS for the fence device on ${gateway}:${port}`);
        },
      });
    },
    async down(): Promise<void> {
      await rig.down().catch(() => undefined);
      await api?.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The host directory a compose file mounts as the nodes' /etc/ocfkit-rig (corosync.conf, ha.cf...). */
function configDirOf(composeFile: string): string {
  for (const svc of loadComposeFile(composeFile, process.env).services.values())
    for (const m of svc.mounts) if (m.kind === 'bind' && m.target === '/etc/ocfkit-rig') return m.source;
  throw new Error(`${composeFile}: no service mounts a configuration directory on /etc/ocfkit-rig`);
}

/** A small stable hash (FNV-1a) of a string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
