import { parseDuration } from './duration';
import type { ParamSpec, ParamSpecs } from './types';
import { parseOcfBoolean } from './words';

/**
 * Reads the declared parameters from `OCF_RESKEY_<name>` variables and converts each to its kind.
 * A value that cannot be converted is kept as its raw string, so the schema check reports it.
 * Unset and empty variables count as absent (like `${OCF_RESKEY_x:-default}` in shell agents),
 * except an empty value of a `nonEmpty` string, which is kept so the schema rejects it.
 *
 * @returns `values` (parsed, no defaults yet) and `raw` (the exact strings, for error messages)
 */
export function readParams(
  params: ParamSpecs,
  env: Readonly<Record<string, string | undefined>>,
): { values: Record<string, unknown>; raw: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  for (const [name, spec] of Object.entries(params)) {
    const text = env[`OCF_RESKEY_${name}`];
    if (text === undefined || (text === '' && !(spec.type === 'string' && spec.nonEmpty))) continue;
    raw[name] = text;
    values[name] = convert(spec, text);
  }
  return { values, raw };
}

function convert(spec: ParamSpec, text: string): unknown {
  switch (spec.type) {
    case 'string':
    case 'select':
      return text;
    case 'integer':
      return /^\s*[-+]?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : text;
    case 'boolean':
      return parseOcfBoolean(text.trim()) ?? text;
    case 'duration':
      return parseDuration(text) ?? text;
  }
}

/** The static default of a parameter, converted to its value type. */
function defaultValue(spec: ParamSpec): unknown {
  if (spec.default === undefined) return undefined;
  if (spec.type === 'duration') return parseDuration(spec.default);
  return spec.default;
}

/** Fills absent parameters with their static defaults (after validation). */
export function withDefaults(params: ParamSpecs, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const [name, spec] of Object.entries(params)) {
    if (out[name] === undefined) {
      const d = defaultValue(spec);
      if (d !== undefined) out[name] = d;
    }
  }
  return out;
}
