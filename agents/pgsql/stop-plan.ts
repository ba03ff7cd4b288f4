/** How a stop spends its time: fast shutdown, then immediate, then SIGKILL just before the deadline. */
interface StopPlan {
  /** How long to wait for a fast shutdown before asking for an immediate one (0: go straight to immediate). */
  fastMs: number;
  /** When only this much time is left, the remaining server processes are SIGKILLed. */
  killAtRemainingMs: number;
}

/**
 * Splits the time a stop has left. `stop_escalate` is capped the way ocf:heartbeat:pgsql caps it
 * (at `timeout - 10 s` when it is not shorter than the timeout), and further so that the
 * immediate shutdown keeps min(10 s, half the remaining time). The last
 * `killAtRemainingMs` are kept for SIGKILL, so the stop still ends before Pacemaker's deadline.
 *
 * @example
 * stopPlan({ stopEscalateS: 90, timeoutMs: 120_000, remainingMs: 118_000 }) // { fastMs: 90000, killAtRemainingMs: 1500 }
 */
export function stopPlan(o: { stopEscalateS: number; timeoutMs: number; remainingMs: number }): StopPlan {
  const timeoutS = Math.floor(o.timeoutMs / 1000);
  const escalateS = o.stopEscalateS >= timeoutS ? timeoutS - 10 : o.stopEscalateS;
  const reserve = Math.min(10_000, o.remainingMs / 2);
  const fastMs = Math.max(0, Math.min(escalateS * 1000, o.remainingMs - reserve));
  const killAtRemainingMs = Math.round(Math.min(1500, Math.max(300, reserve / 4)));
  return { fastMs: Math.round(fastMs), killAtRemainingMs };
}
