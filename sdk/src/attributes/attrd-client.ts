import { createConnection } from 'node:net';
import { ATTRD_MAX_LINE, type AttrdRequest, type AttrdResponse } from './protocol';

export interface AttrdCallOptions {
  /** Give up after this many ms (default 10000). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Sends one request to the bundled attrd at `socket` and returns its response; rejects with an
 * Error that names the socket when it cannot be reached, times out, or answers with an error.
 *
 * @example
 * const r = await attrdCall('/run/ocfkit/attrd.sock', { op: 'query', name: 'diskcheck_status' });
 */
export function attrdCall(socket: string, request: AttrdRequest, options: AttrdCallOptions = {}): Promise<AttrdResponse & { ok: true }> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let buf = '';
    let settled = false;
    const done = (err: Error | undefined, res?: AttrdResponse & { ok: true }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      conn.destroy();
      if (err) reject(err);
      else resolve(res as AttrdResponse & { ok: true });
    };
    const onAbort = () => done(new Error(`attrd at ${socket}: aborted (${String(options.signal?.reason)})`));
    const timeoutMs = options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => done(new Error(`attrd at ${socket}: no answer within ${timeoutMs} ms`)), timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > ATTRD_MAX_LINE * 64) return done(new Error(`attrd at ${socket}: response too long`));
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let res: AttrdResponse;
      try {
        res = JSON.parse(buf.slice(0, nl)) as AttrdResponse;
      } catch {
        return done(new Error(`attrd at ${socket}: unreadable response ${JSON.stringify(buf.slice(0, 80))}`));
      }
      if (!res.ok) return done(new Error(`attrd at ${socket}: ${res.error}`));
      done(undefined, res);
    });
    conn.on('error', (err) => done(new Error(`attrd at ${socket}: ${err.message}`)));
    conn.on('close', () => done(new Error(`attrd at ${socket}: connection closed without an answer`)));
  });
}
