/**
 * The domain name a Xen config file sets with its `name = "..."` line (xl.cfg(5), xmdomain.cfg(5)),
 * or undefined when there is none or it holds a `%` or whitespace or starts with `-` — the heartbeat agent then
 * falls back to the resource id, and so do we.
 *
 * @example
 * nameFromConfig('memory = 512\nname = "web1"\n') // 'web1'
 */
export function nameFromConfig(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!/^name(\s*=|$)/.test(line)) continue;
    const value = line
      .replace(/^name\s*=?\s*/, '')
      .replace(/\s+#.*$/, '')
      .replace(/["']/g, '')
      .trim();
    // A name xl would take for an option is not used: the resource id names the guest instead.
    if (value === '' || /[%\s]/.test(value) || value.startsWith('-')) return undefined;
    return value;
  }
  return undefined;
}
