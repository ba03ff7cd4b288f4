/**
 * IPv4 text forms, pure: addresses, prefixes (bits or dotted quad) and broadcast values. Each
 * parser returns a value or an error message that names the bad input, never throws.
 */

/** A parse result: the value, or an error message naming the bad input. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/**
 * Parses a strict dotted quad (no leading zeros, which some tools read as octal) to a 32-bit
 * unsigned number.
 *
 * @example
 * parseIpv4('10.0.0.1') // 167772161
 * parseIpv4('10.0.0') // undefined
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/**
 * The network mask of a prefix length as a 32-bit unsigned number.
 *
 * @example
 * maskOf(24) // 0xffffff00
 */
export function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Checks that `text` is an IPv4 address a host can carry as a virtual address: not 0.0.0.0,
 * not multicast/reserved (224.0.0.0/3), not the limited broadcast.
 *
 * @example
 * parseVirtualIp('192.168.1.10') // { ok: true, value: 3232235786 }
 * parseVirtualIp('fe80::1').ok // false
 */
export function parseVirtualIp(text: string): Parsed<number> {
  const n = parseIpv4(text);
  if (n === undefined) {
    const v6 = text.includes(':') ? ' (IPv6 is not supported by this agent yet)' : '';
    return { ok: false, error: `parameter "ip" must be an IPv4 address such as 192.168.1.10, got ${JSON.stringify(text)}${v6}` };
  }
  if (n === 0 || n >>> 29 === 0b111) {
    return { ok: false, error: `parameter "ip" must be a unicast host address, got ${JSON.stringify(text)}` };
  }
  return { ok: true, value: n };
}

/**
 * Parses `cidr_netmask`: a prefix length (`24`) or a contiguous dotted-quad mask
 * (`255.255.255.0`), as the heartbeat agents accept both.
 *
 * @example
 * parsePrefix('255.255.255.0') // { ok: true, value: 24 }
 * parsePrefix('33').ok // false
 */
export function parsePrefix(text: string): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    error: `parameter "cidr_netmask" must be a prefix length 0-32 or a dotted netmask such as 255.255.255.0, got ${JSON.stringify(text)}${why}`,
  });
  if (/^\d{1,2}$/.test(text)) {
    const bits = Number(text);
    return bits <= 32 ? { ok: true, value: bits } : bad('');
  }
  const mask = parseIpv4(text);
  if (mask === undefined) return bad('');
  let bits = 0;
  while (bits < 32 && (mask & (0x80000000 >>> bits)) !== 0) bits++;
  if (maskOf(bits) !== mask) return bad(' (the mask is not contiguous)');
  return { ok: true, value: bits };
}

/**
 * Checks `broadcast`: a dotted quad, or iproute2's `+` (host bits set) / `-` (host bits clear).
 *
 * @example
 * parseBroadcast('+') // { ok: true, value: '+' }
 */
export function parseBroadcast(text: string): Parsed<string> {
  if (text === '+' || text === '-' || parseIpv4(text) !== undefined) return { ok: true, value: text };
  return { ok: false, error: `parameter "broadcast" must be an IPv4 address, "+" or "-", got ${JSON.stringify(text)}` };
}
