import { type CheckContext, describeResult, judge, settle, startBlocker, step } from './context';
import { describeParams } from './second-instance';

/** Where in a normal start's duration the SIGKILL lands: early, halfway, late. */
const KILL_POINTS = [0.25, 0.5, 0.75];

/**
 * SIGKILL during start (contract §2.4: execd kills the group at the timeout, no SIGTERM): the
 * executor kills a start a quarter, half and three quarters into the time a normal start took;
 * after each, stop must return 0 and monitor 7. Several points, because the state a start leaves
 * half-done depends on where it was cut (a link created, its lock file not yet written).
 *
 * @example
 * await killDuringStartCheck(ctx);
 */
export async function killDuringStartCheck(ctx: CheckContext): Promise<void> {
  const rule = 'robust.kill-during-start';
  const blocked = startBlocker(ctx);
  if (blocked || ctx.startMs === undefined) return ctx.findings.skip(rule, blocked ?? 'no successful start to measure');
  for (const point of KILL_POINTS) {
    const killAfterMs = Math.max(1, Math.floor(ctx.startMs * point));
    const start = await settle(ctx, 'start', { label: `start killed after ${killAfterMs} ms`, killAfterMs });
    const how =
      start.result.execStatus === 'timeout' ? `killed after ${killAfterMs} ms` : `finished before the kill (rc ${start.result.rc})`;
    const stop = await step(ctx, rule, 'stop', [0], { label: `stop after a start ${how}` });
    await step(ctx, rule, 'monitor', [7], { label: `monitor after that stop`, intervalMs: ctx.monitorIntervalMs });
    if (!stop.ok) return; // the resource is stuck: later points would only repeat it
  }
}

/** How the second instance's parameters came about, for the report. */
interface SecondOrigin {
  /** Given by the user (`--second`, conformance.json) or derived by the suite. */
  given: boolean;
  /** The parameters that differ between the instances. */
  changed: string[];
}

/**
 * Two instances with different names and parameters (contract §1.1: several instances may run at
 * once): starting, monitoring and stopping one never changes what the other reports. The labels
 * name the parameters that differ, with both values. When the second instance does not start
 * while the first runs, it is tried alone: if it fails alone too, its parameters (when derived)
 * are the problem and the rule is skipped asking for `--second`; if it starts alone, the first
 * instance is in its way.
 *
 * @example
 * await twoInstancesCheck(ctx, 'no parameter tells two instances apart ...');
 */
export async function twoInstancesCheck(ctx: CheckContext, secondUnavailable?: string, origin?: SecondOrigin): Promise<void> {
  const rule = 'robust.two-instances';
  const [a, b] = ctx.runner.instances;
  if (a === undefined || b === undefined) return ctx.findings.skip(rule, secondUnavailable ?? 'no second instance configured');
  const blocked = startBlocker(ctx);
  if (blocked) return ctx.findings.skip(rule, blocked);
  const every = ctx.monitorIntervalMs;
  const pa = ctx.runner.paramsOf(a);
  const pb = ctx.runner.paramsOf(b);
  const changed = origin?.changed ?? Object.keys({ ...pa, ...pb }).filter((k) => pa[k] !== pb[k]);
  const an = `${a} (${describeParams(pa, changed)})`;
  const bn = `${b} (${describeParams(pb, changed)}${origin && !origin.given ? ', derived' : ''})`;
  const startA = await step(ctx, rule, 'start', [0], { label: `start ${an}`, instance: a });
  if (startA.ok) {
    await step(ctx, rule, 'monitor', [7], { label: `probe of ${bn} while only ${a} runs`, instance: b });
    const startB = await ctx.runner.run('start', { label: `start ${bn} while ${a} runs`, instance: b });
    if (startB.result.rc === 0 && startB.result.execStatus === 'done') {
      judge(ctx, rule, startB, [0], `start ${bn} while ${a} runs`);
      await step(ctx, rule, 'monitor', [0], { label: `monitor ${an} while both run`, instance: a, intervalMs: every });
      await step(ctx, rule, 'stop', [0], { label: `stop ${an}`, instance: a });
      await step(ctx, rule, 'monitor', [0], { label: `monitor ${bn} after stopping ${a}`, instance: b, intervalMs: every });
      await step(ctx, rule, 'monitor', [7], { label: `monitor ${an} after stopping it`, instance: a, intervalMs: every });
      await step(ctx, rule, 'stop', [0], { label: `stop ${bn}`, instance: b });
    } else {
      await settle(ctx, 'stop', { label: `cleanup: stop ${b} after its failed start`, instance: b });
      await settle(ctx, 'stop', { label: `stop ${a} to try ${b} alone`, instance: a });
      const alone = await settle(ctx, 'start', { label: `start ${bn} alone`, instance: b });
      const aloneOk = alone.result.rc === 0 && alone.result.execStatus === 'done';
      if (aloneOk) judge(ctx, rule, startB, [0], `start ${bn} while ${a} runs (it starts alone: ${a} is in its way)`);
      else
        ctx.findings.skip(
          rule,
          `${b} does not start even alone (${describeResult(alone)}) with ${describeParams(pb, changed)}: give parameters for a second instance that can run here (--second NAME=VALUE, or "second" in conformance.json)`,
        );
    }
  }
  await settle(ctx, 'stop', { label: `cleanup: stop ${a}`, instance: a });
  await settle(ctx, 'stop', { label: `cleanup: stop ${b}`, instance: b });
}
