import { statSync } from 'node:fs';
import type { MetaData } from './metadata-model';

/** Parameters for a second instance, and what had to differ from the first. */
export interface SecondInstance {
  params: Record<string, string>;
  /** The parameters whose values differ from the first instance's, by name. */
  changed: string[];
  /** Directories the suite must create for the second instance (an existing directory's `.b` sibling). */
  mkdirs: string[];
}

type Kind = 'missing-path' | 'dir' | 'file' | 'other';

function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing-path';
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/\d{1,2})?$/;
const IPV6 = /^([0-9a-fA-F:]*:)([0-9a-fA-F]{1,4})(\/\d{1,3})?$/;
/** Parameter names that hold the address an instance manages (IPaddr2 ip, IPv6addr ipv6addr, SendArp ip...). */
const ADDRESS_NAME = /^(ip|ipaddr|ipv6addr|ipaddress|address|vip|[a-z_]*_ip)$/i;

/** The next address (last octet/group + 1, or - 1 at the top of the range), or undefined. */
export function nextAddress(v: string): string | undefined {
  const m4 = IPV4.exec(v);
  if (m4) {
    const octets = [1, 2, 3, 4].map((i) => Number(m4[i]));
    if (octets.some((o) => o > 255)) return undefined;
    const prefix = m4[5] === undefined ? 32 : Number(m4[5].slice(1));
    if (prefix > 32) return undefined;
    const n = octets.reduce((a, o) => a * 256 + o, 0);
    // a network (host bits zero, as in a route's destination): the next network of that size
    const block = prefix < 32 && n % 2 ** (32 - prefix) === 0 ? 2 ** (32 - prefix) : 1;
    const last = octets[3] as number;
    const next = block > 1 ? n + block : last >= 254 ? n - 1 : n + 1;
    if (next >= 2 ** 32) return undefined;
    const out = [24, 16, 8, 0].map((s) => Math.floor(next / 2 ** s) % 256).join('.');
    return `${out}${m4[5] ?? ''}`;
  }
  const m6 = IPV6.exec(v);
  if (m6 && v.includes(':')) {
    const last = Number.parseInt(m6[2] as string, 16);
    const next = last >= 0xfffe ? last - 1 : last + 1;
    return `${m6[1]}${next.toString(16)}${m6[3] ?? ''}`;
  }
  return undefined;
}

/** A second value for `v`, or undefined when its shape gives none. */
function vary(v: string): { value: string; mkdir?: boolean } | undefined {
  if (v.startsWith('/')) {
    const kind = kindOf(v);
    if (kind === 'missing-path') return { value: `${v}.b` };
    if (kind === 'dir') return { value: `${v.replace(/\/+$/, '')}.b`, mkdir: true };
    return undefined; // an existing file (a binary, a configuration): the instances may share it
  }
  const addr = nextAddress(v);
  if (addr !== undefined) return { value: addr };
  return undefined;
}

/**
 * Parameters for a second, independent instance (robust.two-instances), derived from the first's
 * where the meta-data lets the suite: a `unique` parameter gets a distinct value by its shape — a
 * path that does not exist yet gets a `.b` suffix, an existing directory a new `.b` sibling, an
 * address the next address, an integer + 1. When no parameter is unique, the paths (files the
 * agent creates, directories) and the parameters that hold the instance's address are varied the
 * same way. Returns the reason when nothing can tell two instances apart (then give `--second`).
 *
 * @example
 * deriveSecond(md, { link: '/tmp/x/link', target: '/tmp/x/target' })
 * // { params: { link: '/tmp/x/link.b', target: '/tmp/x/target' }, changed: ['link'], mkdirs: [] }
 */
export function deriveSecond(md: MetaData | undefined, params: Record<string, string>): SecondInstance | string {
  if (md === undefined) return 'no usable meta-data, so the parameters that must differ between instances are unknown';
  const out: SecondInstance = { params: { ...params }, changed: [], mkdirs: [] };
  const set = (name: string, v: { value: string; mkdir?: boolean }) => {
    out.params[name] = v.value;
    out.changed.push(name);
    if (v.mkdir) out.mkdirs.push(v.value);
  };
  const unique = md.params.filter((p) => p.unique && params[p.name] !== undefined);
  for (const p of unique) {
    const value = params[p.name] as string;
    const v = vary(value) ?? (/^\d+$/.test(value) ? { value: String(Number(value) + 1) } : undefined);
    if (v === undefined)
      return `cannot derive a second value for unique parameter ${p.name}=${JSON.stringify(value)}; give the second instance's parameters (--second NAME=VALUE, or "second" in conformance.json)`;
    set(p.name, v);
  }
  if (unique.length === 0)
    for (const [name, value] of Object.entries(params)) {
      const isPath = value.startsWith('/');
      if (!isPath && !ADDRESS_NAME.test(name)) continue;
      const v = vary(value);
      if (v !== undefined) set(name, v);
    }
  if (out.changed.length === 0)
    return 'no parameter tells two instances apart (none is unique, and none is a path or an address the suite can vary); give the second instance\'s parameters (--second NAME=VALUE, or "second" in conformance.json)';
  return out;
}

/** `k=v, k=v` of the named parameters, for reports. */
export function describeParams(params: Record<string, string>, names: readonly string[]): string {
  return names.map((n) => `${n}=${params[n] ?? '(unset)'}`).join(', ');
}
