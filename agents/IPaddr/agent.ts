/**
 * IPaddr — one virtual IPv4 address on a network interface; a drop-in for ocf:heartbeat:IPaddr2
 * and ocf:heartbeat:IPaddr (same parameter names).
 *
 * Manages: an IPv4 address added with `ip addr add` (iproute2), optionally labelled
 * (`nic:iflabel`). The interface is `nic`, or found from the routing table (longest connected
 * prefix, as heartbeat findif does). After adding it, gratuitous ARP requests are sent with
 * iputils `arping -U` (see garp.ts and README.md for why not resource-agents' send_arp).
 * Binaries: ip (iproute2), arping (iputils-arping). Start/stop need root (uid 0).
 * Clones: not supported (one address belongs on one node); a clone is refused (6). Not promotable.
 *
 * Exit codes beyond the SDK's: malformed ip/cidr_netmask/broadcast/nic/iflabel → 6; a configured
 * nic that does not exist → 6 on start/validate-all, 1 on a recurring monitor (it vanished),
 * 7 on a probe, 0 on stop; no connected route and no nic → 1 (probe 7, stop 0); missing ip → 5
 * (probe 7); not root when start/stop must change something → 4; a duplicate (run_arping) → 1.
 */
import { defineAgent, fail } from '@ocfkit/sdk';
import { addressInUse, arpCapable, linkFlags, sendGratuitousArp, stopSender } from './garp';
import { checkLocalScripts, runLocalScript } from './local-scripts';
import { type Ctx, params } from './params';
import { checkedConfig, forgetAddrs, listAddrs, listAddrsForStart, recordAdded, resolveTarget, type Target } from './target';

/** One resolution per invocation: validate computes it, status and the actions reuse it. */
const targets = new WeakMap<Ctx, Promise<Target>>();

/** Invocations whose start or stop has begun: from then on status reads the addresses afresh. */
const acting = new WeakSet<Ctx>();

/** Starts whose `ip addr add` succeeded: the next status answers from the recorded listing, once. */
const added = new WeakSet<Ctx>();

function target(ctx: Ctx): Promise<Target> {
  let t = targets.get(ctx);
  if (t === undefined) {
    const needPrefix = ctx.action === 'start' || ctx.action === 'validate-all';
    const withLinks = ctx.action === 'start';
    // A start that finds its interface from the routes lists addresses, routes and links in one `ip`.
    const cfg = withLinks ? checkedConfig(ctx) : undefined;
    const listing = cfg !== undefined && cfg.nic === undefined ? listAddrsForStart(ctx, cfg.ip) : listAddrs(ctx);
    t = listing.then((addrs) => resolveTarget(ctx, addrs, { needPrefix, missingNic: needPrefix ? 6 : 1, withLinks }));
    targets.set(ctx, t);
  }
  return t;
}

function requireRoot(ctx: Ctx): void {
  if (process.getuid?.() !== 0) fail.perm(`${ctx.action} of ${ctx.params.ip} needs root (uid 0) to change addresses`);
}

/** Interfaces carrying the address; with lvs_support the loopback copy does not count. */
async function carriers(ctx: Ctx) {
  return (await listAddrs(ctx)).filter((a) => a.local === ctx.params.ip && !(ctx.params.lvs_support && a.ifname === 'lo'));
}

export default defineAgent({
  name: 'IPaddr',
  version: '1.0.0',
  shortdesc: 'Manages a virtual IPv4 address',
  longdesc:
    'Adds one IPv4 address to a network interface with iproute2 and announces it with gratuitous ARP, so a service address can move between nodes. A drop-in for ocf:heartbeat:IPaddr2 and IPaddr: the same parameter names. The interface is nic, or the interface of the longest connected route matching ip. Gratuitous ARP is sent with iputils arping -U (package iputils-arping): unsolicited ARP requests to the broadcast MAC with sender and target set to the address, from which Linux neighbours update an existing cache entry (and create one when arp_accept is on). It is a small, widely packaged tool, so the agent needs nothing from resource-agents (whose send_arp sends request/reply pairs with millisecond intervals; IPaddr2 offers arping too, as arp_sender=iputils_arping). Interfaces without ARP (NOARP, loopback) get no ARP at all. arp_interval is honoured by starting one single-probe arping per interval, because iputils accepts whole seconds only. IPv6 is not supported yet. Needs root for start and stop.',
  metadata: 'portable',
  params,
  async status(ctx) {
    let t: Target | undefined;
    try {
      t = await target(ctx);
    } catch {
      // Only reached by a stop whose placement cannot be resolved: manage the address wherever it is.
    }
    // The status before a start or stop reuses validate's listing (read just before, nothing changed
    // since: a failover's start spawns one `ip` less), as a monitor does; once the action has begun,
    // status polls must see its changes.
    // The first status after a successful `ip addr add` (the SDK's confirmation of the start) answers
    // from validate's listing with that address recorded in it: one `ip` less before the start exits.
    if (acting.has(ctx) && !added.delete(ctx)) forgetAddrs(ctx);
    const on = await carriers(ctx);
    if (t !== undefined) return on.some((a) => a.ifname === t.nic) ? 'running' : 'stopped';
    return on.length > 0 ? 'running' : 'stopped';
  },
  async validate(ctx) {
    // The SDK skips the stop handler when the address is already gone; the sender must end anyway.
    if (ctx.action === 'stop') await stopSender(ctx);
    checkedConfig(ctx);
    ctx.requireBinary('ip');
    if (ctx.action === 'start' || ctx.action === 'validate-all') {
      ctx.requireBinary('arping');
      checkLocalScripts(ctx);
    }
    if ((ctx.meta.cloneMax ?? 1) > 1) fail.configured('IPaddr cannot be cloned: one address belongs on one node');
    await target(ctx);
  },
  actions: {
    async start(ctx) {
      requireRoot(ctx);
      acting.add(ctx);
      // validate's listing (read already, nothing changed since): the base of the one recorded after the add
      const before = await listAddrs(ctx);
      forgetAddrs(ctx);
      const t = await target(ctx);
      const { ip } = t;
      if (ctx.params.lvs_support && (await listAddrs(ctx)).some((a) => a.ifname === 'lo' && a.local === ip)) {
        await ctx.exec('ip', ['-4', 'addr', 'del', `${ip}/32`, 'dev', 'lo']);
        ctx.log.info(`lvs_support: removed ${ip} from lo`);
      }
      // One read of the link for both: brought up only when it is down (a failover's start
      // spawns one `ip` less), and whether it takes ARP (its flags do not change by going up).
      const flags = await linkFlags(ctx, t.nic);
      if (!flags.includes('UP')) {
        await ctx.exec('ip', ['link', 'set', 'dev', t.nic, 'up']);
        ctx.log.info(`brought ${t.nic} up`);
      }
      const arp = arpCapable(flags);
      if (!arp) ctx.log.info(`${t.nic} does not use ARP (NOARP or loopback): no duplicate check, no gratuitous ARP`);
      if (ctx.params.run_arping && arp && (await addressInUse(ctx, t.nic))) {
        fail.generic(`another host already answers ARP for ${ip} on ${t.nic} (run_arping): refusing to start`);
      }
      await runLocalScript(ctx, 'local_start_script', t.nic);
      const args = ['-4', 'addr', 'add', `${ip}/${t.prefix ?? 32}`];
      if (t.broadcast !== undefined) args.push('brd', t.broadcast);
      args.push('dev', t.nic);
      if (t.label !== undefined) args.push('label', t.label);
      await ctx.exec('ip', args);
      ctx.log.info(`added ${ip}/${t.prefix ?? 32} on ${t.label ?? t.nic}`);
      recordAdded(ctx, before, { ifname: t.nic, local: ip, prefix: t.prefix ?? 32, label: t.label ?? t.nic });
      added.add(ctx);
      if (arp) await sendGratuitousArp(ctx, t.nic);
    },
    async stop(ctx) {
      requireRoot(ctx);
      acting.add(ctx);
      forgetAddrs(ctx);
      await stopSender(ctx);
      let nic: string | undefined;
      try {
        nic = (await target(ctx)).nic;
      } catch {}
      for (const a of await carriers(ctx)) {
        if (nic !== undefined && a.ifname !== nic) continue;
        await runLocalScript(ctx, 'local_stop_script', a.ifname);
        await ctx.exec('ip', ['-4', 'addr', 'del', `${a.local}/${a.prefix}`, 'dev', a.ifname]);
        ctx.log.info(`removed ${a.local}/${a.prefix} from ${a.ifname}`);
      }
      forgetAddrs(ctx);
      if (ctx.params.lvs_support && !(await listAddrs(ctx)).some((a) => a.ifname === 'lo' && a.local === ctx.params.ip)) {
        await ctx.exec('ip', ['-4', 'addr', 'add', `${ctx.params.ip}/32`, 'dev', 'lo']);
        ctx.log.info(`lvs_support: put ${ctx.params.ip} back on lo`);
      }
      if (ctx.params.flush_routes) await ctx.exec('ip', ['-4', 'route', 'flush', 'cache']);
    },
  },
  timing: {
    start: { timeout: '20s' },
    stop: { timeout: '20s' },
    monitor: { timeout: '20s', interval: '10s', depth: 0 },
    'meta-data': { timeout: '5s' },
  },
});
