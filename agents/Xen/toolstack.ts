import { delimiter, join } from 'node:path';
import { type AgentContext, fail, isExecutableFile } from '@ocfkit/sdk';
import { type DomainFlags, isRunning } from './state-letters';
import { type DomainRow, parseListTable } from './xl-list';
import { parseXmLong } from './xm-long';

/** The Xen management tool found on this host. */
export interface Toolstack {
  kind: 'xl' | 'xm';
  /** Absolute path of the program. */
  path: string;
}

/** A domain as the toolstack reports it. */
export interface DomainView {
  name: string;
  id: number | undefined;
  state: string;
  flags: DomainFlags;
  running: boolean;
  /** vCPUs and memory (MB) as the toolstack lists them, when it does. */
  vcpus?: number | undefined;
  memMB?: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

// Xen installs its tools in /usr/sbin, which Pacemaker's PATH may lack.
const SYSTEM_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/**
 * Finds `xl` (Xen ≥ 4.1), else `xm` (Xen 3.x and xend hosts): first on PATH, then in /usr/sbin.
 *
 * @example
 * findToolstack({ PATH: '/usr/bin' }) // { kind: 'xl', path: '/usr/sbin/xl' } on a Xen 4 dom0
 */
export function findToolstack(env: Env): Toolstack | undefined {
  if (env.OCF_TESTER_FAIL_HAVE_BINARY === '1') return undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const kind of ['xl', 'xm'] as const) {
    for (const d of dirs) {
      const path = join(d, kind);
      if (isExecutableFile(path)) return { kind, path };
    }
  }
  return undefined;
}

/** The toolstack or `OCF_ERR_INSTALLED` (5). */
export function requireToolstack(env: Env): Toolstack {
  return findToolstack(env) ?? fail.installed('neither xl nor xm found on PATH or in /usr/sbin: is this a Xen dom0?');
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

// xl: "<dom> is an invalid domain identifier (rc=-6)" (find_domain) or "Error: Domain 'x' does not
// exist." (main_list); xm: "Error: Domain 'x' does not exist." (exit 3).
const NOT_FOUND = /invalid domain identifier|does not exist/i;

/**
 * Looks up one domain by name: `xl list <dom>` (the table) or `xm list --long <dom>` (the
 * s-expression). Undefined when the toolstack says it does not exist; any other failure of the
 * toolstack throws (a broken xenstored is not "stopped"), as does a call outlasting `timeoutMs`.
 *
 * @example
 * const view = await lookupDomain(ctx, ts, 'web1'); // { state: '-b----', running: true, ... }
 */
export async function lookupDomain(ctx: AgentContext, ts: Toolstack, name: string, timeoutMs?: number): Promise<DomainView | undefined> {
  const args = ts.kind === 'xl' ? ['list', name] : ['list', '--long', name];
  const r = await ctx.exec(ts.path, args, { check: false, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  if (r.exitCode !== 0) {
    if (NOT_FOUND.test(r.stderr) || NOT_FOUND.test(r.stdout)) return undefined;
    fail.generic(`${ts.kind} ${args.join(' ')} failed (exit ${r.exitCode ?? r.signal}): ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  }
  if (ts.kind === 'xl') {
    const row = parseListTable(r.stdout).find((x) => x.name === name);
    if (!row) return fail.generic(`xl list ${name} printed no row for ${name}: ${lastLine(r.stdout)}`);
    return { name, id: row.id, state: row.state, flags: row.flags, running: isRunning(row.flags), vcpus: row.vcpus, memMB: row.memMB };
  }
  const dom = parseXmLong(r.stdout).find((x) => x.name === name);
  if (!dom) return fail.generic(`xm list --long ${name} printed no (domain ...) for ${name}`);
  const state = dom.state ?? `(status ${dom.status ?? '?'})`;
  return { name, id: dom.id, state, flags: dom.flags, running: isRunning(dom.flags), vcpus: dom.vcpus, memMB: dom.memMB };
}

/**
 * Every domain but Domain-0, from the `xl list` / `xm list` table.
 *
 * @example
 * (await listGuests(ctx, ts)).filter((d) => isRunning(d.flags)).length
 */
export async function listGuests(ctx: AgentContext, ts: Toolstack): Promise<DomainRow[]> {
  const r = await ctx.exec(ts.path, ['list']);
  return parseListTable(r.stdout).filter((d) => d.id !== 0 && d.name !== 'Domain-0');
}

/**
 * Host memory in MB (`total_memory` of `xl info` / `xm info`).
 *
 * @example
 * await totalMemoryMB(ctx, ts) // 8192
 */
export async function totalMemoryMB(ctx: AgentContext, ts: Toolstack): Promise<number> {
  const r = await ctx.exec(ts.path, ['info']);
  const m = /^total_memory\s*:\s*(\d+)/m.exec(r.stdout);
  if (!m) return fail.generic(`${ts.kind} info printed no total_memory line`);
  return Number(m[1]);
}

/**
 * The argv of the domain commands, which differ between xl and xm only in details: xl's
 * config overrides are config-file syntax (`name="web1"`, a quoted string), xm's are bare
 * (`name=web1`); xm needs `--live` for a live migration; xl's mem-set takes a unit suffix.
 *
 * @example
 * commands({ kind: 'xl', path: '/usr/sbin/xl' }).create('/etc/xen/web1.cfg', 'web1') // ['create', '/etc/xen/web1.cfg', 'name="web1"']
 */
export function commands(ts: Toolstack) {
  const xl = ts.kind === 'xl';
  return {
    create: (xmfile: string, name: string, memoryMB?: number) => [
      'create',
      xmfile,
      xl ? `name="${name}"` : `name=${name}`,
      ...(memoryMB === undefined ? [] : [`memory=${memoryMB}`]),
    ],
    shutdown: (name: string) => ['shutdown', name],
    powerButton: (name: string) => ['trigger', name, 'power'],
    destroy: (name: string) => ['destroy', name],
    migrate: (name: string, address: string) => (xl ? ['migrate', name, address] : ['migrate', '--live', name, address]),
    memSet: (name: string, mb: number) => ['mem-set', name, xl ? `${mb}m` : String(mb)],
  };
}
