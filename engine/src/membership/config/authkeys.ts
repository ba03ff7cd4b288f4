import { ConfigError } from './config-error';
import type { Parsed } from './ha-cf';
import type { AuthKey, AuthMethod } from './types';

const METHODS: readonly AuthMethod[] = ['sha256', 'sha1', 'md5', 'crc'];

/**
 * Parses Heartbeat's `authkeys`: `auth N` selects key N; lines `N sha256|sha1|md5 KEY` (the key
 * is the rest of the line) and `N crc` define keys. Returns the active key. `crc` (a checksum
 * that authenticates nothing) is refused unless `allowCrc`. Malformed lines throw a
 * {@link ConfigError} with file:line.
 *
 * @example
 * parseAuthkeys('auth 1\n1 sha256 s3cret\n', '/etc/ha.d/authkeys').value // { index: 1, method: 'sha256', key: 's3cret' }
 */
export function parseAuthkeys(text: string, file: string, opts: { allowCrc?: boolean } = {}): Parsed<AuthKey> {
  const keys = new Map<number, AuthKey & { line: number }>();
  const warnings: Parsed<AuthKey>['warnings'] = [];
  let active: { index: number; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fail = (reason: string): never => {
      throw new ConfigError(file, lineNo, reason);
    };
    const m = /^(\S+)\s*(\S*)\s*(.*)$/.exec(raw)!;
    const [, first, second, rest] = m as unknown as [string, string, string, string];
    if (first.toLowerCase() === 'auth') {
      if (!/^\d+$/.test(second) || rest !== '') fail(`"auth" takes one key number (auth 1), got "${raw.slice(4).trim()}"`);
      if (active) warnings.push({ file, line: lineNo, message: `auth given again (first on line ${active.line}); the last one wins` });
      active = { index: Number(second), line: lineNo };
      continue;
    }
    if (!/^\d+$/.test(first)) fail(`expected "auth N" or "N method key", got "${first}"`);
    const index = Number(first);
    const method = second.toLowerCase() as AuthMethod;
    if (!METHODS.includes(method)) fail(`key ${index}: unknown method "${second}" (sha256, sha1, md5 or crc)`);
    if (method === 'crc') {
      if (rest !== '') fail(`key ${index}: crc takes no key`);
    } else if (rest === '') fail(`key ${index}: ${method} needs a key after the method`);
    if (keys.has(index)) fail(`key ${index} defined twice (first on line ${keys.get(index)!.line})`);
    keys.set(index, { index, method, key: rest, line: lineNo });
  }
  if (!active) throw new ConfigError(file, 0, 'no "auth N" line: name the key to use (auth 1)');
  const key = keys.get(active.index);
  if (!key) throw new ConfigError(file, active.line, `auth ${active.index}: there is no key ${active.index} line`);
  if (key.method === 'crc' && !opts.allowCrc) {
    throw new ConfigError(
      file,
      key.line,
      'crc authenticates nothing (anyone on the network can join and send cluster commands); use sha256, or set auth_allow_crc on in ha.cf to accept it',
    );
  }
  if (key.method === 'crc') warnings.push({ file, line: key.line, message: 'crc: cluster messages are NOT authenticated' });
  return { value: { index: key.index, method: key.method, key: key.key }, warnings };
}

/**
 * Refuses an authkeys file that group or others may read or write, as Heartbeat does (mode 0600).
 *
 * @example
 * checkAuthkeysMode('/etc/ha.d/authkeys', 0o100644) // throws: mode 0644, must be 0600
 */
export function checkAuthkeysMode(file: string, mode: number): void {
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      file,
      0,
      `mode ${(mode & 0o777).toString(8).padStart(4, '0')}: others may read the cluster key; chmod 600 ${file}`,
    );
  }
}
