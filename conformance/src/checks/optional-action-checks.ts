import { type CheckContext, describeResult, judge, settle, startBlocker, step } from './context';
import { advertises } from './metadata-model';
import { VALIDATE_LABEL } from './validate-checks';

/** An action name no agent implements (valid for the executor's action grammar). */
export const UNKNOWN_ACTION = 'ocfkit-no-such-action';

/**
 * Promotable cycle (contract §1.3, appendix 5): start leaves it unpromoted (monitor 0), promote 0
 * → monitor 8, promote again 0, demote 0 → monitor 0, demote again 0. Only when the agent is
 * configured as a promotable clone (`--promotable`, conformance.json): Pacemaker promotes nothing
 * else, and many agents advertise promote for a mode the configuration must select (pgsql's
 * `rep_mode`). One action without the other is a failure either way.
 *
 * @example
 * await promotableChecks(ctx);
 */
export async function promotableChecks(ctx: CheckContext): Promise<void> {
  const rule = 'promotable.cycle';
  const hasP = advertises(ctx.md, 'promote');
  const hasD = advertises(ctx.md, 'demote');
  if (!hasP && !hasD) return ctx.findings.skip(rule, 'promote/demote are not advertised (not promotable)');
  if (hasP !== hasD) {
    ctx.findings.check(rule, false, `only ${hasP ? 'promote' : 'demote'} is advertised: a promotable agent needs both`);
    return;
  }
  if (!ctx.promotable)
    return ctx.findings.skip(
      rule,
      'promote/demote are advertised, but the agent is not configured as a promotable clone (--promotable, or "promotable": true in conformance.json): Pacemaker only promotes promotable clones',
    );
  const every = ctx.monitorIntervalMs;
  const meta = { promotable: 'true', master_max: '1', promoted_max: '1', clone_max: '1', clone_node_max: '1', clone: '0' };
  const blocked = startBlocker(ctx);
  if (blocked) return ctx.findings.skip(rule, blocked);
  const start = await step(ctx, rule, 'start', [0], { label: 'start (promotable)', meta });
  if (start.ok) {
    await step(ctx, rule, 'monitor', [0], { label: 'monitor after start (unpromoted)', intervalMs: every, meta });
    if ((await step(ctx, rule, 'promote', [0], { label: 'promote', meta })).ok) {
      await step(ctx, rule, 'monitor', [8], { label: 'monitor after promote', intervalMs: every, meta });
      await step(ctx, rule, 'promote', [0], { label: 'promote again', meta });
      await step(ctx, rule, 'monitor', [8], { label: 'monitor after a second promote', intervalMs: every, meta });
      await step(ctx, rule, 'demote', [0], { label: 'demote', meta });
      await step(ctx, rule, 'monitor', [0], { label: 'monitor after demote', intervalMs: every, meta });
      await step(ctx, rule, 'demote', [0], { label: 'demote again', meta });
      await step(ctx, rule, 'monitor', [0], { label: 'monitor after a second demote', intervalMs: every, meta });
    }
  }
  await settle(ctx, 'stop', { label: 'cleanup: stop after the promotable cycle', meta });
}

/**
 * reload-agent (when advertised): 0 on a running resource, which keeps running.
 *
 * @example
 * await reloadChecks(ctx);
 */
export async function reloadChecks(ctx: CheckContext): Promise<void> {
  const rule = 'reload.agent';
  if (!advertises(ctx.md, 'reload-agent')) return ctx.findings.skip(rule, 'reload-agent is not advertised');
  const blocked = startBlocker(ctx);
  if (blocked) return ctx.findings.skip(rule, blocked);
  const start = await settle(ctx, 'start', { label: 'start before reload-agent' });
  if (start.result.rc !== 0) ctx.findings.skip(rule, 'start failed, so reload-agent could not be tried');
  else {
    await step(ctx, rule, 'reload-agent', [0], { label: 'reload-agent on a running resource' });
    await step(ctx, rule, 'monitor', [0], { label: 'monitor after reload-agent', intervalMs: ctx.monitorIntervalMs });
  }
  await settle(ctx, 'stop', { label: 'cleanup: stop after reload-agent' });
}

/**
 * Live migration on one host (when advertised): migrate_to 0, migrate_from 0, then running.
 *
 * @example
 * await migrateChecks(ctx);
 */
export async function migrateChecks(ctx: CheckContext): Promise<void> {
  const rule = 'migrate.cycle';
  const to = advertises(ctx.md, 'migrate_to');
  const from = advertises(ctx.md, 'migrate_from');
  if (!to && !from) return ctx.findings.skip(rule, 'migrate_to/migrate_from are not advertised');
  if (to !== from) {
    ctx.findings.check(rule, false, `only ${to ? 'migrate_to' : 'migrate_from'} is advertised: live migration needs both`);
    return;
  }
  const node = ctx.runner.nodeName;
  const meta = { migrate_source: node, migrate_target: node };
  const blocked = startBlocker(ctx);
  if (blocked) return ctx.findings.skip(rule, blocked);
  const start = await settle(ctx, 'start', { label: 'start before migration' });
  if (start.result.rc !== 0) ctx.findings.skip(rule, 'start failed, so migration could not be tried');
  else {
    await step(ctx, rule, 'migrate_to', [0], { label: `migrate_to ${node}`, meta });
    await step(ctx, rule, 'migrate_from', [0], { label: `migrate_from ${node}`, meta });
    await step(ctx, rule, 'monitor', [0], { label: 'monitor after migrate_from', intervalMs: ctx.monitorIntervalMs });
  }
  await settle(ctx, 'stop', { label: 'cleanup: stop after migration' });
}

/**
 * notify returns 0, stopped and running, pre and post (3 only when it is not advertised). Only
 * when the agent advertises notify or is configured as a clone: Pacemaker sends notifications
 * (with clone meta) to clones only, and clone meta confuses agents that never run as one.
 *
 * @example
 * await notifyChecks(ctx);
 */
export async function notifyChecks(ctx: CheckContext): Promise<void> {
  const rule = 'notify.zero';
  if (ctx.rejected) return ctx.findings.skip(rule, ctx.rejected);
  const advertised = advertises(ctx.md, 'notify');
  if (!advertised && !ctx.clone)
    return ctx.findings.skip(
      rule,
      'notify is not advertised and the agent is not configured as a clone (--clone, --promotable): Pacemaker never sends it notifications',
    );
  const ok = advertised ? [0] : [0, 3];
  const inst = ctx.runner.instances[0] as string;
  const node = ctx.runner.nodeName;
  const meta = (type: string) => ({
    notify: 'true',
    clone: '0',
    clone_max: '1',
    clone_node_max: '1',
    notify_type: type,
    notify_operation: 'start',
    notify_key_type: type,
    notify_key_operation: type === 'pre' ? 'start' : 'running',
    notify_start_resource: `${inst}:0`,
    notify_start_uname: node,
    notify_stop_resource: ' ',
    notify_stop_uname: ' ',
    notify_active_resource: type === 'pre' ? ' ' : `${inst}:0`,
    notify_active_uname: type === 'pre' ? ' ' : node,
    notify_inactive_resource: type === 'pre' ? `${inst}:0` : ' ',
    notify_all_uname: node,
    notify_available_uname: node,
  });
  await step(ctx, rule, 'notify', ok, { label: 'pre-start notify', meta: meta('pre') });
  const start = await settle(ctx, 'start', {
    label: 'start between notifications',
    meta: { notify: 'true', clone: '0', clone_max: '1', ...(ctx.promotable ? { promotable: 'true' } : {}) },
  });
  if (start.result.rc === 0) await step(ctx, rule, 'notify', ok, { label: 'post-start notify', meta: meta('post') });
  await settle(ctx, 'stop', { label: 'cleanup: stop after notify' });
}

/**
 * An action the agent does not know returns 3 (contract §1.1); LSB's 2 ("invalid argument"), which
 * old agents return from their usage function, is a warning. An agent that checks its host before
 * it looks at the action answers with validate-all's own failure here: then nothing can be told.
 *
 * @example
 * await unknownActionCheck(ctx);
 */
export async function unknownActionCheck(ctx: CheckContext): Promise<void> {
  const label = `unknown action "${UNKNOWN_ACTION}"`;
  const rec = await ctx.runner.run(UNKNOWN_ACTION, { label });
  const { rc, execStatus } = rec.result;
  // The same failure validate-all gave (any code but 0, even 7: no validate result) = checked
  // before dispatch. Without validate-all the first probe tells the same, except for its 7 (the
  // ordinary "not running", which an unknown action must not answer).
  const firstProbe = ctx.runner.records.find((r) => r.probe && r.instance === ctx.runner.instances[0]);
  const validate = ctx.runner.records.find((r) => r.label.startsWith(VALIDATE_LABEL) && r.result.execStatus === 'done' && !r.ranAgain);
  const probe = firstProbe?.result.execStatus === 'done' ? firstProbe : undefined;
  const before = ctx.validateRc !== undefined ? validate : probe?.result.rc === 7 ? undefined : probe;
  // (an exit reason naming the action names the other one; both are cut at 128 characters)
  const theirs = before?.result.exitReason;
  const ours = rec.result.exitReason?.replace(UNKNOWN_ACTION, before?.action ?? '');
  const sameReason = theirs === undefined || (ours !== undefined && (theirs.startsWith(ours) || ours.startsWith(theirs)));
  if (
    execStatus === 'done' &&
    rc !== 3 &&
    rc !== 0 &&
    before !== undefined &&
    before.result.rc !== 0 &&
    rc === before.result.rc &&
    sameReason
  )
    return ctx.findings.skip(
      'action.unknown',
      `${label} ${describeResult(rec)}, as ${ctx.validateRc !== undefined ? 'validate-all' : 'the first probe'} did: the agent checks its configuration or host before the action, so nothing can be told here`,
    );
  judge(ctx, 'action.unknown', rec, [3], label, {
    2: 'the LSB code for an invalid argument; OCF says 3 (OCF_ERR_UNIMPLEMENTED) for an action the agent does not implement',
  });
}
