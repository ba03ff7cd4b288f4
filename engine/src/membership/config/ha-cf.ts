import { ConfigError } from './config-error';
import { heartbeatMs } from './duration';
import { type ClusterConfig, type ConfigWarning, DEFAULTS, type Medium } from './types';

/** What parsing a configuration file gives: the settings and every warning, with file:line. */
export interface Parsed<T> {
  value: T;
  warnings: ConfigWarning[];
}

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const IFACE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,15}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/;

/** Heartbeat directives ocfkit reads from ha.cf. Anything else is warned about and ignored. */
const KNOWN = [
  'keepalive',
  'warntime',
  'deadtime',
  'initdead',
  'udpport',
  'bcast',
  'mcast',
  'ucast',
  'node',
  'crm',
  'pacemaker',
  'use_logd',
  'logfacility',
  'logfile',
  'debugfile',
  'auto_failback',
  // ocfkit extensions (votequorum's settings and the crc opt-in)
  'quorum_votes',
  'two_node',
  'wait_for_all',
  'auth_allow_crc',
] as const;

function onOff(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (['on', 'yes', 'true', '1', 'y'].includes(l)) return true;
  if (['off', 'no', 'false', '0', 'n'].includes(l)) return false;
  return undefined;
}

/**
 * Parses Heartbeat's `ha.cf` text. Unknown directives become warnings naming file:line;
 * malformed ones (a bad time, a missing interface, an out-of-range port...) throw a
 * {@link ConfigError} naming file:line and the reason, so the daemon refuses to start.
 *
 * @example
 * const { value } = parseHaCf('keepalive 2\ndeadtime 24\nbcast eth1\nnode srv01 srv02\n', '/etc/ha.d/ha.cf');
 * value.deadtimeMs // 24000
 */
export function parseHaCf(text: string, file: string): Parsed<ClusterConfig> {
  const warnings: ConfigWarning[] = [];
  const seen = new Map<string, number>();
  const times: Partial<Record<'keepalive' | 'warntime' | 'deadtime' | 'initdead', { ms: number; line: number }>> = {};
  const media: Medium[] = [];
  const nodes: string[] = [];
  const votes: Record<string, number> = {};
  const cfg: Omit<ClusterConfig, 'keepaliveMs' | 'warntimeMs' | 'deadtimeMs' | 'initdeadMs' | 'media' | 'nodes'> = {
    udpport: DEFAULTS.udpport,
    crm: 'off',
    logging: { useLogd: false, facility: null, logfile: null, debugfile: null },
    quorum: { votes, twoNode: false, waitForAll: false },
    allowCrc: false,
  };
  let twoNodeLine = 0;
  let waitForAllSet = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.replace(/(^|\s)#.*$/, '').trim();
    if (raw === '') continue;
    const [directive, ...args] = raw.split(/\s+/) as [string, ...string[]];
    const d = directive.toLowerCase();
    const fail = (reason: string): never => {
      throw new ConfigError(file, lineNo, reason);
    };
    if (!(KNOWN as readonly string[]).includes(d)) {
      warnings.push({ file, line: lineNo, message: `unknown directive "${directive}" ignored` });
      continue;
    }
    const scalar = !['bcast', 'mcast', 'ucast', 'node', 'quorum_votes'].includes(d);
    if (scalar && seen.has(d)) {
      warnings.push({ file, line: lineNo, message: `${d} given again (first on line ${seen.get(d)}); the last one wins` });
    }
    seen.set(d, lineNo);
    const one = (what: string): string => {
      if (args.length !== 1) fail(`${d} takes exactly one ${what}, got ${args.length === 0 ? 'none' : `"${args.join(' ')}"`}`);
      return args[0]!;
    };
    const flag = (): boolean => {
      const v = onOff(one('on|off'));
      if (v === undefined) fail(`${d} must be on or off (yes/no), got "${args[0]}"`);
      return v!;
    };
    switch (d) {
      case 'keepalive':
      case 'warntime':
      case 'deadtime':
      case 'initdead': {
        const v = one('time');
        const ms = heartbeatMs(v);
        if (ms === undefined) fail(`${d} "${v}" is not a time (seconds such as 2 or 1.5, or 500ms)`);
        if (ms! <= 0) fail(`${d} "${v}" must be more than 0`);
        times[d] = { ms: ms!, line: lineNo };
        break;
      }
      case 'udpport': {
        const v = one('port');
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) fail(`udpport "${v}" is not a port number (1-65535)`);
        cfg.udpport = n;
        break;
      }
      case 'bcast':
        if (args.length === 0) fail('bcast needs at least one interface (e.g. bcast eth1)');
        for (const a of args) {
          if (!IFACE.test(a)) fail(`bcast interface "${a}" is not an interface name`);
          media.push({ kind: 'bcast', interface: a });
        }
        break;
      case 'mcast': {
        if (args.length !== 5) fail(`mcast takes 5 arguments (interface group port ttl loop), got ${args.length}`);
        const [iface, group, port, ttl, loop] = args as [string, string, string, string, string];
        if (!IFACE.test(iface)) fail(`mcast interface "${iface}" is not an interface name`);
        const first = Number(group.split('.')[0]);
        if (!IPV4.test(group) || first < 224 || first > 239)
          fail(`mcast group "${group}" is not an IPv4 multicast address (224.0.0.0-239.255.255.255)`);
        if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`mcast port "${port}" is not a port number (1-65535)`);
        if (!/^\d+$/.test(ttl) || Number(ttl) < 1 || Number(ttl) > 255) fail(`mcast ttl "${ttl}" must be 1-255`);
        if (loop !== '0' && loop !== '1') fail(`mcast loop "${loop}" must be 0 or 1`);
        media.push({ kind: 'mcast', interface: iface, group, port: Number(port), ttl: Number(ttl), loop: loop === '1' });
        break;
      }
      case 'ucast': {
        if (args.length !== 2) fail(`ucast takes 2 arguments (interface peer-address), got ${args.length}`);
        const [iface, peer] = args as [string, string];
        if (!IFACE.test(iface)) fail(`ucast interface "${iface}" is not an interface name`);
        if (!IPV4.test(peer) && !HOST.test(peer)) fail(`ucast peer "${peer}" is not an IPv4 address or host name`);
        media.push({ kind: 'ucast', interface: iface, peer });
        break;
      }
      case 'node':
        if (args.length === 0) fail('node needs at least one node name');
        for (const a of args) {
          if (!NODE_NAME.test(a)) fail(`node name "${a}" may hold only letters, digits, ".", "_" and "-" (at most 63)`);
          if (nodes.includes(a)) warnings.push({ file, line: lineNo, message: `node "${a}" listed twice` });
          else nodes.push(a);
        }
        break;
      case 'crm':
      case 'pacemaker': {
        const v = one('on|respawn|off').toLowerCase();
        if (v === 'respawn') cfg.crm = 'respawn';
        else {
          const b = onOff(v);
          if (b === undefined) fail(`${d} must be on, respawn or off, got "${args[0]}"`);
          cfg.crm = b ? 'on' : 'off';
        }
        break;
      }
      case 'use_logd':
        cfg.logging.useLogd = flag();
        break;
      case 'logfacility': {
        const v = one('facility');
        cfg.logging.facility = v === 'none' ? null : v;
        break;
      }
      case 'logfile':
        cfg.logging.logfile = one('path');
        break;
      case 'debugfile':
        cfg.logging.debugfile = one('path');
        break;
      case 'auto_failback': {
        const v = one('on|off|legacy').toLowerCase();
        const b = v === 'legacy' ? true : onOff(v);
        if (b === undefined) fail(`auto_failback must be on, off or legacy, got "${args[0]}"`);
        cfg.stickiness = b ? 0 : 'INFINITY';
        warnings.push({
          file,
          line: lineNo,
          message: `auto_failback ${v} is a Heartbeat v1 setting; mapped to resource-stickiness=${cfg.stickiness} in rsc_defaults (set it in the CIB instead)`,
        });
        break;
      }
      case 'quorum_votes': {
        if (args.length !== 2) fail('quorum_votes takes a node name and a number of votes');
        const [node, n] = args as [string, string];
        if (!/^\d+$/.test(n) || Number(n) > 255) fail(`quorum_votes for ${node}: "${n}" is not a number of votes (0-255)`);
        votes[node] = Number(n);
        break;
      }
      case 'two_node':
        cfg.quorum.twoNode = flag();
        twoNodeLine = lineNo;
        break;
      case 'wait_for_all':
        cfg.quorum.waitForAll = flag();
        waitForAllSet = true;
        break;
      case 'auth_allow_crc':
        cfg.allowCrc = flag();
        break;
    }
  }
  const keepaliveMs = times.keepalive?.ms ?? DEFAULTS.keepaliveMs;
  const deadtimeMs = times.deadtime?.ms ?? DEFAULTS.deadtimeMs;
  if (deadtimeMs <= keepaliveMs) {
    throw new ConfigError(
      file,
      times.deadtime?.line ?? times.keepalive?.line ?? 0,
      `deadtime (${deadtimeMs} ms) must be longer than keepalive (${keepaliveMs} ms)`,
    );
  }
  const warntimeMs = times.warntime?.ms ?? Math.max(keepaliveMs, Math.round(deadtimeMs / 2));
  if (times.warntime && warntimeMs >= deadtimeMs) {
    warnings.push({
      file,
      line: times.warntime.line,
      message: `warntime (${warntimeMs} ms) is not shorter than deadtime (${deadtimeMs} ms): no late-heartbeat warning will ever be logged`,
    });
  }
  let initdeadMs = times.initdead?.ms ?? deadtimeMs;
  if (times.initdead && initdeadMs < deadtimeMs) {
    warnings.push({
      file,
      line: times.initdead.line,
      message: `initdead (${initdeadMs} ms) is shorter than deadtime (${deadtimeMs} ms); using deadtime`,
    });
    initdeadMs = deadtimeMs;
  }
  if (media.length === 0) throw new ConfigError(file, 0, 'no bcast, mcast or ucast line: there is no medium to send heartbeats on');
  if (nodes.length === 0) throw new ConfigError(file, 0, 'no node line: list every cluster node (node srv01 srv02)');
  for (const n of Object.keys(votes)) {
    if (!nodes.includes(n))
      throw new ConfigError(file, seen.get('quorum_votes') ?? 0, `quorum_votes names "${n}", which is not a node line's node`);
  }
  if (cfg.quorum.twoNode) {
    if (nodes.length !== 2) throw new ConfigError(file, twoNodeLine, `two_node needs exactly 2 nodes, ha.cf lists ${nodes.length}`);
    // votequorum: two_node turns wait_for_all on unless it is set explicitly.
    if (!waitForAllSet) cfg.quorum.waitForAll = true;
  }
  return { value: { ...cfg, keepaliveMs, warntimeMs, deadtimeMs, initdeadMs, media, nodes }, warnings };
}
