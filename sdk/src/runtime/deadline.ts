/**
 * The longest delay Node's timers honour (2^31 - 1 ms, about 24.8 days); a longer one fires after
 * 1 ms. Every timer derived from an operator's timeout is clamped to it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The margin kept before Pacemaker's SIGKILL so the agent can still report why it ran out of
 * time: 10 % of the timeout, at least 200 ms and at most 2 s.
 */
export function deadlineMargin(timeoutMs: number): number {
  return Math.min(2000, Math.max(200, Math.round(timeoutMs * 0.1)));
}

/** An abortable sleep that rejects with the signal's reason. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(MAX_TIMER_MS, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Poll delays for "wait until status() says X": fast at first, then once a second. */
export function* pollDelays(): Generator<number> {
  for (const d of [50, 100, 200, 400, 800]) yield d;
  for (;;) yield 1000;
}
