/**
 * The executor's public contract (mirrors pacemaker-execd, contract §2.4, §3, §5).
 * Other parts of ocfkit (controller, conformance suite) depend only on these types.
 */

/** How the execution went, independent of the agent's rc (Pacemaker's `pcmk_exec_status`). */
export type ExecStatus = 'done' | 'timeout' | 'cancelled' | 'not-installed' | 'error';

/** A resource as the executor knows it: `ocf:<provider>:<type>` plus instance parameters. */
export interface ResourceSpec {
  id: string;
  /**
   * The resource class: `ocf` (default) runs an OCF agent; `stonith` is a fence device, run by the
   * fencing helper (until one is attached, its ops fail with "not installed").
   */
  class?: 'ocf' | 'stonith';
  provider: string;
  type: string;
  /** Instance attributes, passed as `OCF_RESKEY_<name>` (only the configured ones). */
  params?: Record<string, string>;
  /** Absolute path of the agent executable, bypassing the search path (conformance runs any file). */
  path?: string;
}

/** One operation request. Durations in ms. */
export interface OpRequest {
  rsc: string;
  action: string;
  /** > 0 makes it recurring (only monitor-like actions; start/stop never recur). */
  intervalMs?: number;
  /** `CRM_meta_timeout`; default 20000. */
  timeoutMs?: number;
  startDelayMs?: number;
  /** Extra `CRM_meta_*` values by short name (`on_node`, `clone`, `notify_type`, ...). */
  meta?: Record<string, string>;
  /** `OCF_CHECK_LEVEL` (set without the OCF_RESKEY_ prefix, as execd does). */
  checkLevel?: number;
  /** Environment overrides for this op only (tests, profiles). `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Run the agent as this user (uid/gid of that account) instead of the executor's own. */
  user?: string;
  /** Opaque to the executor, carried to every result of this request (the controller's transition key). */
  tag?: string;
}

/** A finished operation: one flat record. */
export interface OpResult {
  rsc: string;
  /** The request's {@link OpRequest.tag}, when it had one. */
  tag?: string;
  action: string;
  intervalMs: number;
  callId: number;
  /** The agent's exit code after execd's mapping (outside 0-9/190/191 → 1). */
  rc: number;
  execStatus: ExecStatus;
  exitReason?: string;
  /** The signal that ended the agent, if any (e.g. SIGKILL at a timeout). */
  signal?: string;
  /** From fork to exit. */
  durationMs: number;
  /** From request to fork. */
  queueMs: number;
  stdout: string;
  stderr: string;
  /** Output beyond the capture limit was dropped (the text ends with a marker). */
  truncated: boolean;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** The environment the agent was given (OCF_* and HA_* variables only), for parity checks. */
  env?: Record<string, string>;
}
