/**
 * ocf:heartbeat:IPaddr's parameter names beside IPaddr2's: ARP_INTERVAL_MS, ARP_REPEAT and
 * ARP_BACKGROUND mean arp_interval, arp_count and arp_bg. A value under the IPaddr2 name wins
 * when both are set (and the difference is logged); an old name alone takes effect.
 */
import type { Ctx } from './params';

/** The gratuitous ARP settings in effect. */
export interface ArpSettings {
  count: number;
  intervalMs: number;
  background: boolean;
}

/**
 * The value under the IPaddr2 name when the CIB set it, else the heartbeat IPaddr name's value when
 * set, else the IPaddr2 default.
 */
function choose<T>(ctx: Ctx, name: string, value: T, old: string, oldValue: T | undefined): T {
  if (oldValue === undefined) return value;
  if ((ctx.env[`OCF_RESKEY_${name}`] ?? '') === '') return oldValue;
  if (oldValue !== value) ctx.log.warn(`${old}=${String(oldValue)} ignored: ${name}=${String(value)} is set too`);
  return value;
}

/**
 * The ARP settings, with the heartbeat IPaddr names applied.
 *
 * @example
 * arpSettings(ctx) // { count: 10, intervalMs: 500, background: true } for ARP_REPEAT=10 ARP_INTERVAL_MS=500
 */
export function arpSettings(ctx: Ctx): ArpSettings {
  const p = ctx.params;
  if (p.ARP_NETMASK !== undefined && p.ARP_NETMASK.toLowerCase() !== 'ffffffffffff') {
    ctx.log.warn(`ARP_NETMASK=${p.ARP_NETMASK} ignored: gratuitous ARP requests go to the broadcast MAC ffffffffffff`);
  }
  return {
    count: choose(ctx, 'arp_count', p.arp_count, 'ARP_REPEAT', p.ARP_REPEAT),
    intervalMs: choose(ctx, 'arp_interval', p.arp_interval, 'ARP_INTERVAL_MS', p.ARP_INTERVAL_MS),
    background: choose(ctx, 'arp_bg', p.arp_bg, 'ARP_BACKGROUND', p.ARP_BACKGROUND),
  };
}
