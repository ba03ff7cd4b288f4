import type { OpRecord } from '../runner/agent-runner';
import { type CheckContext, describeResult, judge, skipAll, step } from './context';
import { HOST_CODES } from './validate-checks';

const AFTER_START = ['lifecycle.monitor-running', 'lifecycle.start-idempotent', 'lifecycle.stop'];

/** Probe codes Pacemaker masks as "not running here" (contract §1.4), with its ban from this node. */
const MASKED = new Set([5, 2]);

/**
 * The lifecycle from stopped (contract §1.3, appendix 3-4): probe 7, recurring monitor 7, start 0,
 * monitor 0, probe 0, start again 0, stop 0, monitor 7, stop again 0. A failed start is followed
 * by the stop Pacemaker runs next, which must succeed. Records the start's duration for the
 * SIGKILL check.
 *
 * @example
 * await lifecycleChecks(ctx);
 */
export async function lifecycleChecks(ctx: CheckContext): Promise<void> {
  const every = ctx.monitorIntervalMs;
  const probeLabel = 'probe of a stopped resource';
  const probe = await ctx.runner.run('monitor', { label: probeLabel });
  // 5 and 2 are masked by Pacemaker (not running here, banned from this node): right where the
  // resource cannot start here, wrong if it then starts.
  const masked = probe.result.execStatus === 'done' && MASKED.has(probe.result.rc);
  if (!masked) judge(ctx, 'lifecycle.probe-stopped', probe, [7], probeLabel);
  const judgeMasked = (started: boolean) => {
    if (!masked) return;
    ctx.findings.check(
      'lifecycle.probe-stopped',
      !started,
      started
        ? `${probeLabel} ${describeResult(probe)}, yet start then succeeded: Pacemaker would have banned it from this node`
        : `${probeLabel} ${describeResult(probe)}: masked by Pacemaker as not running here (the resource cannot start here)`,
    );
  };
  if (ctx.rejected) {
    judgeMasked(false);
    skipAll(ctx, ['lifecycle.monitor-stopped', 'lifecycle.start', ...AFTER_START, 'lifecycle.stop-idempotent'], ctx.rejected);
    return;
  }
  const monLabel = 'recurring monitor of a stopped resource';
  const mon = await ctx.runner.run('monitor', { label: monLabel, intervalMs: every });
  // 5/4/2 from a monitor say "this host lacks what it needs": right if the start then fails the
  // same way, wrong if it starts
  const monHost = mon.result.execStatus === 'done' && HOST_CODES.has(mon.result.rc);
  if (!monHost) judge(ctx, 'lifecycle.monitor-stopped', mon, [7], monLabel);
  const startRec = await ctx.runner.run('start', { label: 'start from stopped' });
  const { rc, execStatus } = startRec.result;
  if (execStatus === 'done' && HOST_CODES.has(rc)) {
    // like validate-all's 5: this host lacks what the agent needs; Pacemaker starts it elsewhere
    const why = `start says this host cannot run it (${describeResult(startRec)}); Pacemaker would start it elsewhere`;
    ctx.findings.skip('lifecycle.start', why);
    ctx.rejected = why;
  }
  const started = ctx.rejected ? false : judge(ctx, 'lifecycle.start', startRec, [0], 'start from stopped');
  judgeMasked(started);
  if (monHost && started) judge(ctx, 'lifecycle.monitor-stopped', mon, [7], `${monLabel} (the resource then started)`);
  else if (monHost)
    ctx.findings.skip('lifecycle.monitor-stopped', `${monLabel} ${describeResult(mon)}, and the resource cannot start here: cannot tell`);
  if (!started) {
    skipAll(ctx, AFTER_START, ctx.rejected ?? 'start from stopped failed');
    // what Pacemaker does next after a failed start: stop it, and a failed stop means fencing
    await stopAfterFailedStart(ctx, startRec);
    return;
  }
  ctx.startMs = startRec.result.durationMs;
  await step(ctx, 'lifecycle.monitor-running', 'monitor', [0], { label: 'recurring monitor after start', intervalMs: every });
  await step(ctx, 'lifecycle.monitor-running', 'monitor', [0], { label: 'probe after start' });
  await step(ctx, 'lifecycle.start-idempotent', 'start', [0], { label: 'start of a running resource' });
  await step(ctx, 'lifecycle.start-idempotent', 'monitor', [0], { label: 'monitor after a second start', intervalMs: every });
  const stop = await step(ctx, 'lifecycle.stop', 'stop', [0], { label: 'stop of a running resource' });
  await step(ctx, 'lifecycle.stop', 'monitor', [7], { label: 'monitor after stop', intervalMs: every });
  if (stop.ok) await noneLeft(ctx, 'after stop');
  await step(ctx, 'lifecycle.stop-idempotent', 'stop', [0], { label: 'stop of a stopped resource' });
  await step(ctx, 'lifecycle.stop-idempotent', 'monitor', [7], { label: 'monitor after a second stop', intervalMs: every });
}

/** The stop Pacemaker runs after a failed start: 0, and nothing of the instance left running. */
async function stopAfterFailedStart(ctx: CheckContext, start: OpRecord): Promise<void> {
  const how = start.result.execStatus === 'done' ? `rc ${start.result.rc}` : start.result.execStatus;
  const stop = await step(ctx, 'lifecycle.stop-idempotent', 'stop', [0], {
    label: `stop after a failed start (${how}), as Pacemaker runs next`,
  });
  if (stop.ok) await noneLeft(ctx, 'after the stop that followed a failed start');
}

/** process.no-orphans: nothing of the first instance runs (after a grace), else it is killed. */
async function noneLeft(ctx: CheckContext, when: string): Promise<void> {
  const left = await ctx.runner.remainingOf(ctx.runner.instances[0] as string);
  ctx.findings.check(
    'process.no-orphans',
    left.length === 0,
    left.length === 0
      ? `nothing of the instance runs ${when}`
      : `${when}, still running: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`,
  );
}

/**
 * A probe with the agent's binaries hidden (PATH without them, `OCF_TESTER_FAIL_HAVE_BINARY=1`)
 * must say 7, or 5/2, which Pacemaker masks as not running (5 is what ocf-tester accepts) —
 * never 1 (a failure to recover), 6 (banned from every node) or 0 (found active) (contract §1.4).
 *
 * @example
 * await hiddenBinariesCheck(ctx);
 */
export async function hiddenBinariesCheck(ctx: CheckContext): Promise<void> {
  await step(
    ctx,
    'probe.binaries-hidden',
    'monitor',
    [7, 5],
    {
      label: `probe with binaries hidden (PATH=${ctx.sandboxPath}, OCF_TESTER_FAIL_HAVE_BINARY=1)`,
      env: { PATH: ctx.sandboxPath, OCF_TESTER_FAIL_HAVE_BINARY: '1' },
    },
    { 2: 'masked by Pacemaker as not running here like 5, but ocf-tester accepts only 7 or 5' },
  );
}
