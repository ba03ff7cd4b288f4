import { type CheckContext, skipAll, step } from './context';
import { advertises, type MdParam } from './metadata-model';

const RULES = ['validate.good', 'validate.missing-required', 'validate.invalid-value', 'validate.typed-value'];

/**
 * A value the meta-data's own type for `p` rules out, or `undefined` for free-form strings.
 *
 * @example
 * invalidValueFor({ name: 'port', type: 'integer', ... }) // 'not-a-number'
 */
export function invalidValueFor(p: MdParam): string | undefined {
  if (p.type === 'integer') return 'not-a-number';
  if (p.type === 'boolean') return 'neither-true-nor-false';
  if (p.type === 'select' && p.options.length > 0) return `${p.options[0]}-not-an-option`;
  return undefined;
}

/**
 * validate-all (contract §1.3): 0 with good parameters, 6 without a required one, 6 (or 2 when
 * host-specific) for each configured invalid value; and (a warning) for a value the meta-data's
 * own content type rules out.
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
  const { rec, ok } = await step(ctx, 'validate.good', 'validate-all', [0], { label: 'validate-all with the given parameters' });
  if (!ok && rec.result.execStatus === 'done')
    ctx.rejected = `validate-all rejects the given parameters (rc ${rec.result.rc}${rec.result.exitReason ? `: ${rec.result.exitReason}` : ''}); give parameters that validate (-p, --params, conformance.json)`;
  const required = (ctx.md?.params ?? []).filter((p) => p.required);
  if (required.length === 0) ctx.findings.skip('validate.missing-required', 'no parameter is required');
  for (const p of required) {
    const { [p.name]: _, ...rest } = good;
    await step(ctx, 'validate.missing-required', 'validate-all', [6], { label: `validate-all without required ${p.name}`, params: rest });
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
