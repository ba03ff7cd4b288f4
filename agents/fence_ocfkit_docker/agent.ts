/**
 * fence_ocfkit_docker — fences Docker containers (a node of a Docker rig is a container).
 *
 * Device: a Docker Engine API, reached over mutual TLS (`ip`, `ipport`, `tlscacert`, `tlscert`,
 * `tlskey`) or, for a rig on the same host, over the daemon's unix socket (`socket`). A plain-TCP
 * Docker API is refused: whoever reaches it owns the host.
 * Targets: `plug` is a container name or id; `list` prints `id,name` for every container.
 * Power: `off` kills the container, `on` starts it, `method=cycle` restarts it; the SDK verifies
 * each with `status` (running → on).
 * Parameters keep fence_docker's names (fence-agents 4.12), so a stonith:fence_docker device
 * configuration works with stonith:fence_ocfkit_docker. Differences: `api_version` has no default
 * (the daemon's own version is used), `ssl=0` is refused, and `socket` is new.
 * Binaries needed: none (dockerode talks HTTP itself).
 */
import { readFileSync } from 'node:fs';
import { defineFenceAgent, type FenceContext } from '@ocfkit/sdk';
import type Docker from 'dockerode';

const params = {
  ip: { type: 'string', shortdesc: 'IP address or hostname of fencing device' },
  ipaddr: { type: 'string', deprecated: { replacedWith: 'ip' }, shortdesc: 'IP address or hostname of fencing device' },
  ipport: { type: 'integer', default: 443, min: 1, max: 65535, shortdesc: 'TCP/UDP port to use for connection with device' },
  method: { type: 'select', options: ['onoff', 'cycle'], default: 'onoff', shortdesc: 'Method to fence' },
  ssl: { type: 'boolean', default: true, shortdesc: 'Use SSL connection with verifying certificate' },
  ssl_insecure: { type: 'boolean', shortdesc: 'Use SSL connection without verifying certificate' },
  ssl_secure: { type: 'boolean', shortdesc: 'Use SSL connection with verifying certificate' },
  api_version: { type: 'string', pattern: '^(\\d+\\.\\d+)?$', shortdesc: 'Version of Docker Remote API (default: the daemon\u2019s)' },
  tlscacert: { type: 'string', shortdesc: 'Path to CA certificate (PEM format) for TLS authentication.' },
  tlscert: { type: 'string', shortdesc: 'Path to client certificate (PEM format) for TLS authentication.' },
  tlskey: { type: 'string', shortdesc: 'Path to client key (PEM format) for TLS authentication.' },
  shell_timeout: { type: 'integer', default: 3, min: 1, shortdesc: 'Wait X seconds for the Docker API to answer' },
  socket: { type: 'string', pattern: '^/', shortdesc: 'Path of the Docker daemon unix socket (instead of ip)' },
} as const;

type Ctx = FenceContext<typeof params>;

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The Docker client for this device; refuses any configuration that is not TLS or a unix socket. */
async function docker(ctx: Ctx, timeoutMs = ctx.params.shell_timeout * 1000): Promise<Docker> {
  // Loaded on first use: meta-data, help and validate-all need none of dockerode's ~900 KB.
  const { default: Docker } = await import('dockerode');
  const p = ctx.params;
  const timeout = timeoutMs;
  const version = p.api_version ? { version: `v${p.api_version}` } : {};
  if (p.socket) return new Docker({ socketPath: p.socket, timeout, ...version });
  const host = p.ip ?? p.ipaddr;
  if (!host) throw new Error('either ip (the Docker API over TLS) or socket (the daemon unix socket) is required');
  if (!p.ssl && !p.ssl_secure && !p.ssl_insecure)
    throw new Error(`ssl=0: a plain-TCP Docker API on ${host} is refused; use TLS client certificates`);
  if (!p.tlscert || !p.tlskey) throw new Error('tlscert and tlskey are required: the Docker API is reached with a TLS client certificate');
  const verify = !p.ssl_insecure;
  if (verify && !p.tlscacert) throw new Error('tlscacert is required to verify the Docker API certificate (or set ssl_insecure)');
  return new Docker({
    protocol: 'https',
    host,
    port: p.ipport,
    timeout,
    cert: readPem(p.tlscert, 'client certificate'),
    key: readPem(p.tlskey, 'client key'),
    ...(p.tlscacert ? { ca: readPem(p.tlscacert, 'CA certificate') } : {}),
    ...(verify ? {} : { checkServerIdentity: () => undefined }),
    ...version,
  } as Docker.DockerOptions);
}

function plug(ctx: Ctx): string {
  if (!ctx.plug) throw new Error('no plug (container name or id) given');
  return ctx.plug;
}

/** Docker's error text without dockerode's request dump. */
function why(err: unknown): string {
  const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
  return e.json?.message ?? e.message ?? String(err);
}

export default defineFenceAgent({
  name: 'fence_ocfkit_docker',
  version: '1.0.0',
  shortdesc: 'Fence agent for Docker (ocfkit)',
  longdesc:
    'Fences Docker containers through the Docker Engine API: off kills the container, on starts it, reboot with method=cycle restarts it. The API is reached over mutual TLS (ip, ipport, tlscacert, tlscert, tlskey) or the local unix socket (socket); plain TCP is refused. Parameters are those of fence_docker.',
  vendorUrl: 'https://docs.docker.com/engine/api/',
  params,
  shortOptions: { ip: 'a', ipport: 'u', method: 'm', ssl: 'z' },
  handlers: {
    async status(ctx) {
      try {
        const info = await (await docker(ctx)).getContainer(plug(ctx)).inspect();
        return info.State.Running ? 'on' : 'off';
      } catch (err) {
        throw new Error(`status of container ${ctx.plug}: ${why(err)}`);
      }
    },
    async off(ctx) {
      try {
        await (await docker(ctx, ctx.powerTimeoutMs)).getContainer(plug(ctx)).kill();
      } catch (err) {
        // 409: it stopped meanwhile; the SDK's status check decides.
        if ((err as { statusCode?: number }).statusCode !== 409) throw new Error(`kill container ${ctx.plug}: ${why(err)}`);
      }
    },
    async on(ctx) {
      try {
        await (await docker(ctx, ctx.powerTimeoutMs)).getContainer(plug(ctx)).start();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 304) throw new Error(`start container ${ctx.plug}: ${why(err)}`);
      }
    },
    async reboot(ctx) {
      try {
        // A restart stops and starts the container: allow it power_timeout, not shell_timeout.
        await (await docker(ctx, ctx.powerTimeoutMs)).getContainer(plug(ctx)).restart({ t: 0 });
      } catch (err) {
        throw new Error(`restart container ${ctx.plug}: ${why(err)}`);
      }
    },
    async list(ctx) {
      try {
        const all = await (await docker(ctx)).listContainers({ all: true });
        return all.map((c) => ({
          plug: c.Id,
          alias: (c.Names[0] ?? '').replace(/^\//, ''),
          status: c.State === 'running' ? ('on' as const) : ('off' as const),
        }));
      } catch (err) {
        throw new Error(`list containers: ${why(err)}`);
      }
    },
    async monitor(ctx) {
      try {
        await (await docker(ctx)).ping();
      } catch (err) {
        throw new Error(`Docker API unreachable: ${why(err)}`);
      }
    },
    async validate(ctx) {
      await docker(ctx);
    },
  },
});
