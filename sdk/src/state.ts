/** The resource failed (monitor → 1, or 9 when it may be promoted). */
export interface FailedState {
  readonly state: 'failed';
  readonly reason: string;
  readonly promoted?: boolean;
  /** It will not recover by itself: a start (promote, migrate_from) waiting for it fails at once. */
  readonly final?: boolean;
}

/** Active but more likely to fail (OCF 1.1: monitor → 190, or 191 when promoted). */
export interface DegradedState {
  readonly state: 'degraded';
  readonly reason: string;
  readonly promoted?: boolean;
}

/**
 * What `status()` says about the live system. The SDK derives every monitor exit code and the
 * completion of start/stop/promote/demote from it.
 */
export type State = 'stopped' | 'running' | 'promoted' | FailedState | DegradedState;

/**
 * Builds a failed state. A start waits for `status()` to say running until the action's deadline,
 * so a daemon that is still coming up may report `failed` meanwhile (a database not answering
 * yet). When the failure is certain to stay — the process the start launched is gone — say
 * `final: true`: the start then ends at once with 1 and this reason instead of waiting out the
 * whole timeout.
 *
 * @example
 * return failed('postmaster pid 4711 is gone');
 * return failed(`process ${pid} exited`, { final: true });
 */
export function failed(reason: string, options: { promoted?: boolean; final?: boolean } = {}): FailedState {
  return { state: 'failed', reason, ...(options.promoted ? { promoted: true } : {}), ...(options.final ? { final: true } : {}) };
}

/**
 * Builds a degraded state (still counts as running).
 *
 * @example
 * return degraded('replica lag 30 s');
 */
export function degraded(reason: string, options: { promoted?: boolean } = {}): DegradedState {
  return { state: 'degraded', reason, ...(options.promoted ? { promoted: true } : {}) };
}

/** The state's name: `stopped`, `running`, `promoted` or `failed`; degraded counts as running/promoted. */
export function stateName(s: State): 'stopped' | 'running' | 'promoted' | 'failed' {
  if (typeof s === 'string') return s;
  if (s.state === 'failed') return 'failed';
  return s.promoted ? 'promoted' : 'running';
}

/** A short text for logs and exit reasons, e.g. `failed (pid 12 gone)`. */
export function describeState(s: State): string {
  return typeof s === 'string' ? s : `${s.state}${s.promoted ? ' promoted' : ''} (${s.reason})`;
}
