import type { TimerHandle } from './clock';
import type { RunningOp } from './run-op';
import type { OpRequest, OpResult } from './types';

/** A recurring op the executor keeps re-arming until it is cancelled. */
export interface Recurring {
  key: string;
  req: OpRequest;
  /** Waiting for the next run (fixed delay after the previous one ended). */
  timer?: TimerHandle;
  /** The run that is queued or in flight. */
  op?: QueuedOp;
  /** `rc/execStatus` of the last reported result: recurring results are reported on change only. */
  lastReported?: string;
  cancelled: boolean;
  /** Resolved once the cancellation has been reported. */
  onCancelled: Array<() => void>;
}

/** An op waiting in (or just taken from) a resource's FIFO queue. */
export interface QueuedOp {
  req: OpRequest;
  /** When it became eligible to run (after any start delay); `queueMs` counts from here. */
  readyAt: number;
  delayTimer?: TimerHandle;
  cancelled: boolean;
  running?: RunningOp;
  recurring?: Recurring;
  /** Receives the result exactly once. */
  finish(result: OpResult): void;
}

export { opKey } from '../pcmk/op-key';

/**
 * The result reported for an op cancelled before it ran: rc 0, execution status cancelled.
 *
 * @example
 * emit(cancelledResult(op.req, 12, clock.now()));
 */
export function cancelledResult(req: OpRequest, callId: number, now: number): OpResult {
  return {
    rsc: req.rsc,
    ...(req.tag !== undefined ? { tag: req.tag } : {}),
    action: req.action,
    intervalMs: req.intervalMs ?? 0,
    callId,
    rc: 0,
    execStatus: 'cancelled',
    durationMs: 0,
    queueMs: 0,
    stdout: '',
    stderr: '',
    truncated: false,
    startedAt: now,
    finishedAt: now,
  };
}
