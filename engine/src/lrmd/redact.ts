import { parseXml } from '../cib/xml-tree';
import type { OpResult } from './types';

/** What a private parameter's value is replaced with wherever the engine prints it. */
const REDACTED = '(private)';

/**
 * The parameters an agent's meta-data marks `private="1"` (passwords and the like): on the
 * `<parameter>` itself, as Pacemaker reads it, or in `<special tag="ocfkit">`, where agents built
 * with ocfkit say it so that pcs still accepts their meta-data. Unreadable meta-data yields none.
 *
 * @example
 * privateParams('<resource-agent><parameters><parameter name="pw" private="1"/></parameters></resource-agent>') // Set { 'pw' }
 * privateParams('<resource-agent><special tag="ocfkit"><parameter name="dsn" private="1"/></special></resource-agent>') // Set { 'dsn' }
 */
export function privateParams(metaDataXml: string): Set<string> {
  const names = new Set<string>();
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(metaDataXml);
  } catch {
    return names;
  }
  for (const section of root.children) {
    // Pacemaker's marker on <parameters>; ocfkit's SDK writes it into <special tag="ocfkit">,
    // the one place pcs's grammars accept it (see the SDK's metaData).
    const ours = section.name === 'special' && section.attrs.tag === 'ocfkit';
    if (section.name !== 'parameters' && !ours) continue;
    for (const p of section.children) {
      const flag = p.attrs.private;
      if (p.name === 'parameter' && p.attrs.name && (flag === '1' || flag === 'true' || flag === 'yes')) names.add(p.attrs.name);
    }
  }
  return names;
}

/**
 * Whether a parameter's name says it holds a secret (`password`, `passwd`, `monitor_password`,
 * `secret`, `api_token`...): hidden even when the agent's meta-data does not mark it private.
 *
 * @example
 * looksSecret('monitor_password') // true
 */
export function looksSecret(name: string): boolean {
  return /pass(wd|word)|secret|token|private_?key/i.test(name);
}

/**
 * A function replacing the values of secret-named parameters ({@link looksSecret}) in a text
 * (fence devices: their agents' meta-data marks nothing private, `passwd` is the convention).
 *
 * @example
 * hideSecrets({ passwd: 'pw1', ip: '10.0.0.9' })('login pw1@10.0.0.9') // 'login (private)@10.0.0.9'
 */
export function hideSecrets(params: Readonly<Record<string, string>>): (text: string) => string {
  const secrets = Object.entries(params)
    .filter(([name, value]) => looksSecret(name) && value !== '')
    .map(([, value]) => value);
  return (text) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
}

/**
 * A copy of `r` with the values of private parameters hidden: in the reported environment
 * (`OCF_RESKEY_<name>`) and wherever the agent echoed them (output, exit reason).
 *
 * @example
 * redactResult(r, new Set(['monitor_password']), { monitor_password: 's3cret' });
 */
export function redactResult(r: OpResult, names: ReadonlySet<string>, params: Readonly<Record<string, string>>): OpResult {
  if (names.size === 0) return r;
  const secrets = [...names].map((n) => params[n]).filter((v): v is string => v !== undefined && v !== '');
  const hide = (text: string) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  const out: OpResult = { ...r, stdout: hide(r.stdout), stderr: hide(r.stderr) };
  if (r.exitReason !== undefined) out.exitReason = hide(r.exitReason);
  if (r.env) {
    const env = { ...r.env };
    for (const n of names) if (env[`OCF_RESKEY_${n}`] !== undefined) env[`OCF_RESKEY_${n}`] = REDACTED;
    out.env = env;
  }
  return out;
}

/**
 * Agent output made safe for a terminal: control characters other than newline and tab (escape
 * sequences, carriage returns, C1 controls) are shown as `\xNN`.
 *
 * @example
 * escapeControls('\x1b[2Jok\n') // '\\x1b[2Jok\n'
 */
export function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
