import { ConfigError } from './config-error';
import { type Parsed, parseHaCf } from './ha-cf';
import type { AuthKey, ClusterConfig } from './types';

/**
 * Parses ocfkit's own `cluster.json`, for new users: the same settings as ha.cf + authkeys in one
 * file (which must then be 0600, checked by the loader). Times are ha.cf times ("2", "500ms") or
 * numbers of seconds. The settings go through the ha.cf parser, so both files accept and refuse
 * exactly the same values; errors name the JSON field instead of a line.
 *
 * @example
 * parseClusterJson(JSON.stringify({ nodes: ['n1', 'n2', 'n3'], media: [{ kind: 'bcast', interface: 'eth1' }],
 *   keepalive: '200ms', deadtime: 1, auth: { method: 'sha256', key: 'k' } }), 'cluster.json')
 */
export function parseClusterJson(text: string, file: string): Parsed<{ config: ClusterConfig; auth: AuthKey }> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, 0, `not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(file, 0, 'must hold one JSON object');
  const o = doc as Record<string, unknown>;
  const lines: string[] = [];
  const paths: string[] = [];
  const add = (path: string, line: string) => {
    lines.push(line);
    paths.push(path);
  };
  const word = (path: string, v: unknown): string => {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'boolean') return v ? 'on' : 'off';
    if (typeof v === 'string' && v.trim() !== '' && !/[\s#]/.test(v)) return v;
    throw new ConfigError(file, 0, `${path}: ${JSON.stringify(v)} is not a single word, number or boolean`);
  };
  const known = [
    'keepalive',
    'warntime',
    'deadtime',
    'initdead',
    'udpport',
    'media',
    'nodes',
    'crm',
    'logging',
    'autoFailback',
    'quorum',
    'auth',
  ];
  const warnings: Parsed<unknown>['warnings'] = [];
  for (const k of Object.keys(o)) if (!known.includes(k)) warnings.push({ file, line: 0, message: `unknown field "${k}" ignored` });
  for (const k of ['keepalive', 'warntime', 'deadtime', 'initdead', 'udpport'] as const)
    if (o[k] !== undefined) add(k, `${k} ${word(k, o[k])}`);
  if (o.autoFailback !== undefined) add('autoFailback', `auto_failback ${word('autoFailback', o.autoFailback)}`);
  if (o.crm !== undefined) add('crm', `crm ${word('crm', o.crm)}`);
  if (!Array.isArray(o.nodes)) throw new ConfigError(file, 0, 'nodes: list every cluster node, e.g. ["n1", "n2", "n3"]');
  o.nodes.forEach((n, i) => {
    add(`nodes[${i}]`, `node ${word(`nodes[${i}]`, n)}`);
  });
  if (!Array.isArray(o.media)) throw new ConfigError(file, 0, 'media: list the links, e.g. [{ "kind": "bcast", "interface": "eth1" }]');
  o.media.forEach((m, i) => {
    const p = `media[${i}]`;
    const r = (m ?? {}) as Record<string, unknown>;
    if (r.kind === 'bcast') add(p, `bcast ${word(`${p}.interface`, r.interface)}`);
    else if (r.kind === 'ucast') add(p, `ucast ${word(`${p}.interface`, r.interface)} ${word(`${p}.peer`, r.peer)}`);
    else if (r.kind === 'mcast')
      add(
        p,
        `mcast ${word(`${p}.interface`, r.interface)} ${word(`${p}.group`, r.group)} ${word(`${p}.port`, r.port ?? 694)} ${word(`${p}.ttl`, r.ttl ?? 1)} ${r.loop ? 1 : 0}`,
      );
    else throw new ConfigError(file, 0, `${p}.kind: ${JSON.stringify(r.kind)} is not bcast, mcast or ucast`);
  });
  const logging = (o.logging ?? {}) as Record<string, unknown>;
  if (logging.useLogd !== undefined) add('logging.useLogd', `use_logd ${word('logging.useLogd', logging.useLogd)}`);
  for (const [k, d] of [
    ['facility', 'logfacility'],
    ['logfile', 'logfile'],
    ['debugfile', 'debugfile'],
  ] as const)
    if (logging[k] !== undefined) add(`logging.${k}`, `${d} ${word(`logging.${k}`, logging[k])}`);
  const quorum = (o.quorum ?? {}) as Record<string, unknown>;
  if (quorum.twoNode !== undefined) add('quorum.twoNode', `two_node ${word('quorum.twoNode', quorum.twoNode)}`);
  if (quorum.waitForAll !== undefined) add('quorum.waitForAll', `wait_for_all ${word('quorum.waitForAll', quorum.waitForAll)}`);
  for (const [n, v] of Object.entries((quorum.votes ?? {}) as Record<string, unknown>))
    add(`quorum.votes.${n}`, `quorum_votes ${word('quorum.votes', n)} ${word(`quorum.votes.${n}`, v)}`);
  const auth = (o.auth ?? {}) as Record<string, unknown>;
  if (auth.allowCrc !== undefined) add('auth.allowCrc', `auth_allow_crc ${word('auth.allowCrc', auth.allowCrc)}`);
  let config: ClusterConfig;
  try {
    const parsed = parseHaCf(lines.join('\n'), file);
    config = parsed.value;
    warnings.push(...parsed.warnings.map((w) => ({ ...w, line: 0, message: `${paths[w.line - 1] ?? ''}: ${w.message}` })));
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(file, 0, `${e.line > 0 ? `${paths[e.line - 1]}: ` : ''}${e.reason}`);
    throw e;
  }
  const method = auth.method ?? 'sha256';
  if (!['sha256', 'sha1', 'md5', 'crc'].includes(method as string))
    throw new ConfigError(file, 0, `auth.method: ${JSON.stringify(method)} is not sha256, sha1, md5 or crc`);
  if (method === 'crc' && !config.allowCrc)
    throw new ConfigError(file, 0, 'auth.method crc authenticates nothing; use sha256 or set auth.allowCrc true');
  if (method !== 'crc' && (typeof auth.key !== 'string' || auth.key === ''))
    throw new ConfigError(file, 0, 'auth.key: the shared cluster key (a non-empty string) is missing');
  return {
    value: { config, auth: { index: 1, method: method as AuthKey['method'], key: method === 'crc' ? '' : (auth.key as string) } },
    warnings,
  };
}
