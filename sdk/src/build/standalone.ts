import { createRequire } from 'node:module';
import type { ParamsSchema } from '../params/schema';

const require = createRequire(import.meta.url);

/**
 * Compiles a parameter schema to ajv's standalone CommonJS code, so the built agent validates
 * without compiling anything at start-up.
 */
export function standaloneValidator(schema: ParamsSchema): string {
  const Ajv = require('ajv') as typeof import('ajv').default;
  const standalone = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone').default;
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: false } });
  const validate = ajv.compile(schema);
  return standalone(ajv, validate);
}
