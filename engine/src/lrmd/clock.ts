/**
 * The executor's time: when ops were requested, started and finished, their timeouts, start
 * delays and recurring intervals all come from one clock, so a test or a simulator can drive
 * them (a virtual clock) and the daemon uses the real one.
 */

/** An opaque timer handle of a {@link ExecutorClock}. */
export type TimerHandle = unknown;

export interface ExecutorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer (an undefined or fired handle is ignored). */
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and Node's timers. */
export const systemClock: ExecutorClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
