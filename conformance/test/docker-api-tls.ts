import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestPki, type TestPki } from '@ocfkit/sdk/testing';

/** A running Docker API endpoint for the rig's fence devices. */
export interface DockerApiTls {
  host: string;
  port: number;
  /** Requests refused so far (method, path, why), for reports. */
  refused: string[];
  close(): Promise<void>;
}

/**
 * A throw-away CA with a server certificate for `serverIp` and one client certificate (the rig's
 * fence devices), all in `dir` (mode 0700, keys 0600).
 *
 * @example
 * const pki = makeFencePki('/tmp/h37-pki', '10.217.1.1');
 */
export function makeFencePki(dir: string, serverIp: string): TestPki {
  return makeTestPki(dir, { serverAltNames: `IP:${serverIp}`, name: 'ocfkit rig fencing' });
}

/** Which Docker API requests a rig's fence device may make: ping, version, list, and power actions on `containers`. */
export function allowedRequest(method: string, url: string, containers: ReadonlySet<string>): string | undefined {
  const path = (url.split('?')[0] ?? '').replace(/^\/v\d+\.\d+(?=\/)/, '');
  if (method === 'GET' && (path === '/_ping' || path === '/version' || path === '/containers/json')) return undefined;
  const m = /^\/containers\/([^/]+)\/(json|kill|start|stop|restart|wait)$/.exec(path);
  if (!m) return `${method} ${path} is not a fencing request`;
  const [, name = '', verb] = m;
  if (!containers.has(decodeURIComponent(name))) return `container ${JSON.stringify(decodeURIComponent(name))} is not a node of this rig`;
  if ((verb === 'json') !== (method === 'GET')) return `${method} ${path}: wrong method`;
  return undefined;
}

/**
 * The Docker API over mutual TLS for the fence devices of a rig, as `dockerd --tlsverify` serves
 * it (the shared dockerd is not restarted with a TCP listener): an HTTPS server on `host` (the rig
 * bridge's gateway) that requires a client certificate from the rig's CA and relays each request to
 * the daemon's unix socket — only ping/version/list and the power actions on the rig's own
 * containers (names or ids in `containers`); everything else gets 403, so a node can fence its
 * peers and nothing else on this host.
 *
 * @example
 * const api = await serveDockerApiTls({ pki, host: '10.217.1.1', containers: new Set(['h37-rig-node1']) });
 */
export async function serveDockerApiTls(o: {
  pki: TestPki;
  host: string;
  containers: ReadonlySet<string>;
  /** TCP port (default: any free one). */
  port?: number;
  socket?: string;
}): Promise<DockerApiTls> {
  const refused: string[] = [];
  const socketPath = o.socket ?? '/var/run/docker.sock';
  const server = https.createServer(
    {
      key: readFileSync(o.pki.serverKey),
      cert: readFileSync(o.pki.serverCert),
      ca: readFileSync(o.pki.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const why = allowedRequest(req.method ?? 'GET', req.url ?? '/', o.containers);
      if (why) {
        refused.push(`${req.method} ${req.url}: ${why}`);
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `refused by the rig's fencing endpoint: ${why}` }));
        return;
      }
      const up = http.request({ socketPath, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `docker socket ${socketPath}: ${err.message}` }));
      });
      req.pipe(up);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`the fencing endpoint cannot listen on ${o.host}:${o.port ?? 0}: ${err.message}`)));
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: o.host,
    port,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
