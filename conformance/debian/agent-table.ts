import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, ftruncateSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a row asks the sweep to create under the scratch directory. */
type CreateKind = 'dir' | 'wdir' | 'file' | 'img' | 'sfex';

/** One row of `agents.tsv`: an installed agent and how to run it plausibly. */
export interface TableEntry {
  /** `provider:type`, e.g. `heartbeat:IPaddr2`. */
  agent: string;
  /** Run inside a private network namespace whose interface is `${NIC}` (192.0.2.1/24). */
  netns: boolean;
  /** Configured as a promotable clone (the suite runs promotable.cycle). */
  promotable: boolean;
  /** What to create under the scratch directory X before the run. */
  create: { kind: CreateKind; path: string }[];
  /** Parameters; `X/` stands for the scratch directory, `${NIC}` for the namespace's interface. */
  params: Record<string, string>;
}

const AGENT = /^[A-Za-z0-9_-]+:[A-Za-z0-9_.+-]+$/;
const RELATIVE = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses the table of plausible parameters (see the header of `agents.tsv`); errors name the line.
 *
 * @example
 * parseAgentTable('heartbeat:symlink\tfile=target\tlink=X/link\ttarget=X/target\n')
 * // [{ agent: 'heartbeat:symlink', netns: false, create: [{ kind: 'file', path: 'target' }], params: {...} }]
 */
function parseAgentTable(text: string): TableEntry[] {
  const out: TableEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [agent = '', flags = '-', ...pairs] = line.split('\t');
    const where = `agents.tsv line ${i + 1}`;
    if (!AGENT.test(agent)) throw new Error(`${where}: ${JSON.stringify(agent)} is not provider:type`);
    const entry: TableEntry = { agent, netns: false, promotable: false, create: [], params: {} };
    for (const flag of flags === '-' ? [] : flags.split(',')) {
      if (flag === 'netns' || flag === 'promotable') {
        entry[flag] = true;
        continue;
      }
      const m = /^(dir|wdir|file|img|sfex)=(.+)$/.exec(flag);
      if (!m || !RELATIVE.test(m[2] as string)) throw new Error(`${where}: unknown flag ${JSON.stringify(flag)}`);
      entry.create.push({ kind: m[1] as CreateKind, path: m[2] as string });
    }
    for (const kv of pairs) {
      const at = kv.indexOf('=');
      if (at <= 0) throw new Error(`${where}: ${JSON.stringify(kv)} is not NAME=VALUE`);
      entry.params[kv.slice(0, at)] = kv.slice(at + 1);
    }
    out.push(entry);
  });
  return out;
}

/** The table checked in beside this file. */
export function loadAgentTable(file = join(import.meta.dirname, 'agents.tsv')): TableEntry[] {
  return parseAgentTable(readFileSync(file, 'utf8'));
}

/**
 * Creates what the entry names under `scratch` and returns its parameters with `X/` replaced by
 * `scratch/` and `${NIC}` by `nic`.
 *
 * @example
 * prepare(entry, '/tmp/sweep-symlink', 'ocfk0') // { link: '/tmp/sweep-symlink/link', target: '/tmp/sweep-symlink/target' }
 */
export function prepare(entry: TableEntry, scratch: string, nic?: string): Record<string, string> {
  for (const c of entry.create) {
    const path = join(scratch, c.path);
    if (c.kind === 'dir' || c.kind === 'wdir') {
      mkdirSync(path, { recursive: true });
      if (c.kind === 'wdir') chmodSync(path, 0o1777); // for an agent that runs its service as another user
    } else {
      const fd = openSync(path, 'w', 0o644);
      if (c.kind !== 'file') ftruncateSync(fd, 64 << 20);
      closeSync(fd);
      if (c.kind === 'sfex') execFileSync('sfex_init', ['-n', '1', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry.params)) {
    let value = v.replace(/(^|[\s=,:])X\//g, (_m, pre: string) => `${pre}${scratch}/`);
    if (nic !== undefined) value = value.replaceAll(`\${NIC}`, nic);
    out[k] = value;
  }
  return out;
}
