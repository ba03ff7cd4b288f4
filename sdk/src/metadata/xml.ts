/**
 * XML escaping for everything ocfkit writes (meta-data, the CIB, transition graphs, operation
 * digests, status XML): the one copy. Pure — no imports — so the engine's pure core can use it.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };
/** In attribute values, whitespace that attribute-value normalization would turn into spaces. */
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...ESCAPES, '\n': '&#10;', '\t': '&#9;' };

/** A character XML 1.0 can carry (its `Char` production). */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
}

/** True when a value needs no escaping at all (the common case, checked without allocating). */
function plain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x3c || c === 0x3e || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe) return false;
  }
  return true;
}

/**
 * Escapes text for XML content and double-quoted attributes: `& < > "` and carriage returns
 * become references; characters XML 1.0 cannot carry at all (C0 controls other than tab and
 * newline, unpaired surrogates, U+FFFE/U+FFFF) become U+FFFD, so the document stays well-formed
 * whatever the value. With `attribute`, newlines and tabs are written as references too, so they
 * survive attribute-value normalization (Pacemaker's own escaping does the same).
 *
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 * escapeXml('one\ntwo\x01', { attribute: true }) // 'one&#10;two\ufffd'
 */
export function escapeXml(value: string, options: { attribute?: boolean } = {}): string {
  if (plain(value)) return value;
  const escapes = options.attribute ? ATTRIBUTE_ESCAPES : ESCAPES;
  let out = '';
  for (const ch of value) out += isXmlChar(ch.codePointAt(0) as number) ? (escapes[ch] ?? ch) : '\ufffd';
  return out;
}

/** Renders `name="value"` pairs, skipping undefined values, in the given order. */
export function attrs(pairs: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v), { attribute: true })}"`)
    .join('');
}
