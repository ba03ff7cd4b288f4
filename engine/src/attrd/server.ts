import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import {
  ATTRD_LIST_PAGE_BYTES,
  ATTRD_MAX_LINE,
  type AttrdRequest,
  type AttrdResponse,
  type AttributeRecord,
  parseAttrdRequest,
} from '@ocfkit/sdk';
import { loadAttributes, privateDir, removeStaleTemps, saveAttributes } from './persist';
import { AttributeStore, type CommitEvent } from './store';

export interface AttrdOptions {
  /** Unix socket path (socket 0600); a missing directory is created 0700, an existing one left alone. */
  socket: string;
  /** Where attributes persist (0600); none when absent (memory only). */
  stateFile?: string;
  /** This node's name (default `os.hostname()`): the node of requests that name none. */
  node?: string;
  /** Clock in epoch ms (tests may pass their own). */
  now?: () => number;
}

/** A running attrd: the engine reads committed values and subscribes to their changes here. */
export interface Attrd {
  readonly socket: string;
  readonly node: string;
  /** One attribute (latest value, committed value, dampening). */
  get(name: string, node?: string): AttributeRecord | undefined;
  list(node?: string): AttributeRecord[];
  /** The committed attributes of a node, as placement rules see them. */
  committed(node?: string): Record<string, string>;
  /** Applies an update in-process (what a socket request does). */
  update(name: string, value: string | null, options?: { node?: string; dampenMs?: number }): AttributeRecord;
  /** Calls `listener` for every change of a committed value; returns the unsubscribe function. */
  onCommit(listener: (event: CommitEvent) => void): () => void;
  close(): Promise<void>;
}

/** Removes a socket left by a dead server; refuses when a live `what` answers on it. */
export async function clearStaleSocket(path: string, what: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!statSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
  if (alive) throw new Error(`another ${what} is already listening on ${path}`);
  rmSync(path, { force: true });
}

/**
 * Starts the bundled attrd: an {@link AttributeStore} with dampening timers, persisted after
 * every change, served on a local socket (one JSON request per line, see the SDK's protocol).
 *
 * @example
 * const attrd = await startAttrd({ socket: '/run/ocfkit/attrd.sock', stateFile: '/run/ocfkit/attrd.json' });
 * attrd.onCommit((e) => console.log(`${e.node}: ${e.name}=${e.committed}`));
 */
export async function startAttrd(options: AttrdOptions): Promise<Attrd> {
  // sun_path holds 108 bytes with its NUL: a longer path would bind a truncated name.
  if (Buffer.byteLength(options.socket) > 107) {
    throw new Error(
      `socket path ${options.socket} is ${Buffer.byteLength(options.socket)} bytes; at most 107 fit in a Unix socket address`,
    );
  }
  if (options.stateFile) removeStaleTemps(options.stateFile);
  const now = options.now ?? Date.now;
  const localNode = options.node ?? hostname();
  const store = AttributeStore.from(options.stateFile ? loadAttributes(options.stateFile) : []);
  const listeners = new Set<(e: CommitEvent) => void>();
  let timer: NodeJS.Timeout | undefined;

  const persist = () => {
    if (options.stateFile) saveAttributes(options.stateFile, store.list());
  };
  const emit = (events: readonly CommitEvent[]) => {
    for (const e of events) for (const l of listeners) l(e);
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const next = store.nextDue();
    if (next === undefined) return;
    timer = setTimeout(tick, Math.min(2_000_000_000, Math.max(0, next - now())));
    timer.unref();
  };
  function tick() {
    const events = store.due(now());
    persist();
    emit(events);
    schedule();
  }
  const update = (name: string, value: string | null, o: { node?: string; dampenMs?: number } = {}) => {
    const r = store.update({
      node: o.node ?? localNode,
      name,
      value,
      ...(o.dampenMs !== undefined ? { dampenMs: o.dampenMs } : {}),
      now: now(),
    });
    // Agents repeat the same value every check: only a change is written (and fsynced).
    if (!r.changed) return r.record;
    persist();
    if (r.commit) emit([r.commit]);
    schedule();
    return r.record;
  };
  const handle = (req: AttrdRequest): AttrdResponse => {
    switch (req.op) {
      case 'update':
        return { ok: true, attribute: update(req.name, req.value, req) };
      case 'query':
        return { ok: true, attribute: store.get(req.node ?? localNode, req.name) ?? null };
      case 'list': {
        // Paged: one response line stays far below what a client reads, whatever the values.
        const all = store.list(req.node);
        const attributes: AttributeRecord[] = [];
        let bytes = 0;
        let i = req.offset ?? 0;
        for (; i < all.length && (attributes.length === 0 || bytes < ATTRD_LIST_PAGE_BYTES); i++) {
          const r = all[i] as AttributeRecord;
          bytes += JSON.stringify(r).length;
          attributes.push(r);
        }
        return { ok: true, attributes, ...(i < all.length ? { next: i } : {}) };
      }
    }
  };
  const serve = (conn: Socket) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let res: AttrdResponse;
        try {
          res = handle(parseAttrdRequest(line));
        } catch (err) {
          res = { ok: false, error: (err as Error).message };
        }
        conn.write(`${JSON.stringify(res)}\n`);
      }
      if (buf.length > ATTRD_MAX_LINE) {
        conn.end(`${JSON.stringify({ ok: false, error: `request longer than ${ATTRD_MAX_LINE} bytes` })}\n`);
        buf = '';
      }
    });
  };

  // Values whose dampening ran out while no attrd was running take effect now.
  tick();
  privateDir(dirname(options.socket));
  await clearStaleSocket(options.socket, 'attrd');
  const server: Server = createServer(serve);
  // The socket may sit in a shared directory: it is created owner-only, not loosened then fixed.
  const umask = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socket, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(options.socket, 0o600);

  return {
    socket: options.socket,
    node: localNode,
    get: (name, node) => store.get(node ?? localNode, name),
    list: (node) => store.list(node),
    committed: (node) => store.committed(node ?? localNode),
    update,
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearTimeout(timer);
        listeners.clear();
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; requests are one line each.
        server.unref();
      }),
  };
}
