/**
 * The node daemon's admin protocol: one JSON object per line over the Unix socket
 * `<run-dir>/admin.sock`, one answer per line (`{"ok":true,...}` or `{"ok":false,"error":"..."}`).
 * Only the socket's owner (and its group, with `--group`) can connect: the socket's permissions
 * are the authentication, as for Pacemaker's local IPC.
 *
 * ```
 * {"op":"ping"}                                          → {"ok":true,"node":"n1","version":"0.5.2",...}
 * {"op":"query","scope":"resources"}                     → {"ok":true,"xml":"<resources>...","version":"0.5.2"}
 * {"op":"replace","xml":"<cib ...>","scope":"resources"} → {"ok":true,"version":"0.6.0","changed":true}
 * {"op":"patch","xml":"<diff format=\"2\">..."}          → {"ok":true,"version":"0.6.0","changed":true}
 * {"op":"resource","action":"move","rsc":"ip","node":"n2"} → {"ok":true,"messages":[...],"version":"0.7.0"}
 * {"op":"node","action":"standby","node":"n1"}           → {"ok":true,"messages":[...]}
 * {"op":"watch"}                                         → {"ok":true,...} then one {"event":"change",...} per change
 * {"op":"fence-history"}                                 → {"ok":true,"history":[{"target":"n2","action":"reboot","state":"success",...}]}
 * ```
 */

/** Requests longer than this (bytes) are refused: a CIB of 16 MiB is far beyond any real one. */
export const ADMIN_MAX_LINE = 16 << 20;

/** The admin socket inside the run directory. */
export const ADMIN_SOCKET = 'admin.sock';
/** The attrd socket inside the run directory. */
export const ATTRD_SOCKET = 'attrd.sock';
/** The environment variable naming the run directory for the CLI. */
export const RUN_DIR_ENV = 'OCFKIT_RUN_DIR';
export const DEFAULT_RUN_DIR = '/run/ocfkit';
export const DEFAULT_STATE_DIR = '/var/lib/ocfkit';
export const DEFAULT_CONFIG_DIR = '/etc/ocfkit';

import type { HistoryEntry } from '../fencing/fencer.js';

export type ResourceAction = 'move' | 'ban' | 'clear' | 'start' | 'stop' | 'cleanup' | 'get-target-role' | 'set-target-role';

export type AdminRequest =
  | { op: 'ping' }
  | { op: 'query'; scope?: string }
  | { op: 'replace'; xml: string; scope?: string; origin?: string }
  | { op: 'patch'; xml: string; origin?: string }
  | { op: 'resource'; action: ResourceAction; rsc: string; node?: string; force?: boolean; role?: string | null }
  | { op: 'node'; action: 'standby' | 'online'; node?: string }
  | { op: 'watch' }
  | { op: 'fence-history' };

export interface AdminResponse {
  ok: boolean;
  error?: string;
  node?: string;
  pid?: number;
  controller?: string;
  version?: string;
  xml?: string;
  changed?: boolean;
  messages?: string[];
  role?: string | null;
  /** `fence-history`: this node's fencing operations, oldest first. */
  history?: HistoryEntry[];
}

/** A change notification on a watch connection. */
export interface AdminEvent {
  event: 'change';
  version: string;
  configChanged: boolean;
  origin: string;
}

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || str(v);

/**
 * Parses and checks one request line; throws naming the bad field.
 *
 * @example
 * parseAdminRequest('{"op":"query"}') // { op: 'query' }
 */
export function parseAdminRequest(line: string): AdminRequest {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error('request is not JSON');
  }
  if (typeof r !== 'object' || r === null) throw new Error('request is not a JSON object');
  switch (r.op) {
    case 'ping':
    case 'watch':
    case 'fence-history':
      return { op: r.op };
    case 'query':
      if (!optStr(r.scope)) throw new Error('query: "scope" must be a string');
      return r as AdminRequest;
    case 'replace':
    case 'patch':
      if (!str(r.xml)) throw new Error(`${r.op}: "xml" must be a string`);
      if (!optStr(r.scope) || !optStr(r.origin)) throw new Error(`${r.op}: "scope" and "origin" must be strings`);
      return r as AdminRequest;
    case 'resource': {
      const actions = ['move', 'ban', 'clear', 'start', 'stop', 'cleanup', 'get-target-role', 'set-target-role'];
      if (!actions.includes(r.action as string)) throw new Error(`resource: unknown action ${JSON.stringify(r.action)}`);
      if (!str(r.rsc) || r.rsc === '') throw new Error('resource: "rsc" must be a resource id');
      if (!optStr(r.node)) throw new Error('resource: "node" must be a string');
      return r as AdminRequest;
    }
    case 'node':
      if (r.action !== 'standby' && r.action !== 'online') throw new Error(`node: unknown action ${JSON.stringify(r.action)}`);
      if (!optStr(r.node)) throw new Error('node: "node" must be a string');
      return r as AdminRequest;
    default:
      throw new Error(`unknown op ${JSON.stringify(r.op)}`);
  }
}

/**
 * The longest path a Unix socket can have (sun_path is 108 bytes with the terminating NUL).
 * Longer paths are refused instead of being silently truncated by the kernel.
 */
export const MAX_SOCKET_PATH = 107;

/** Throws naming the path when a socket path does not fit in sun_path. */
export function checkSocketPath(path: string): void {
  const n = Buffer.byteLength(path);
  if (n > MAX_SOCKET_PATH)
    throw new Error(`socket path ${path} is ${n} bytes, longer than the ${MAX_SOCKET_PATH} a Unix socket allows: use a shorter --run-dir`);
}
