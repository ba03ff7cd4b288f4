/** Talking to a node daemon's admin socket (see admin-protocol.ts). */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ADMIN_SOCKET, type AdminEvent, type AdminRequest, type AdminResponse, DEFAULT_RUN_DIR, RUN_DIR_ENV } from './admin-protocol.js';

/** The run directory the CLI uses: `--run-dir`, else `$OCFKIT_RUN_DIR`, else /run/ocfkit. */
export function runDirOf(option: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return option ?? env[RUN_DIR_ENV] ?? DEFAULT_RUN_DIR;
}

function explain(err: NodeJS.ErrnoException, socket: string): Error {
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')
    return new Error(
      `no node daemon is running at ${socket} (start one with \`ocfkit node start\`, or point --run-dir/${RUN_DIR_ENV} at its run directory)`,
    );
  if (err.code === 'EACCES') return new Error(`permission denied on ${socket}: run as the daemon's user (or a member of its --group)`);
  return new Error(`${socket}: ${err.message}`);
}

/**
 * Sends one request and resolves with the answer; rejects with the daemon's error message when
 * the answer is not ok.
 *
 * @example
 * const { xml } = await adminCall('/run/ocfkit', { op: 'query' });
 */
export function adminCall(runDir: string, req: AdminRequest): Promise<AdminResponse> {
  const socket = join(runDir, ADMIN_SOCKET);
  return new Promise((resolve, reject) => {
    const c = createConnection(socket);
    let buf = '';
    c.setEncoding('utf8');
    c.on('connect', () => c.write(`${JSON.stringify(req)}\n`));
    c.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      c.destroy();
      let res: AdminResponse;
      try {
        res = JSON.parse(buf.slice(0, nl)) as AdminResponse;
      } catch {
        reject(new Error(`the daemon at ${socket} answered something that is not JSON`));
        return;
      }
      if (res.ok) resolve(res);
      else reject(new Error(res.error ?? 'the daemon refused the request'));
    });
    c.on('error', (err) => reject(explain(err, socket)));
    c.on('close', () => reject(new Error(`the daemon at ${socket} closed the connection without answering`)));
  });
}

/**
 * Subscribes to CIB changes: `onChange` runs for each; resolves with a function that ends the
 * subscription. `onClose` runs when the daemon goes away.
 */
export function adminWatch(runDir: string, onChange: (e: AdminEvent) => void, onClose: () => void): Promise<() => void> {
  const socket = join(runDir, ADMIN_SOCKET);
  return new Promise((resolve, reject) => {
    const c = createConnection(socket);
    let buf = '';
    let started = false;
    c.setEncoding('utf8');
    c.on('connect', () => c.write(`${JSON.stringify({ op: 'watch' })}\n`));
    c.on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line) as AdminResponse & Partial<AdminEvent>;
        if (!started) {
          started = true;
          if (!msg.ok) {
            c.destroy();
            reject(new Error(msg.error ?? 'watch refused'));
            return;
          }
          resolve(() => c.destroy());
        } else if (msg.event === 'change') onChange(msg as AdminEvent);
      }
    });
    c.on('error', (err) => {
      if (!started) reject(explain(err, socket));
    });
    c.on('close', () => {
      if (started) onClose();
    });
  });
}
