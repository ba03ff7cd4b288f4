/**
 * The static part of IPaddr's configuration: what can be checked from the parameters alone,
 * without looking at the host. Pure; every error names the parameter and the bad value.
 */
import { type Parsed, parseBroadcast, parsePrefix, parseVirtualIp } from './ipv4';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
const IFNAME_MAX = 15;
const IFNAME = /^[^\s/:]+$/;

/** The checked parameters. */
export interface StaticConfig {
  ip: string;
  /** The configured interface, without any `:label` suffix. */
  nic?: string;
  /** Prefix length from `cidr_netmask`. */
  prefix?: number;
  broadcast?: string;
  /** The full address label, `<nic>:<iflabel>`, when a label is configured and the nic known. */
  iflabel?: string;
  /** Non-fatal remarks (deprecated forms) to log. */
  warnings: string[];
}

/** The raw parameter values this module reads. */
interface RawParams {
  ip: string;
  nic?: string | undefined;
  cidr_netmask?: string | undefined;
  broadcast?: string | undefined;
  iflabel?: string | undefined;
}

/**
 * Checks the parameters that need no host access.
 *
 * @example
 * staticConfig({ ip: '10.0.0.5', nic: 'eth0:vip', cidr_netmask: '255.255.255.0' })
 * // { ok: true, value: { ip: '10.0.0.5', nic: 'eth0', prefix: 24, iflabel: 'vip', warnings: [...] } }
 */
export function staticConfig(p: RawParams): Parsed<StaticConfig> {
  const warnings: string[] = [];
  const ip = parseVirtualIp(p.ip);
  if (!ip.ok) return ip;
  const cfg: StaticConfig = { ip: p.ip, warnings };
  let label = p.iflabel;
  if (p.nic !== undefined) {
    const [nic = '', suffix] = p.nic.split(/:(.*)/s);
    if (nic.length > IFNAME_MAX || !IFNAME.test(nic)) {
      return {
        ok: false,
        error: `parameter "nic" must be an interface name of at most ${IFNAME_MAX} characters, got ${JSON.stringify(p.nic)}`,
      };
    }
    if (suffix !== undefined) {
      warnings.push(`nic=${p.nic}: the nic:label form is deprecated, use nic=${nic} iflabel=${suffix}`);
      label ??= suffix;
    }
    cfg.nic = nic;
  }
  if (p.cidr_netmask !== undefined) {
    const prefix = parsePrefix(p.cidr_netmask);
    if (!prefix.ok) return prefix;
    if (!/^\d+$/.test(p.cidr_netmask)) warnings.push(`cidr_netmask=${p.cidr_netmask} read as /${prefix.value}; prefer the bit count`);
    cfg.prefix = prefix.value;
  }
  if (p.broadcast !== undefined) {
    const b = parseBroadcast(p.broadcast);
    if (!b.ok) return b;
    cfg.broadcast = b.value;
  }
  if (label !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(label)) {
      return { ok: false, error: `parameter "iflabel" may contain only letters, digits, "_", "." and "-", got ${JSON.stringify(label)}` };
    }
    cfg.iflabel = label;
    if (cfg.nic !== undefined) {
      const full = fullLabel(cfg.nic, label);
      if (full.length > IFNAME_MAX) {
        return { ok: false, error: `label ${JSON.stringify(full)} (nic:iflabel) is longer than ${IFNAME_MAX} characters` };
      }
    }
  }
  return { ok: true, value: cfg };
}

/**
 * The address label iproute2 is given.
 *
 * @example
 * fullLabel('eth0', 'vip') // 'eth0:vip'
 */
export function fullLabel(nic: string, iflabel: string): string {
  return `${nic}:${iflabel}`;
}
