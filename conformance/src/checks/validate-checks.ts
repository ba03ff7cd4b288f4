import { type CheckContext, describeResult, judge, skipAll, step, type Tolerated } from './context';
import { advertises, type MdParam } from './metadata-model';

/** The label of validate-all with the given parameters (action.unknown compares with it). */
export const VALIDATE_LABEL = 'validate-all with the given parameters';

const RULES = ['validate.good', 'validate.missing-required', 'validate.invalid-value', 'validate.typed-value'];

/** OCF 1.0's code for bad arguments, accepted with a warning where 1.1 recommends 6. */
const RC2_FOR_CONFIG: Tolerated = {
  2: "OCF 1.0's code for invalid arguments; OCF 1.1 recommends 6 (OCF_ERR_CONFIGURED), which Pacemaker treats as fatal everywhere rather than on this node only",
};

/**
 * Codes that say "this host cannot run the agent with these parameters" rather than "the
 * parameters are wrong": 5 (software missing), 4 (privileges), 2 (OCF 1.1: invalid on this host).
 * Pacemaker bans the resource from this node only and runs it elsewhere.
 */
export const HOST_CODES = new Set([2, 4, 5]);

/**
 * A value the meta-data's own type for `p` rules out, or `undefined` for free-form strings.
 *
 * @example
 * invalidValueFor({ name: 'port', type: 'integer', ... }) // 'not-a-number'
 */
function invalidValueFor(p: MdParam): string | undefined {
  if (p.type === 'integer') return 'not-a-number';
  if (p.type === 'boolean') return 'neither-true-nor-false';
  if (p.type === 'select' && p.options.length > 0) return `${p.options[0]}-not-an-option`;
  return undefined;
}

/**
 * validate-all (contract §1.3): 0 with good parameters, 6 without a required one (2 with a
 * warning), 6 (or 2 when host-specific) for each configured invalid value; and (a warning) for a
 * value the meta-data's own content type rules out.
 *
 * With the given parameters: 2, 4 or 5 mean this host cannot run the agent (the software is
 * missing): nothing can be judged, and the checks that need a running resource are skipped with
 * the reason. 6 means the parameters are rejected (same skip, and validate.good fails). Anything
 * else (1, 3, 7, a timeout) is not about the parameters: validate.good fails and the lifecycle
 * still runs, as ocf-tester does.
 *
 * @example
 * await validateChecks(ctx);
 */
export async function validateChecks(ctx: CheckContext): Promise<void> {
  if (!advertises(ctx.md, 'validate-all')) {
    skipAll(ctx, RULES, ctx.md ? 'validate-all is not advertised (it is optional)' : 'no usable meta-data');
    return;
  }
  const good = ctx.runner.paramsOf();
  const label = VALIDATE_LABEL;
  const rec = await ctx.runner.run('validate-all', { label });
  const { rc, execStatus } = rec.result;
  const done = execStatus === 'done';
  if (done) ctx.validateRc = rc;
  if (done && HOST_CODES.has(rc)) {
    const why = `validate-all says this host cannot run the agent with these parameters (${describeResult(rec)})`;
    ctx.findings.skip('validate.good', `${why}: install what it needs, or give parameters valid on this host`);
    ctx.rejected = `${why}; Pacemaker would run it elsewhere`;
  } else {
    const ok = judge(ctx, 'validate.good', rec, [0], label);
    if (!ok && done && rc === 6)
      ctx.rejected = `validate-all rejects the given parameters (${describeResult(rec)}); give parameters that validate (-p, --params, conformance.json)`;
  }
  // An agent that checks its host first (software, cloud metadata) answers every validate-all
  // with the same failure here: that says nothing about how it treats the parameters.
  const unjudgeable = (r: number) => ctx.validateRc !== undefined && ctx.validateRc !== 0 && r === ctx.validateRc;
  const required = (ctx.md?.params ?? []).filter((p) => p.required);
  if (required.length === 0) ctx.findings.skip('validate.missing-required', 'no parameter is required');
  for (const p of required) {
    const { [p.name]: _, ...rest } = good;
    const what = `validate-all without required ${p.name}`;
    const r = await ctx.runner.run('validate-all', { label: what, params: rest });
    if (r.result.execStatus === 'done' && unjudgeable(r.result.rc))
      ctx.findings.skip('validate.missing-required', `${what} ${describeResult(r)}, as with all parameters given: cannot tell`);
    else judge(ctx, 'validate.missing-required', r, [6], what, RC2_FOR_CONFIG);
  }
  const invalid = Object.entries(ctx.invalid ?? {});
  if (invalid.length === 0)
    ctx.findings.skip('validate.invalid-value', 'no invalid value configured (conformance.json "invalid" or --invalid)');
  for (const [name, value] of invalid)
    await step(ctx, 'validate.invalid-value', 'validate-all', [6, 2], {
      label: `validate-all with ${name}=${JSON.stringify(value)}`,
      params: { ...good, [name]: value },
    });
  // A warning only: shell agents read booleans with ocf_is_true (anything unknown is false) and
  // rarely check integers they do not use in the current mode (contract §3.7).
  const typed = (ctx.md?.params ?? []).find((p) => invalidValueFor(p) !== undefined && !(p.name in (ctx.invalid ?? {})));
  if (typed === undefined) ctx.findings.skip('validate.typed-value', 'no integer, boolean or select parameter');
  else {
    const value = invalidValueFor(typed) as string;
    await step(ctx, 'validate.typed-value', 'validate-all', [6, 2], {
      label: `validate-all with ${typed.type} ${typed.name}=${JSON.stringify(value)}`,
      params: { ...good, [typed.name]: value },
    });
  }
}
