const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/** True when a value needs no escaping at all (the common case, checked without allocating). */
function plain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x3c || c === 0x3e || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe) return false;
  }
  return true;
}

/**
 * Escapes a value for a double-quoted XML attribute. Whitespace that attribute-value
 * normalization would turn into spaces is written as character references; characters XML 1.0
 * cannot carry at all (other C0 controls, unpaired surrogates, U+FFFE/U+FFFF) become U+FFFD.
 *
 * @example
 * escapeXmlAttr('a<b & "c"') // 'a&lt;b &amp; &quot;c&quot;'
 */
export function escapeXmlAttr(value: string): string {
  if (plain(value)) return value;
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    out += allowed ? (escapes[ch] ?? ch) : '\ufffd';
  }
  return out;
}
