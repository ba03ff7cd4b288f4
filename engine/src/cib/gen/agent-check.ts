/**
 * Looks up every OCF agent a configuration names (installed ones, and ocfkit-built ones under
 * `dist/ocf`) and checks the primitive's parameters against the agent's meta-data: unknown
 * parameters, missing required ones, values that are not of the declared type. Messages quote the
 * agent's own description of the parameter.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutableFile } from '@ocfkit/sdk';
import { XMLParser } from 'fast-xml-parser';
import type { Diagnostics } from './diagnostics.js';
import { type ClusterSpec, specPrimitives } from './spec.js';

interface AgentParam {
  name: string;
  required: boolean;
  type: string;
  default?: string;
  shortdesc: string;
}

/** Where an agent was found and what its meta-data says. */
interface AgentInfo {
  path: string;
  params: AgentParam[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  isArray: (n) => n === 'parameter',
});

/**
 * Reads the parameters from an agent's meta-data XML.
 *
 * @example
 * parseAgentParams('<resource-agent><parameters><parameter name="ip" required="1">…') // [{ name: 'ip', required: true, … }]
 */
function parseAgentParams(xml: string): AgentParam[] {
  const doc = parser.parse(xml) as { 'resource-agent'?: { parameters?: { parameter?: Record<string, unknown>[] } } };
  const list = doc['resource-agent']?.parameters?.parameter ?? [];
  const text = (v: unknown): string =>
    typeof v === 'string' ? v : typeof v === 'object' && v !== null && '#text' in v ? String((v as { '#text': unknown })['#text']) : '';
  return list.map((p) => {
    const content = (p.content ?? {}) as Record<string, string>;
    const sd = Array.isArray(p.shortdesc) ? p.shortdesc[0] : p.shortdesc;
    return {
      name: String(p['@name']),
      required: p['@required'] === '1' || p['@required'] === 'true',
      type: content['@type'] ?? 'string',
      ...(content['@default'] !== undefined ? { default: String(content['@default']) } : {}),
      shortdesc: text(sd).replace(/\s+/g, ' ').trim(),
    };
  });
}

function runMetaData(path: string, ocfRoot: string, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      ['meta-data'],
      { timeout: 20_000, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, OCF_ROOT: ocfRoot, OCF_RESOURCE_INSTANCE: type } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

/**
 * Finds an OCF agent under the roots, in order.
 *
 * @example
 * findAgent(['/usr/lib/ocf'], 'heartbeat', 'IPaddr') // '/usr/lib/ocf/resource.d/heartbeat/IPaddr'
 */
function findAgent(roots: string[], provider: string, type: string): { path: string; root: string } | undefined {
  for (const root of roots) {
    const p = join(root, 'resource.d', provider, type);
    if (isExecutableFile(p)) return { path: p, root };
  }
  return undefined;
}

const CHECKS: Record<string, { test: RegExp; what: string }> = {
  integer: { test: /^[+-]?\d+$/, what: 'an integer' },
  boolean: { test: /^(true|false|yes|no|on|off|1|0|y|n)$/i, what: 'a boolean (true or false)' },
};

/**
 * Checks every OCF primitive of `spec` against its agent's meta-data; problems go to `diag`.
 *
 * @example
 * await checkAgents(spec, ['dist/ocf', '/usr/lib/ocf'], diag);
 */
export async function checkAgents(spec: ClusterSpec, roots: string[], diag: Diagnostics): Promise<Map<string, string>> {
  const cache = new Map<string, Promise<AgentInfo | string>>();
  const load = (provider: string, type: string): Promise<AgentInfo | string> => {
    const key = `${provider}:${type}`;
    let p = cache.get(key);
    if (!p) {
      const found = findAgent(roots, provider, type);
      p = found
        ? runMetaData(found.path, existsSync(join(found.root, 'lib/heartbeat')) ? found.root : '/usr/lib/ocf', type).then(
            (xml) => ({ path: found.path, params: parseAgentParams(xml) }),
            (err: Error) => `${found.path} meta-data failed: ${err.message.split('\n')[0]}`,
          )
        : Promise.resolve(
            `agent ocf:${key} is not installed (looked in ${roots.map((r) => join(r, 'resource.d', provider)).join(', ')}); use --ocf-root DIR, or --no-agent-check`,
          );
      cache.set(key, p);
    }
    return p;
  };
  const prims = specPrimitives(spec.resources).filter((p) => p.class === 'ocf' && p.provider !== undefined);
  const infos = await Promise.all(prims.map((p) => load(p.provider as string, p.type)));
  const found = new Map<string, string>();
  prims.forEach((p, i) => {
    const info = infos[i] as AgentInfo | string;
    const at = spec.origins.get(`primitive:${p.id}`);
    const agent = `ocf:${p.provider}:${p.type}`;
    if (typeof info === 'string') {
      diag.error(`${p.id}: ${info}`, at);
      return;
    }
    found.set(agent, info.path);
    const given = new Map(p.params.flatMap((s) => s.pairs));
    const known = new Map(info.params.map((x) => [x.name, x]));
    for (const [name, value] of given) {
      const where = spec.origins.get(`param:${p.id}:${name}`) ?? at;
      const param = known.get(name);
      if (!param) {
        diag.error(`${p.id}: "${name}" is not a parameter of ${agent} (it takes ${[...known.keys()].join(', ') || 'none'})`, where);
        continue;
      }
      const check = CHECKS[param.type];
      if (check && !check.test.test(value))
        diag.error(
          `${p.id}: ${name}="${value}" is not ${check.what}: ${agent} says ${name} is "${param.shortdesc}" (${param.type})`,
          where,
        );
    }
    for (const param of info.params)
      if (param.required && !given.has(param.name) && (param.default ?? '') === '')
        diag.error(`${p.id}: ${agent} requires the parameter "${param.name}" ("${param.shortdesc}")`, at);
  });
  return found;
}
