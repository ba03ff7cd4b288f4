/**
 * Reads one setting from postgresql.conf text, the way the server does for a plain file: the last
 * uncommented `name = value` (or `name value`) wins, names are case-insensitive, values may be
 * single-quoted with `''` or `\'` for a quote, and `#` starts a comment outside quotes.
 * `include` directives are not followed.
 *
 * @example
 * confParam("port = 5433\nunix_socket_directories = '/run/pg'  # sockets\n", 'unix_socket_directories') // '/run/pg'
 */
export function confParam(text: string, name: string): string | undefined {
  const want = name.toLowerCase();
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][\w.]*)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m || m[1]?.toLowerCase() !== want) continue;
    const value = parseValue(m[2] ?? '');
    if (value !== undefined) found = value;
  }
  return found;
}

function parseValue(rest: string): string | undefined {
  const text = rest.trim();
  if (text.startsWith("'")) {
    let out = '';
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      const next = text[i + 1];
      if (c === "'" && next === "'") {
        out += "'";
        i++;
      } else if (c === '\\' && next !== undefined) {
        out += next;
        i++;
      } else if (c === "'") return out;
      else out += c;
    }
    return undefined; // unterminated quote: the server rejects the file too
  }
  const bare = text.split('#')[0]?.trim() ?? '';
  return bare === '' ? undefined : bare;
}
