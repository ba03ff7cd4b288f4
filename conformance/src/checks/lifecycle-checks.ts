import { type CheckContext, settle, skipAll, step } from './context';

const AFTER_START = ['lifecycle.monitor-running', 'lifecycle.start-idempotent', 'lifecycle.stop', 'lifecycle.stop-idempotent'];

/**
 * The lifecycle from stopped (contract §1.3, appendix 3-4): probe 7, recurring monitor 7, start 0,
 * monitor 0, probe 0, start again 0, stop 0, monitor 7, stop again 0. Records the start's
 * duration for the SIGKILL check.
 *
 * @example
 * await lifecycleChecks(ctx);
 */
export async function lifecycleChecks(ctx: CheckContext): Promise<void> {
  const every = ctx.monitorIntervalMs;
  await step(ctx, 'lifecycle.probe-stopped', 'monitor', [7], { label: 'probe of a stopped resource' });
  if (ctx.rejected) {
    skipAll(ctx, ['lifecycle.monitor-stopped', 'lifecycle.start', ...AFTER_START], ctx.rejected);
    return;
  }
  await step(ctx, 'lifecycle.monitor-stopped', 'monitor', [7], { label: 'recurring monitor of a stopped resource', intervalMs: every });
  const start = await step(ctx, 'lifecycle.start', 'start', [0], { label: 'start from stopped' });
  if (!start.ok) {
    skipAll(ctx, AFTER_START, 'start from stopped failed');
    await settle(ctx, 'stop', { label: 'cleanup: stop after a failed start' });
    return;
  }
  ctx.startMs = start.rec.result.durationMs;
  await step(ctx, 'lifecycle.monitor-running', 'monitor', [0], { label: 'recurring monitor after start', intervalMs: every });
  await step(ctx, 'lifecycle.monitor-running', 'monitor', [0], { label: 'probe after start' });
  await step(ctx, 'lifecycle.start-idempotent', 'start', [0], { label: 'start of a running resource' });
  await step(ctx, 'lifecycle.start-idempotent', 'monitor', [0], { label: 'monitor after a second start', intervalMs: every });
  const stop = await step(ctx, 'lifecycle.stop', 'stop', [0], { label: 'stop of a running resource' });
  await step(ctx, 'lifecycle.stop', 'monitor', [7], { label: 'monitor after stop', intervalMs: every });
  if (stop.ok) {
    const left = ctx.runner.remainingOf(ctx.runner.instances[0] as string);
    ctx.findings.check(
      'process.no-orphans',
      left.length === 0,
      left.length === 0
        ? 'nothing of the instance runs after stop'
        : `after stop, still running: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`,
    );
  }
  await step(ctx, 'lifecycle.stop-idempotent', 'stop', [0], { label: 'stop of a stopped resource' });
  await step(ctx, 'lifecycle.stop-idempotent', 'monitor', [7], { label: 'monitor after a second stop', intervalMs: every });
}

/**
 * A probe with the agent's binaries hidden (PATH without them, `OCF_TESTER_FAIL_HAVE_BINARY=1`)
 * must say 7 (or 5, which ocf-tester accepts and Pacemaker masks) — never 1 or 6 (contract §1.4).
 *
 * @example
 * await hiddenBinariesCheck(ctx);
 */
export async function hiddenBinariesCheck(ctx: CheckContext): Promise<void> {
  await step(ctx, 'probe.binaries-hidden', 'monitor', [7, 5], {
    label: `probe with binaries hidden (PATH=${ctx.sandboxPath}, OCF_TESTER_FAIL_HAVE_BINARY=1)`,
    env: { PATH: ctx.sandboxPath, OCF_TESTER_FAIL_HAVE_BINARY: '1' },
  });
}
