import { checkAttribute, checkDampen } from './names';

/**
 * The bundled attrd's wire protocol: one JSON object per line over a local (Unix) socket, one
 * response line per request. Shared by the SDK client and the engine's server.
 */
export type AttrdRequest =
  /** Set (`value` a string) or remove (`value` null) an attribute; `dampenMs` also sets its dampening. */
  | { op: 'update'; name: string; value: string | null; node?: string; dampenMs?: number }
  | { op: 'query'; name: string; node?: string }
  /** One page of the attributes from `offset` (default 0); the response's `next` is the following page's offset. */
  | { op: 'list'; node?: string; offset?: number };

/** One attribute as attrd holds it. */
export interface AttributeRecord {
  node: string;
  name: string;
  /** The latest value set (what `attrd_updater -Q` shows); null once deleted. */
  value: string | null;
  /** The value the cluster acts on: `value` once it has been stable for `dampenMs`; null when none. */
  committed: string | null;
  dampenMs: number;
  /** Epoch ms at which `value` becomes `committed`; null when nothing is pending. */
  commitAt: number | null;
}

/** The bundled attrd's answer to one request: the attribute(s) asked for, or an error. */
export type AttrdResponse =
  | { ok: true; attribute?: AttributeRecord | null; attributes?: AttributeRecord[]; next?: number }
  | { ok: false; error: string };

/** A `list` response page stops once its attributes pass this many bytes of JSON (clients read up to 64 × {@link ATTRD_MAX_LINE}). */
export const ATTRD_LIST_PAGE_BYTES = 256 * 1024;

/** Longest request line the server accepts (bytes). */
export const ATTRD_MAX_LINE = 16 * 1024;

/** The environment variable that points agents at the bundled attrd's socket (set by the bundled executor). */
export const ATTRD_SOCKET_ENV = 'OCFKIT_ATTRD_SOCKET';

/** Where `ocfkit attr serve` listens by default: under /run, so values live until reboot like Pacemaker's transient attributes. */
export const DEFAULT_ATTRD_SOCKET = '/run/ocfkit/attrd.sock';

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new TypeError(`"${key}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Parses and validates one request line; throws a TypeError naming the bad field.
 *
 * @example
 * parseRequest('{"op":"query","name":"diskcheck_status"}') // { op: 'query', name: 'diskcheck_status' }
 */
export function parseRequest(line: string): AttrdRequest {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new TypeError(`request is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError('request must be a JSON object');
  const r = o as Record<string, unknown>;
  const node = optionalString(r, 'node');
  const at = node !== undefined ? { node } : {};
  switch (r.op) {
    case 'list':
      if (node !== undefined) checkAttribute({ name: 'x', node });
      if (r.offset !== undefined && (typeof r.offset !== 'number' || !Number.isSafeInteger(r.offset) || r.offset < 0))
        throw new TypeError(`"offset" must be a non-negative integer, got ${JSON.stringify(r.offset)}`);
      return { op: 'list', ...at, ...(r.offset !== undefined ? { offset: r.offset } : {}) };
    case 'query': {
      const name = optionalString(r, 'name') ?? '';
      checkAttribute({ name, node });
      return { op: 'query', name, ...at };
    }
    case 'update': {
      const name = optionalString(r, 'name') ?? '';
      const value = r.value === null ? null : optionalString(r, 'value');
      if (value === undefined) throw new TypeError('"value" must be a string or null');
      checkAttribute({ name, node, value });
      const dampenMs = r.dampenMs;
      if (dampenMs !== undefined && typeof dampenMs !== 'number')
        throw new TypeError(`"dampenMs" must be a number, got ${JSON.stringify(dampenMs)}`);
      checkDampen(dampenMs);
      return { op: 'update', name, value, ...at, ...(dampenMs !== undefined ? { dampenMs } : {}) };
    }
    default:
      throw new TypeError(`unknown op ${JSON.stringify(r.op)} (expected update, query or list)`);
  }
}
