import type { ParamsSchema } from './schema';
import type { ValidateFn } from './validate';

/**
 * Compiles a parameter schema with ajv at run time. Only used when an agent runs from source
 * (tests, `tsx`); `ocfkit build` embeds ajv's standalone code instead and replaces this module,
 * so a built agent never compiles a schema at start-up.
 */
export async function compileValidator(schema: ParamsSchema): Promise<ValidateFn> {
  const mod = (await import('ajv')) as unknown as { default: { default?: unknown } };
  const Ajv = (mod.default.default ?? mod.default) as new (opts: object) => { compile(s: object): ValidateFn };
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}
