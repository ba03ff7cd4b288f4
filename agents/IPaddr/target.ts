/**
 * Where the address goes on this host: the interface (given, or found from the routing table),
 * the prefix and the broadcast. All reads go through `ip` (iproute2).
 */
import { fail } from '@ocfkit/sdk';
import { fullLabel, type StaticConfig, staticConfig } from './config';
import { type AddrEntry, longestPrefix, parseAddrs, parseRoutes, type RouteEntry, splitLinks } from './ip-output';
import { readIp } from './ip-read';
import type { Ctx } from './params';

/** The resolved placement of the address. */
export interface Target {
  ip: string;
  nic: string;
  /** Prefix length; known when resolved for a start (or configured). */
  prefix?: number;
  broadcast?: string;
  /** Address label (`nic:iflabel`), when configured. */
  label?: string;
}

/**
 * The checked static configuration, or an `OCF_ERR_CONFIGURED` error naming the bad value.
 *
 * @example
 * const cfg = checkedConfig(ctx); // throws OcfError(6) for ip=bogus
 */
export function checkedConfig(ctx: Ctx): StaticConfig {
  const r = staticConfig(ctx.params);
  if (!r.ok) return fail.configured(r.error);
  return r.value;
}

const snapshots = new WeakMap<Ctx, Promise<AddrEntry[]>>();

/**
 * Every IPv4 address on the host (`ip -o -4 addr show`). The listing is read once per
 * invocation and reused until {@link forgetAddrs} (which every change calls), so a monitor
 * costs a single `ip` run.
 *
 * @example
 * (await listAddrs(ctx)).filter((a) => a.local === ctx.params.ip)
 */
export function listAddrs(ctx: Ctx): Promise<AddrEntry[]> {
  let list = snapshots.get(ctx);
  if (list === undefined) {
    list = readIp(ctx, ['-o', '-4', 'addr', 'show']).then((r) => parseAddrs(r.stdout));
    snapshots.set(ctx, list);
  }
  return list;
}

/** The connected routes of the address as {@link listAddrsForStart} listed them. */
const listedRoutes = new WeakMap<Ctx, RouteEntry[]>();

/**
 * {@link listAddrs} for a start that must find its interface (no nic): one `ip -o -4 -batch -`
 * lists the addresses, the connected routes of `ip` and the links' flags (the three outputs do
 * not mix: an address line has no `dev` word, a route no `inet`, a link its `<flags>`), so the
 * route lookup and the link check before the address need no `ip` of their own — one process
 * instead of two before the address goes up on a failover's path. `ip` must be a checked dotted quad.
 *
 * @example
 * await listAddrsForStart(ctx, '10.0.0.5'); // then resolveTarget(…, { withLinks: true }) runs no ip
 */
export function listAddrsForStart(ctx: Ctx, ip: string): Promise<AddrEntry[]> {
  let list = snapshots.get(ctx);
  if (list === undefined) {
    const input = `addr show\n${routeQuery(ip).join(' ')}\nlink show\n`;
    list = readIp(ctx, ['-o', '-4', '-batch', '-'], { input }).then((r) => {
      const { links: flags, rest } = splitLinks(r.stdout);
      links.set(ctx, flags);
      listedRoutes.set(ctx, parseRoutes(rest));
      return parseAddrs(rest);
    });
    snapshots.set(ctx, list);
  }
  return list;
}

/** `route list match IP …` for the connected routes of `ip` (for 127/8 the local table, as heartbeat findif does). */
function routeQuery(ip: string): string[] {
  // Loopback networks live in the local table only (`local 127.0.0.0/8 dev lo scope host`).
  return ['route', 'list', 'match', ip, ...(ip.startsWith('127.') ? ['table', 'local'] : ['scope', 'link'])];
}

/**
 * Drops the cached listing: call it after changing addresses.
 *
 * @example
 * await ctx.exec('ip', ['-4', 'addr', 'add', '10.0.0.5/24', 'dev', 'eth0']);
 * forgetAddrs(ctx);
 */
export function forgetAddrs(ctx: Ctx): void {
  snapshots.delete(ctx);
}

/**
 * After a successful `ip addr add`: the listing becomes `before` (read earlier in this invocation)
 * with the added address, so the status that confirms the start needs no second `ip` run. `ip`
 * exits 0 only once the kernel has taken the address (heartbeat's IPaddr2 trusts the same exit).
 *
 * @example
 * recordAdded(ctx, before, { ifname: 'eth0', local: '10.0.0.5', prefix: 24, label: 'eth0' });
 */
export function recordAdded(ctx: Ctx, before: readonly AddrEntry[], added: AddrEntry): void {
  const others = before.filter((a) => !(a.ifname === added.ifname && a.local === added.local));
  snapshots.set(ctx, Promise.resolve([...others, added]));
}

/** True when the link exists (`ip -o link show dev NIC` succeeds). */
async function linkExists(ctx: Ctx, nic: string): Promise<boolean> {
  const r = await readIp(ctx, ['-o', 'link', 'show', 'dev', nic], { check: false });
  if (r.exitCode === 0) return true;
  if (/does not exist|Cannot find device/i.test(r.stderr)) return false;
  return fail.generic(`ip link show dev ${nic} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
}

/**
 * The connected routes that contain `ip` (`ip -o -4 route list match IP scope link`; for 127/8
 * the local table, as heartbeat findif does). No `dev`
 * filter here: iproute2 then leaves `dev` out of its output; the caller filters instead.
 */
async function connectedRoutes(ctx: Ctx, ip: string, withLinks: boolean) {
  const listed = listedRoutes.get(ctx);
  if (listed !== undefined) return listed;
  if (!withLinks) return parseRoutes((await readIp(ctx, ['-o', '-4', ...routeQuery(ip)])).stdout);
  // A start reads the link's flags next (garp.ts linkFlags): one `ip -batch` lists the routes and
  // the links, one process less on a failover's path (ip is a checked dotted quad: one line each).
  const input = `${routeQuery(ip).join(' ')}\nlink show\n`;
  const { links: flags, rest } = splitLinks((await readIp(ctx, ['-o', '-4', '-batch', '-'], { input })).stdout);
  links.set(ctx, flags);
  return parseRoutes(rest);
}

const links = new WeakMap<Ctx, Map<string, string[]>>();

/**
 * The flags of `nic` as a start's route lookup listed them (see {@link resolveTarget}'s `withLinks`),
 * or undefined when it did not list the links.
 *
 * @example
 * listedLinkFlags(ctx, 'eth0') // ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']
 */
export function listedLinkFlags(ctx: Ctx, nic: string): string[] | undefined {
  return links.get(ctx)?.get(nic);
}

/**
 * The routes findif would consider: without a configured nic, a configured prefix must lie inside
 * the route's network (`ip route list match IP/PREFIX`), so a /16 is not put on a /24 interface.
 * Loopback addresses come from the local table, where findif does not apply the prefix.
 */
function routesFitting(routes: readonly RouteEntry[], cfg: StaticConfig): readonly RouteEntry[] {
  if (cfg.nic !== undefined || cfg.prefix === undefined || cfg.ip.startsWith('127.')) return routes;
  const prefix = cfg.prefix;
  return routes.filter((r) => r.prefix <= prefix);
}

/**
 * Finds where the address belongs. `needPrefix` (start, validate-all) also determines the prefix
 * length. A configured interface that does not exist is `OCF_ERR_CONFIGURED` when `missingNic`
 * says so (start, validate-all) and a generic error otherwise (a recurring monitor: the
 * interface vanished); no matching route without a configured nic is a generic error.
 *
 * @example
 * const t = await resolveTarget(ctx, await listAddrs(ctx), { needPrefix: true, missingNic: 6 });
 */
export async function resolveTarget(
  ctx: Ctx,
  addrs: readonly AddrEntry[],
  options: {
    needPrefix: boolean;
    missingNic: 1 | 6 /** A start: list the links' flags with the routes, when routes are read. */;
    withLinks?: boolean;
  },
): Promise<Target> {
  const cfg = checkedConfig(ctx);
  for (const w of cfg.warnings) ctx.log.warn(w);
  let nic = cfg.nic;
  let prefix = cfg.prefix;
  if (nic !== undefined) {
    if (!addrs.some((a) => a.ifname === nic) && !(await linkExists(ctx, nic))) {
      const why = `interface ${JSON.stringify(nic)} (parameter nic) does not exist`;
      return options.missingNic === 6 ? fail.configured(why) : fail.generic(why);
    }
  } else {
    // The interface already carrying the address is where findif would point (its connected route).
    const carriers = [...new Set(addrs.filter((a) => a.local === cfg.ip && a.ifname !== 'lo').map((a) => a.ifname))];
    if (carriers.length === 1 && !options.needPrefix) nic = carriers[0];
  }
  if (nic === undefined || (prefix === undefined && options.needPrefix)) {
    const routes = await connectedRoutes(ctx, cfg.ip, options.withLinks === true);
    const route = longestPrefix(routesFitting(routes, cfg), nic);
    if (route === undefined) {
      const wider = nic === undefined && cfg.prefix !== undefined ? longestPrefix(routes) : undefined;
      if (wider !== undefined) {
        // findif (IPaddr2's findif.sh) looks for a connected network containing ip/cidr_netmask
        // and refuses to guess when the configured prefix is wider than every such network.
        return fail.generic(
          `cidr_netmask=${cfg.prefix} is wider than ${wider.dst}/${wider.prefix} on ${wider.dev} and nic is unset: set nic or cidr_netmask>=${wider.prefix}`,
        );
      }
      if (nic === undefined) {
        return fail.generic(
          `no connected route matches ${cfg.ip} and nic is not set: cannot choose an interface (set nic and cidr_netmask)`,
        );
      }
      return fail.generic(`no connected route on ${nic} matches ${cfg.ip}: cannot determine the netmask (set cidr_netmask)`);
    }
    nic ??= route.dev;
    prefix ??= route.prefix;
  }
  const target: Target = { ip: cfg.ip, nic };
  if (prefix !== undefined) target.prefix = prefix;
  const broadcast = cfg.broadcast ?? (prefix !== undefined && prefix < 31 ? '+' : undefined);
  if (broadcast !== undefined) target.broadcast = broadcast;
  if (cfg.iflabel !== undefined) {
    const label = fullLabel(nic, cfg.iflabel);
    if (label.length > 15) fail.configured(`label ${JSON.stringify(label)} (nic:iflabel) is longer than 15 characters`);
    target.label = label;
  }
  return target;
}
