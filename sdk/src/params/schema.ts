import type { ParamSpec, ParamSpecs } from './types';

/** The JSON Schema (draft-07 subset) ajv checks the *parsed* parameter values against. */
export interface ParamsSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
}

function propertySchema(spec: ParamSpec): Record<string, unknown> {
  switch (spec.type) {
    case 'string':
      return {
        type: 'string',
        ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
        ...(spec.nonEmpty ? { minLength: 1 } : {}),
      };
    case 'integer':
      return {
        type: 'integer',
        ...(spec.min !== undefined ? { minimum: spec.min } : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'select':
      return { type: 'string', enum: [...spec.options] };
    case 'duration':
      return { type: 'integer', minimum: spec.minMs ?? 0 };
  }
}

/**
 * Derives the JSON Schema of an agent's parameters. Names are sorted so the schema, and the
 * standalone validator compiled from it, are byte-for-byte deterministic.
 *
 * @example
 * paramsSchema({ port: { type: 'integer', shortdesc: 'Port', min: 1 } })
 * // { type: 'object', properties: { port: { type: 'integer', minimum: 1 } }, required: [] }
 */
export function paramsSchema(params: ParamSpecs): ParamsSchema {
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const name of Object.keys(params).sort()) {
    const spec = params[name] as ParamSpec;
    properties[name] = propertySchema(spec);
    if (spec.required) required.push(name);
  }
  return { type: 'object', properties, required };
}
