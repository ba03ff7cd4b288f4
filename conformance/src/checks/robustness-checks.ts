import { type CheckContext, settle, startBlocker, step } from './context';

/**
 * SIGKILL during start (contract §2.4: execd kills the group at the timeout, no SIGTERM): the
 * executor kills the start halfway through the time a normal start took; then stop must return
 * 0 and monitor 7.
 *
 * @example
 * await killDuringStartCheck(ctx);
 */
export async function killDuringStartCheck(ctx: CheckContext): Promise<void> {
  const rule = 'robust.kill-during-start';
  const blocked = startBlocker(ctx);
  if (blocked || ctx.startMs === undefined) return ctx.findings.skip(rule, blocked ?? 'no successful start to measure');
  const killAfterMs = Math.max(1, Math.floor(ctx.startMs / 2));
  const start = await settle(ctx, 'start', { label: `start killed after ${killAfterMs} ms`, killAfterMs });
  const how = start.result.execStatus === 'timeout' ? `killed after ${killAfterMs} ms` : `finished before the kill (rc ${start.result.rc})`;
  await step(ctx, rule, 'stop', [0], { label: `stop after a start ${how}` });
  await step(ctx, rule, 'monitor', [7], { label: `monitor after that stop`, intervalMs: ctx.monitorIntervalMs });
}

/**
 * Two instances with different names and parameters (contract §1.1: several instances may run at
 * once): starting, monitoring and stopping one never changes what the other reports.
 *
 * @example
 * await twoInstancesCheck(ctx);
 */
export async function twoInstancesCheck(ctx: CheckContext, secondUnavailable?: string): Promise<void> {
  const rule = 'robust.two-instances';
  const [a, b] = ctx.runner.instances;
  if (a === undefined || b === undefined) return ctx.findings.skip(rule, secondUnavailable ?? 'no second instance configured');
  const blocked = startBlocker(ctx);
  if (blocked) return ctx.findings.skip(rule, blocked);
  const every = ctx.monitorIntervalMs;
  const startA = await step(ctx, rule, 'start', [0], { label: `start ${a}`, instance: a });
  if (startA.ok) {
    await step(ctx, rule, 'monitor', [7], { label: `probe of ${b} while only ${a} runs`, instance: b });
    const startB = await step(ctx, rule, 'start', [0], { label: `start ${b} while ${a} runs`, instance: b });
    if (startB.ok) {
      await step(ctx, rule, 'monitor', [0], { label: `monitor ${a} while both run`, instance: a, intervalMs: every });
      await step(ctx, rule, 'stop', [0], { label: `stop ${a}`, instance: a });
      await step(ctx, rule, 'monitor', [0], { label: `monitor ${b} after stopping ${a}`, instance: b, intervalMs: every });
      await step(ctx, rule, 'monitor', [7], { label: `monitor ${a} after stopping it`, instance: a, intervalMs: every });
      await step(ctx, rule, 'stop', [0], { label: `stop ${b}`, instance: b });
    }
  }
  await settle(ctx, 'stop', { label: `cleanup: stop ${a}`, instance: a });
  await settle(ctx, 'stop', { label: `cleanup: stop ${b}`, instance: b });
}
