/** The node daemon's admin socket: JSON lines in, JSON lines out (see admin-protocol.ts). */
import { chmodSync, chownSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { clearStaleSocket } from '../attrd/server.js';
import type { CibStore } from '../cib/store.js';
import { formatVersion } from '../cib/store-version.js';
import { type AdminContext, handleAdmin } from './admin-handlers.js';
import { ADMIN_MAX_LINE, type AdminEvent, type AdminResponse, checkSocketPath, parseAdminRequest } from './admin-protocol.js';

interface AdminServerOptions extends AdminContext {
  socket: string;
  /** With a group: the socket is 0660 and owned by it; else 0600. */
  gid?: number;
  onError?: (message: string) => void;
}

export interface AdminServer {
  close(): Promise<void>;
}

/**
 * Serves the admin protocol on `options.socket` until closed.
 *
 * @example
 * const admin = await startAdminServer({ socket: '/run/ocfkit/admin.sock', store, attrd, nodeName, controller: 'none', poke });
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  checkSocketPath(options.socket);
  const store: CibStore = options.store;
  const watchers = new Set<Socket>();
  const unsubscribe = store.subscribe((c) => {
    const event: AdminEvent = { event: 'change', version: formatVersion(c.version), configChanged: c.configChanged, origin: c.origin };
    for (const w of watchers) w.write(`${JSON.stringify(event)}\n`);
  });
  const serve = (conn: Socket) => {
    let buf = '';
    // Answers go out in request order, also when one waits (a cluster write waits for the DC).
    let answered: Promise<void> = Promise.resolve();
    let waiting = 0;
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('close', () => watchers.delete(conn));
    conn.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let res: AdminResponse | Promise<AdminResponse>;
        try {
          const req = parseAdminRequest(line);
          if (req.op === 'watch') {
            watchers.add(conn);
            res = { ok: true, version: formatVersion(store.version) };
          } else res = handleAdmin(options, req);
        } catch (err) {
          res = { ok: false, error: (err as Error).message };
        }
        if (!(res instanceof Promise) && waiting === 0) conn.write(`${JSON.stringify(res)}\n`);
        else {
          waiting++;
          const later = Promise.resolve(res).catch((err: Error): AdminResponse => ({ ok: false, error: err.message }));
          answered = answered
            .then(() => later)
            .then((r) => {
              waiting--;
              if (!conn.destroyed) conn.write(`${JSON.stringify(r)}\n`);
            });
        }
      }
      if (buf.length > ADMIN_MAX_LINE) {
        conn.end(`${JSON.stringify({ ok: false, error: `request longer than ${ADMIN_MAX_LINE} bytes` })}\n`);
        buf = '';
      }
    });
  };
  await clearStaleSocket(options.socket, 'node daemon');
  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.gid !== undefined) {
    chownSync(options.socket, process.getuid?.() ?? 0, options.gid);
    chmodSync(options.socket, 0o660);
  } else chmodSync(options.socket, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const w of watchers) w.destroy();
        server.close(() => resolve());
        server.unref();
      }),
  };
}
