/**
 * IPaddr's parameters, with the names ocf:heartbeat:IPaddr2 / IPaddr use so existing CIBs keep
 * working. Semantic checks (address syntax, masks, labels) live in `config.ts`, where the
 * messages can name the bad value precisely.
 */
import type { AgentContext } from '@ocfkit/sdk';

export const params = {
  ip: {
    type: 'string',
    shortdesc: 'IPv4 address',
    longdesc: 'The virtual IPv4 address to manage, e.g. 192.168.1.10. IPv6 is not supported yet.',
    required: true,
    unique: true,
  },
  nic: {
    type: 'string',
    shortdesc: 'Network interface',
    longdesc:
      'The interface to put the address on. When empty, the interface of the directly connected route with the longest prefix matching ip is used (as heartbeat findif does). The deprecated form nic:label sets iflabel.',
  },
  cidr_netmask: {
    type: 'string',
    shortdesc: 'Netmask',
    longdesc:
      'The prefix length of the address, in bits (24) or as a dotted netmask (255.255.255.0). When empty, the prefix of the matching connected route is used.',
  },
  broadcast: {
    type: 'string',
    shortdesc: 'Broadcast address',
    longdesc:
      'The broadcast address, or "+" (host bits set) / "-" (host bits clear) as iproute2 understands them. When empty, "+" is used for prefixes shorter than /31.',
  },
  iflabel: {
    type: 'string',
    shortdesc: 'Interface label',
    longdesc: 'A label: the address is added as <nic>:<iflabel> (at most 15 characters in total), visible in ifconfig and ip addr.',
  },
  lvs_support: {
    type: 'boolean',
    shortdesc: 'Enable support for LVS Direct Routing',
    longdesc:
      'For LVS-DR real servers: on start, remove a copy of the address from the loopback interface; on stop, put it back on lo as a /32.',
    default: false,
  },
  arp_count: {
    type: 'integer',
    shortdesc: 'Gratuitous ARPs to send',
    longdesc: 'How many gratuitous ARP requests (arping -U) to send after adding the address.',
    default: 5,
    min: 1,
    max: 1000,
  },
  arp_interval: {
    type: 'integer',
    shortdesc: 'ARP interval in ms',
    longdesc: 'Milliseconds between gratuitous ARP requests.',
    default: 200,
    min: 1,
    max: 60000,
  },
  arp_bg: {
    type: 'boolean',
    shortdesc: 'Send ARPs in the background',
    longdesc:
      'Send the gratuitous ARPs from a background process so start returns at once. The sender is tracked in a pid file under HA_RSCTMP and killed by stop.',
    default: true,
  },
  run_arping: {
    type: 'boolean',
    shortdesc: 'Refuse to start when the address is already in use',
    longdesc:
      'Before adding the address, run duplicate address detection (arping -D); when another host answers for the address, start fails.',
    default: false,
  },
  flush_routes: {
    type: 'boolean',
    shortdesc: 'Flush the routing cache on stop',
    longdesc: 'Run "ip route flush cache" after removing the address.',
    default: false,
  },
  // ocf:heartbeat:IPaddr's own names, so a CIB written for it keeps its settings (see aliases.ts).
  local_start_script: {
    type: 'string',
    shortdesc: 'Program run before the address is added',
    longdesc:
      'Absolute path of an executable file run on start just before the address is added, with the arguments ip and nic (never through a shell). Its exit status is logged and does not fail the start, as in heartbeat IPaddr.',
  },
  local_stop_script: {
    type: 'string',
    shortdesc: 'Program run before the address is released',
    longdesc:
      'Absolute path of an executable file run on stop just before the address is removed, with the arguments ip and nic (never through a shell). Its exit status is logged and does not fail the stop.',
  },
  ARP_INTERVAL_MS: {
    type: 'integer',
    shortdesc: 'milliseconds between gratuitous ARPs',
    longdesc: 'heartbeat IPaddr name of arp_interval; used when arp_interval is not set.',
    deprecated: { replacedWith: 'arp_interval' },
    min: 1,
    max: 60000,
  },
  ARP_REPEAT: {
    type: 'integer',
    shortdesc: 'repeat count',
    longdesc: 'heartbeat IPaddr name of arp_count; used when arp_count is not set.',
    deprecated: { replacedWith: 'arp_count' },
    min: 1,
    max: 1000,
  },
  ARP_BACKGROUND: {
    type: 'boolean',
    shortdesc: 'run in background',
    longdesc: 'heartbeat IPaddr name of arp_bg; used when arp_bg is not set.',
    deprecated: { replacedWith: 'arp_bg' },
  },
  ARP_NETMASK: {
    type: 'string',
    shortdesc: 'netmask for ARP',
    longdesc:
      'heartbeat IPaddr send_arp target hardware address, twelve hex digits. Gratuitous ARP requests always go to the broadcast MAC (ffffffffffff, the default); another value is logged and ignored.',
    deprecated: true,
    pattern: '^[0-9A-Fa-f]{12}$',
  },
} as const;

/** The context every IPaddr module works with. */
export type Ctx = AgentContext<typeof params>;
