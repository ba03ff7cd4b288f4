import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readFailure, readRegularFile } from '@ocfkit/sdk';

/**
 * An agent folder's `conformance.json` (see conformance/README.md): the parameters the suite runs
 * it with and what it needs on the host.
 */
export interface AgentConfig {
  /** First instance parameters. `${TMP}` is a fresh directory per run; `${NIC}` the netns interface. */
  params?: Record<string, string>;
  /** Second instance parameters (robust.two-instances); derived from unique path parameters when absent. */
  second?: Record<string, string>;
  /** Values validate-all must reject, by parameter name. */
  invalid?: Record<string, string>;
  /** Run as a promotable clone (promotable.cycle runs; implies clone). */
  promotable?: boolean;
  /** Run as a clone (notifications are sent with clone meta). */
  clone?: boolean;
  /** What must exist, else the agent is skipped with the reason. */
  requires?: { root?: boolean; commands?: string[] };
  /** Run every action but meta-data inside a private network namespace with a dummy interface carrying this address. */
  netns?: { address: string };
  /** Whether CI installs the requirements (then a skip under CI=true is a failure). Default true. */
  ci?: boolean;
  /** argv run before the checks (cwd: the agent folder; env CONFORMANCE_TMP, CONFORMANCE_NETNS); must exit 0. */
  setup?: string[];
  /** argv run after the checks, also when they failed. */
  teardown?: string[];
  /** The folder of the conformance.json (setup/teardown run there). */
  dir?: string;
}

const KEYS = new Set(['params', 'second', 'invalid', 'promotable', 'clone', 'requires', 'netns', 'ci', 'setup', 'teardown', '$comment']);

function stringMap(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where} must be an object of strings`);
  for (const [k, x] of Object.entries(v))
    if (typeof x !== 'string') throw new Error(`${where}.${k} must be a string, got ${JSON.stringify(x)}`);
  return v as Record<string, string>;
}

/**
 * Reads and checks a `conformance.json`; an absent file means "no parameters, no requirements".
 * Errors name the file and the bad field.
 *
 * @example
 * loadAgentConfig('agents/IPaddr/conformance.json') // { params: { ip: '192.0.2.10', nic: '${NIC}' }, netns: {...} }
 */
export function loadAgentConfig(file: string): AgentConfig {
  if (!existsSync(file)) return {};
  let raw: unknown;
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${readFailure(err)}`);
  }
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new Error(`${file}: unknown field ${JSON.stringify(k)}`);
  const cfg: AgentConfig = {};
  const params = stringMap(o.params, `${file}: params`);
  const second = stringMap(o.second, `${file}: second`);
  const invalid = stringMap(o.invalid, `${file}: invalid`);
  if (params) cfg.params = params;
  if (second) cfg.second = second;
  if (invalid) cfg.invalid = invalid;
  if (o.requires !== undefined) {
    const r = o.requires as { root?: unknown; commands?: unknown };
    if (r.root !== undefined && typeof r.root !== 'boolean') throw new Error(`${file}: requires.root must be a boolean`);
    if (r.commands !== undefined && !(Array.isArray(r.commands) && r.commands.every((c) => typeof c === 'string')))
      throw new Error(`${file}: requires.commands must be an array of command names`);
    cfg.requires = { ...(r.root !== undefined ? { root: r.root } : {}), ...(r.commands ? { commands: r.commands as string[] } : {}) };
  }
  if (o.netns !== undefined) {
    const n = o.netns as { address?: unknown };
    if (typeof n.address !== 'string') throw new Error(`${file}: netns.address must be a string like "192.0.2.1/24"`);
    cfg.netns = { address: n.address };
  }
  for (const key of ['ci', 'promotable', 'clone'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new Error(`${file}: ${key} must be a boolean, got ${JSON.stringify(v)}`);
    cfg[key] = v;
  }
  for (const key of ['setup', 'teardown'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (!(Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')))
      throw new Error(`${file}: ${key} must be a non-empty array of strings (an argv, no shell)`);
    cfg[key] = v as string[];
  }
  cfg.dir = dirname(resolve(file));
  return cfg;
}

/**
 * Why the agent cannot be checked on this host (`undefined` when it can).
 *
 * @example
 * missingRequirement({ requires: { root: true, commands: ['ip'] } }) // undefined as root with iproute2
 */
export function missingRequirement(cfg: AgentConfig): string | undefined {
  const needRoot = cfg.requires?.root === true || cfg.netns !== undefined;
  if (needRoot && process.getuid?.() !== 0) return 'needs root';
  const commands = [...(cfg.requires?.commands ?? []), ...(cfg.netns ? ['ip'] : [])];
  const absent = commands.filter((c) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', c], { stdio: 'ignore' }).status !== 0);
  return absent.length > 0 ? `needs ${absent.join(', ')} (not installed)` : undefined;
}

/**
 * Replaces `${NAME}` placeholders in every value.
 *
 * @example
 * expand({ state: '${TMP}/a.state' }, { TMP: '/tmp/x' }) // { state: '/tmp/x/a.state' }
 */
export function expand(map: Record<string, string> | undefined, vars: Record<string, string>): Record<string, string> | undefined {
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) out[k] = v.replace(/\$\{([A-Z_]+)\}/g, (m, name: string) => vars[name] ?? m);
  return out;
}
