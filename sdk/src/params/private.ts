import type { ParamSpecs } from './types';

/**
 * What the `private` flag hides. A private parameter's value (a password, a token) is replaced by
 * `***` in everything the SDK writes — log lines, traces, exit reasons, the errors of failed
 * commands — and its `OCF_RESKEY_<name>` variable is not passed on to the commands the agent runs,
 * so a daemon started by the agent does not keep it in its environment for life. A command that
 * needs it gets it explicitly: `ctx.exec(file, args, { env: { PGPASSWORD: ctx.params.password } })`.
 */
interface PrivateParams {
  /** `OCF_RESKEY_<name>` of every private parameter: removed from children's environments. */
  envNames: string[];
  /** The non-empty values of the private parameters set for this invocation: redacted. */
  values: string[];
}

export function privateParams(params: ParamSpecs, raw: Readonly<Record<string, string>>): PrivateParams {
  const envNames: string[] = [];
  const values: string[] = [];
  for (const [name, spec] of Object.entries(params)) {
    if (!spec.private) continue;
    envNames.push(`OCF_RESKEY_${name}`);
    const v = raw[name];
    if (v) values.push(v);
  }
  // Longest first, so a secret that contains another is replaced whole.
  values.sort((a, b) => b.length - a.length);
  return { envNames, values };
}

/** Replaces every occurrence of each secret in `text` with `***`. */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s) out = out.split(s).join('***');
  return out;
}
