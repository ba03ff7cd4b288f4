import type { Exec } from './exec/types';
import type { Logger } from './log/logger';
import type { ParamSpecs, ParamValues } from './params/types';

/** Notify details of a clone notification (`OCF_RESKEY_CRM_meta_notify_*`), lists split on spaces. */
export interface NotifyInfo {
  type: 'pre' | 'post' | string;
  operation: string;
  /** Every `notify_<list>_resource` / `notify_<list>_uname` list, e.g. `start_resource`, `active_uname`. */
  lists: Readonly<Record<string, readonly string[]>>;
}

/** Operation and resource meta values Pacemaker passes as `OCF_RESKEY_CRM_meta_*`. */
export interface OpMeta {
  /** `CRM_meta_timeout` in ms (20000 when absent, Pacemaker's default). */
  timeoutMs: number;
  /** `CRM_meta_interval` in ms; 0 when absent. */
  intervalMs: number;
  /** A monitor with no (or zero) interval. */
  probe: boolean;
  onNode?: string;
  role?: string;
  clone?: number;
  cloneMax?: number;
  globallyUnique?: boolean;
  notify?: NotifyInfo;
  migrateSource?: string;
  migrateTarget?: string;
  /** Every `CRM_meta_*` value by its short name (`timeout`, `on_node`, ...). */
  raw: Readonly<Record<string, string>>;
}

/** Everything an action handler gets. Built once per invocation; never mutated. */
export interface AgentContext<P extends ParamSpecs = ParamSpecs> {
  readonly action: string;
  /** Parsed, validated parameters with defaults applied. */
  readonly params: ParamValues<P>;
  /** `OCF_RESOURCE_INSTANCE` (the resource id; `id:N` for unique clones). */
  readonly instance: string;
  /** `OCF_RESOURCE_TYPE` (or the agent's name). */
  readonly type: string;
  readonly provider: string | undefined;
  readonly meta: OpMeta;
  /** `OCF_CHECK_LEVEL` (falls back to `OCF_RESKEY_OCF_CHECK_LEVEL`, then 0). */
  readonly checkLevel: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Epoch ms by which the action must have finished (a margin before Pacemaker's SIGKILL). */
  readonly deadline: number;
  /** Aborts at {@link deadline}; pass it to anything that waits. */
  readonly signal: AbortSignal;
  /** Milliseconds left until {@link deadline} (never negative). */
  remainingMs(): number;
  /** Resolves after `ms`, or rejects when the deadline passes first. */
  sleep(ms: number): Promise<void>;
  readonly log: Logger;
  /** Runs a command argv-safely, in the agent's process group, killed at the deadline. */
  readonly exec: Exec;
  /** `which`-like lookup on PATH; always false under ocf-tester's `OCF_TESTER_FAIL_HAVE_BINARY=1`. */
  haveBinary(name: string): boolean;
  /** Throws `OCF_ERR_INSTALLED` naming the command when {@link haveBinary} is false. */
  requireBinary(name: string): void;
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined;
  return Number.parseInt(text, 10);
}

const META_PREFIX = 'OCF_RESKEY_CRM_meta_';

/**
 * Reads Pacemaker's `CRM_meta_*` values for one invocation.
 *
 * @example
 * readMeta('monitor', { OCF_RESKEY_CRM_meta_timeout: '30000' }).probe // true
 */
export function readMeta(action: string, env: Readonly<Record<string, string | undefined>>): OpMeta {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(META_PREFIX) && v !== undefined) raw[k.slice(META_PREFIX.length)] = v;
  }
  const intervalMs = int(raw.interval) ?? 0;
  const meta: OpMeta = {
    timeoutMs: int(raw.timeout) ?? 20_000,
    intervalMs,
    probe: action === 'monitor' && intervalMs === 0,
    raw,
  };
  if (raw.on_node) meta.onNode = raw.on_node;
  if (raw.role) meta.role = raw.role;
  const clone = int(raw.clone);
  if (clone !== undefined) meta.clone = clone;
  const cloneMax = int(raw.clone_max);
  if (cloneMax !== undefined) meta.cloneMax = cloneMax;
  if (raw.globally_unique) meta.globallyUnique = raw.globally_unique === 'true';
  if (raw.migrate_source) meta.migrateSource = raw.migrate_source;
  if (raw.migrate_target) meta.migrateTarget = raw.migrate_target;
  if (raw.notify_type) {
    const lists: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(raw)) {
      const m = /^notify_(\w+_(?:resource|uname|hosts))$/.exec(k);
      if (m?.[1]) lists[m[1]] = v.split(' ').filter(Boolean);
    }
    meta.notify = { type: raw.notify_type, operation: raw.notify_operation ?? '', lists };
  }
  return meta;
}

/** `OCF_CHECK_LEVEL`, else `OCF_RESKEY_OCF_CHECK_LEVEL`, else 0. */
export function readCheckLevel(env: Readonly<Record<string, string | undefined>>): number {
  return int(env.OCF_CHECK_LEVEL) ?? int(env.OCF_RESKEY_OCF_CHECK_LEVEL) ?? 0;
}
