import { md5Hex } from './md5.js';

/** Attributes the digest never covers besides `CRM_meta_*` (Pacemaker's `pcmk__filter_op_for_digest`). */
const FILTERED = new Set(['id', 'crm_feature_set', 'op-digest', 'on_node', 'on_node_uuid', 'pcmk_external_ip']);

/**
 * The parameters an operation digest covers: everything the agent was given except `CRM_meta_*`
 * and the bookkeeping attributes, plus `CRM_meta_timeout` for a recurring operation.
 *
 * @example
 * digestParams({ ip: '10.0.0.1', CRM_meta_timeout: '20000', CRM_meta_interval: '10000' })
 * // { ip: '10.0.0.1', CRM_meta_timeout: '20000' }
 */
export function digestParams(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!k.startsWith('CRM_meta_') && !FILTERED.has(k)) out[k] = v;
  const interval = Number.parseInt(attributes.CRM_meta_interval ?? '0', 10);
  const timeout = attributes.CRM_meta_timeout;
  if (interval > 0 && timeout !== undefined) out.CRM_meta_timeout = timeout;
  return out;
}

/**
 * Pacemaker's `op-digest`: the MD5 of the digest parameters written as one `<parameters>` element
 * with its attributes sorted by name (`calculate_operation_digest` on `sorted_xml`).
 *
 * @example
 * opDigest({}) // 'f2317cad3d54cec5d7d7aa7d0bf35cf8'
 */
export function opDigest(attributes: Readonly<Record<string, string>>): string {
  return parametersDigest(digestParams(attributes));
}

/** Pacemaker's own escapes (`crm_xml_escape`), which differ from XML's for whitespace and quotes. */
const DIGEST_ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '&': '&amp;',
  '\t': '    ',
  '\n': '\\n',
  '\r': '\\r',
};

/**
 * An attribute value as Pacemaker 2.1.5 writes it into the text it digests (`crm_xml_escape`):
 * `< > " ' &` as entities, a tab as four spaces, a newline or carriage return as `\n` / `\r`,
 * other control characters as a backslash and three octal digits; at the first non-ASCII
 * character (a multi-byte UTF-8 sequence) it stops escaping, and the rest is kept as it is.
 *
 * @example
 * digestEscape('a\tb "c"') // 'a    b &quot;c&quot;'
 */
export function digestEscape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const c = ch.charCodeAt(0);
    if (c >= 0x80) return out + value.slice(i);
    const e = DIGEST_ESCAPES[ch];
    if (e !== undefined) out += e;
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

/**
 * Pacemaker's `calculate_operation_digest` of a set of parameters as they are (no filtering):
 * the MD5 of one `<parameters>` element with the attributes sorted by name.
 *
 * @example
 * parametersDigest({}) // 'f2317cad3d54cec5d7d7aa7d0bf35cf8'
 */
export function parametersDigest(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let xml = ' <parameters';
  for (const n of names) xml += ` ${n}="${digestEscape(params[n] as string)}"`;
  return md5Hex(`${xml}/>\n`);
}
