/**
 * Parsers for iproute2's one-line output (`ip -o -4 addr show`, `ip -o -4 route list`), pure.
 */
import { parseIpv4 } from './ipv4';

/** One IPv4 address as `ip -o -4 addr show` lists it. */
export interface AddrEntry {
  /** Interface name, without any `@peer` suffix. */
  ifname: string;
  /** The local address, dotted quad. */
  local: string;
  /** Prefix length (32 when none is printed). */
  prefix: number;
  /** The address label (`eth0:vip`), or the interface name when it has none. */
  label: string;
}

/** One IPv4 route as `ip -o -4 route list` prints it. */
export interface RouteEntry {
  /** Destination network, dotted quad (`0.0.0.0` for `default`). */
  dst: string;
  prefix: number;
  dev: string;
  /** Has a gateway (`via`): not a directly connected network. */
  via: boolean;
}

const ADDR_LINE = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?:\s+peer\s+\S+?\/(\d+))?(.*)$/;

/**
 * Parses `ip -o -4 addr show` output; lines that are not IPv4 addresses are skipped.
 *
 * @example
 * parseAddrs('6: va    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary va:vip\\       valid_lft forever')
 * // [{ ifname: 'va', local: '10.0.0.5', prefix: 24, label: 'va:vip' }]
 */
export function parseAddrs(text: string): AddrEntry[] {
  const out: AddrEntry[] = [];
  for (const line of text.split('\n')) {
    const m = ADDR_LINE.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    const ifname = m[1].replace(/@.*$/, '');
    const rest = (m[5] ?? '').split('\\')[0] ?? '';
    const words = rest.trim().split(/\s+/);
    const last = words[words.length - 1] ?? '';
    const label = last === ifname || last.startsWith(`${ifname}:`) ? last : ifname;
    out.push({ ifname, local: m[2], prefix: Number(m[4] ?? m[3] ?? 32), label });
  }
  return out;
}

/**
 * Parses `ip -o -4 route list` output. Routes without a device (blackhole, unreachable) are
 * skipped; a leading route type word (`unicast`, `local`) is ignored.
 *
 * @example
 * parseRoutes('10.0.0.0/24 dev va proto kernel scope link src 10.0.0.1')
 * // [{ dst: '10.0.0.0', prefix: 24, dev: 'va', via: false }]
 */
export function parseRoutes(text: string): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words[0] !== 'default' && parseIpv4((words[0] ?? '').split('/')[0] ?? '') === undefined) words.shift();
    const first = words[0];
    const devAt = words.indexOf('dev');
    const dev = devAt >= 0 ? words[devAt + 1] : undefined;
    if (first === undefined || dev === undefined) continue;
    const [dst, bits] = first === 'default' ? ['0.0.0.0', '0'] : first.split('/');
    if (dst === undefined || parseIpv4(dst) === undefined) continue;
    out.push({ dst, prefix: Number(bits ?? 32), dev, via: words.includes('via') });
  }
  return out;
}

const LINK_LINE = /^\d+:\s+([^:@\s]+)(?:@[^:\s]*)?:\s+<([^>]*)>/;

/**
 * Splits the output of one `ip -o` batch that listed routes and then links (`link show`): each link's
 * flags by name (UP, NOARP, LOOPBACK…, as between `<` and `>`), and the other lines (the routes).
 *
 * @example
 * splitLinks('10.0.0.0/24 dev va scope link\n5: va@if4: <BROADCAST,UP,LOWER_UP> mtu 1500')
 * // { links: Map { 'va' => ['BROADCAST', 'UP', 'LOWER_UP'] }, rest: '10.0.0.0/24 dev va scope link' }
 */
export function splitLinks(text: string): { links: Map<string, string[]>; rest: string } {
  const links = new Map<string, string[]>();
  const rest: string[] = [];
  for (const line of text.split('\n')) {
    const m = LINK_LINE.exec(line.trim());
    if (m?.[1] !== undefined) links.set(m[1], (m[2] ?? '').split(',').filter(Boolean));
    else rest.push(line);
  }
  return { links, rest: rest.join('\n') };
}

/**
 * The directly connected route with the longest prefix (what heartbeat's findif picks), optionally
 * only routes through `dev`. Default routes and routes through a gateway never name the interface
 * a virtual address belongs on.
 *
 * @example
 * longestPrefix(parseRoutes('10.0.0.0/16 dev a\n10.0.1.0/24 dev b'))?.dev // 'b'
 */
export function longestPrefix(routes: readonly RouteEntry[], dev?: string): RouteEntry | undefined {
  let best: RouteEntry | undefined;
  for (const r of routes) {
    if (r.via || r.prefix === 0) continue;
    if (dev !== undefined && r.dev !== dev) continue;
    if (best === undefined || r.prefix > best.prefix) best = r;
  }
  return best;
}
