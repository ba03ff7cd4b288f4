import { describe, expect, it } from 'vitest';
import { stopPlan } from './stop-plan';

describe('stopPlan', () => {
  it('keeps stop_escalate when the timeout leaves room for the immediate shutdown', () => {
    expect(stopPlan({ stopEscalateS: 90, timeoutMs: 120_000, remainingMs: 118_000 })).toEqual({ fastMs: 90_000, killAtRemainingMs: 1500 });
    expect(stopPlan({ stopEscalateS: 5, timeoutMs: 20_000, remainingMs: 18_000 })).toEqual({ fastMs: 5000, killAtRemainingMs: 1500 });
  });

  it('caps stop_escalate at timeout - 10 s like heartbeat, then to what is left', () => {
    expect(stopPlan({ stopEscalateS: 90, timeoutMs: 90_000, remainingMs: 88_000 })).toEqual({ fastMs: 78_000, killAtRemainingMs: 1500 });
    // 20 s timeout: heartbeat's cap is 10 s; 18 s remain, of which 9 s stay for immediate.
    expect(stopPlan({ stopEscalateS: 90, timeoutMs: 20_000, remainingMs: 18_000 })).toEqual({ fastMs: 9000, killAtRemainingMs: 1500 });
  });

  it('goes straight to immediate when the timeout is too short or stop_escalate is 0', () => {
    expect(stopPlan({ stopEscalateS: 90, timeoutMs: 8000, remainingMs: 7200 })).toEqual({ fastMs: 0, killAtRemainingMs: 900 });
    expect(stopPlan({ stopEscalateS: 0, timeoutMs: 60_000, remainingMs: 58_000 })).toEqual({ fastMs: 0, killAtRemainingMs: 1500 });
    expect(stopPlan({ stopEscalateS: 3, timeoutMs: 1000, remainingMs: 800 })).toEqual({ fastMs: 0, killAtRemainingMs: 300 });
  });
});
