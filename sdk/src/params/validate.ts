import type { ParamSpec, ParamSpecs } from './types';
import { FALSE_WORDS, TRUE_WORDS } from './words';

/** One validation problem, as data: which parameter, what is wrong, and the offending text. */
interface ParamIssue {
  param: string;
  message: string;
  value?: string;
}

/** A compiled validator function, as ajv produces it (also in standalone form). */
export interface ValidateFn {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; params: Record<string, unknown> }> | null;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

function expectation(spec: ParamSpec, keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'type':
      if (spec.type === 'boolean') return `must be a boolean (${TRUE_WORDS.join('|')} or ${FALSE_WORDS.join('|')})`;
      if (spec.type === 'duration') return 'must be a duration such as 20s, 2min, 500ms or bare seconds';
      return `must be ${spec.type === 'integer' ? 'an integer' : `a ${spec.type}`}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as string[]).join(', ')}`;
    case 'minimum':
      return spec.type === 'duration' ? `must be at least ${params.limit} ms` : `must be >= ${params.limit}`;
    case 'maximum':
      return `must be <= ${params.limit}`;
    case 'pattern':
      return `must match the pattern ${params.pattern}`;
    case 'minLength':
      return 'must not be empty';
    default:
      return `is invalid (${keyword})`;
  }
}

/**
 * Turns a validator's errors into {@link ParamIssue}s whose messages name the parameter and the
 * bad value, e.g. `parameter "port" must be an integer, got "http"`.
 */
export function describeIssues(params: ParamSpecs, validate: ValidateFn, raw: Readonly<Record<string, string>>): ParamIssue[] {
  const issues: ParamIssue[] = [];
  for (const err of validate.errors ?? []) {
    if (err.keyword === 'required') {
      const name = String(err.params.missingProperty);
      issues.push({ param: name, message: `required parameter "${name}" is not set (OCF_RESKEY_${name})` });
      continue;
    }
    const name = err.instancePath.replace(/^\//, '');
    const spec = params[name];
    if (!spec) continue;
    const value = raw[name];
    const got = value === undefined ? '' : `, got ${quote(value)}`;
    issues.push({
      param: name,
      message: `parameter "${name}" ${expectation(spec, err.keyword, err.params)}${got}`,
      ...(value !== undefined ? { value } : {}),
    });
  }
  return issues;
}
