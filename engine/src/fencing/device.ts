import { parseDuration } from '@ocfkit/sdk';
import type { FenceMetadata } from './metadata';
import { parseHostMap, parseTargets } from './targets';

/** How the fencer decides whether a device can fence a target (`pcmk_host_check`). */
export type HostCheck = 'static-list' | 'dynamic-list' | 'status' | 'none';
const HOST_CHECKS: readonly HostCheck[] = ['static-list', 'dynamic-list', 'status', 'none'];

/** A fence device: a `stonith:` primitive's agent and instance attributes, with its `pcmk_*` options read. */
export interface FenceDevice {
  id: string;
  /** The fence agent's name (`fence_dummy`), the primitive's `type`. */
  agent: string;
  /** Every instance attribute as configured (pcmk_* included). */
  params: Readonly<Record<string, string>>;
  hostList: readonly string[];
  /** Lower-cased node name → the port the agent knows it by. */
  hostMap: ReadonlyMap<string, string>;
  /** `pcmk_host_check` when configured; otherwise derived by {@link hostCheck}. */
  hostCheck?: HostCheck;
  /** `pcmk_host_argument` when configured (`none` passes no target). */
  hostArgument?: string;
  delayMaxMs: number;
  /**
   * `pcmk_delay_base`: one delay, or a map in its configured order: `[name, ms]` with the name
   * lower-cased, matched as a prefix of the target (see {@link delayBaseFor}).
   */
  delayBaseMs: number | readonly (readonly [string, number])[];
}

function duration(params: Record<string, string>, name: string): number {
  const text = params[name];
  if (text === undefined || text.trim() === '') return 0;
  const ms = parseDuration(text.trim());
  if (ms === undefined) throw new Error(`${name}=${JSON.stringify(text)} is not a duration (e.g. 5s, 500ms, 1min)`);
  return ms;
}

function delayBase(params: Record<string, string>): number | [string, number][] {
  const text = params.pcmk_delay_base?.trim();
  if (!text?.includes(':')) return duration(params, 'pcmk_delay_base');
  const map: [string, number][] = [];
  for (const item of text.split(/[;\s]+/).filter(Boolean)) {
    const [node, value] = item.split(':', 2);
    const ms = value === undefined ? undefined : parseDuration(value);
    if (!node || ms === undefined) throw new Error(`pcmk_delay_base: malformed entry ${JSON.stringify(item)} (expected node:duration)`);
    map.push([node.toLowerCase(), ms]);
  }
  return map;
}

/**
 * The `pcmk_delay_base` of one target, as pacemaker-fenced 2.1.5 finds it
 * (`get_action_delay_base` in fenced_commands.c): the first entry of the map whose name is a
 * prefix of the target, ignoring case — so `node1:15s` also applies to `node10` and `NODE1a`
 * (see {@link delayBaseWarnings}); no matching entry means no base delay.
 *
 * @example
 * delayBaseFor(fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node1:15s;node2:0s' }), 'node10') // 15000
 */
export function delayBaseFor(dev: FenceDevice, target: string): number {
  if (typeof dev.delayBaseMs === 'number') return dev.delayBaseMs;
  const t = target.toLowerCase();
  return dev.delayBaseMs.find(([name]) => t.startsWith(name))?.[1] ?? 0;
}

/**
 * Warnings for a `pcmk_delay_base` map whose prefix matching (see {@link delayBaseFor}) gives a
 * node another name's delay: the first entry matching the node is not its own name. Pacemaker applies such maps silently; the bundled engine applies them the same way
 * (a CIB works on both) and says so.
 *
 * @example
 * delayBaseWarnings(fenceDevice('d', 'fence_x', { pcmk_delay_base: 'node1:15s;node10:0s' }), ['node1', 'node10'])
 * // ['device d: pcmk_delay_base entry "node1" (15000 ms) also applies to node10 ...']
 */
export function delayBaseWarnings(dev: FenceDevice, nodes: readonly string[]): string[] {
  if (typeof dev.delayBaseMs === 'number') return [];
  const map = dev.delayBaseMs;
  const warnings: string[] = [];
  for (const node of nodes) {
    const n = node.toLowerCase();
    const hits = map.filter(([name]) => n.startsWith(name));
    const [first] = hits;
    if (!first || first[0] === n) continue;
    const own = map.find(([name]) => name === n);
    warnings.push(
      `device ${dev.id}: pcmk_delay_base entry ${JSON.stringify(first[0])} (${first[1]} ms) also applies to ${node}: names match by prefix, the first entry wins` +
        (own && own !== first ? ` (its own entry, ${own[1]} ms, is never used: put it first)` : ''),
    );
  }
  return warnings;
}

/**
 * Reads a device from its primitive: checks the `pcmk_*` options and throws naming the option
 * and the bad value.
 *
 * @example
 * const dev = fenceDevice('fence-a', 'fence_dummy', { pcmk_host_list: 'node1 node2', pcmk_delay_max: '5s' });
 * dev.hostList // ['node1', 'node2']
 */
export function fenceDevice(id: string, agent: string, params: Record<string, string>): FenceDevice {
  if (!/^fence_[A-Za-z0-9_.-]+$/.test(agent)) throw new Error(`stonith:${agent} (device ${id}): fence agent names start with fence_`);
  const check = params.pcmk_host_check?.trim().toLowerCase();
  if (check !== undefined && !HOST_CHECKS.includes(check as HostCheck)) {
    throw new Error(`device ${id}: pcmk_host_check=${JSON.stringify(params.pcmk_host_check)} is not one of ${HOST_CHECKS.join(', ')}`);
  }
  let hostMap: Map<string, string>;
  try {
    hostMap = parseHostMap(params.pcmk_host_map ?? '');
  } catch (err) {
    throw new Error(`device ${id}: ${(err as Error).message}`);
  }
  let base: number | [string, number][];
  let max: number;
  try {
    base = delayBase(params);
    max = duration(params, 'pcmk_delay_max');
    for (const [name, v] of Object.entries(params)) {
      if (/^pcmk_[a-z]+_timeout$/.test(name)) duration(params, name);
      if (/^pcmk_[a-z]+_retries$/.test(name) && !/^\d+$/.test(v.trim())) throw new Error(`${name}=${JSON.stringify(v)} is not a count`);
    }
  } catch (err) {
    throw new Error(`device ${id}: ${(err as Error).message}`);
  }
  return {
    id,
    agent,
    params: { ...params },
    hostList: parseTargets(params.pcmk_host_list ?? ''),
    hostMap,
    ...(check ? { hostCheck: check as HostCheck } : {}),
    ...(params.pcmk_host_argument ? { hostArgument: params.pcmk_host_argument } : {}),
    delayMaxMs: max,
    delayBaseMs: base,
  };
}

/**
 * The effective `pcmk_host_check`: as configured; else `static-list` when a host list or map is
 * set; else `dynamic-list` if the agent has `list`; else `status` if it has `status`; else `none`.
 */
export function hostCheck(dev: FenceDevice, md: FenceMetadata): HostCheck {
  if (dev.hostCheck) return dev.hostCheck;
  if (dev.params.pcmk_host_list !== undefined || dev.params.pcmk_host_map !== undefined) return 'static-list';
  if (md.actions.has('list')) return 'dynamic-list';
  if (md.actions.has('status')) return 'status';
  return 'none';
}

/** The action name sent to the agent: `pcmk_<action>_action` if set (e.g. `pcmk_reboot_action=off`). */
export function agentAction(dev: FenceDevice, action: string): string {
  return dev.params[`pcmk_${action}_action`]?.trim() || action;
}

/** `pcmk_<action>_timeout`, else the fallback (`stonith-timeout` for fencing actions). */
export function actionTimeoutMs(dev: FenceDevice, action: string, fallbackMs: number): number {
  const t = dev.params[`pcmk_${action}_timeout`];
  return t === undefined ? fallbackMs : (parseDuration(t.trim()) ?? fallbackMs);
}

/** `pcmk_<action>_retries`: how often a failed action is tried again within its timeout (default 2). */
export function actionRetries(dev: FenceDevice, action: string): number {
  const t = dev.params[`pcmk_${action}_retries`];
  return t === undefined ? 2 : Number.parseInt(t, 10);
}

/**
 * The delay before a fencing action on this device, as pacemaker-fenced computes it: the base
 * (for this target) plus a random part up to `pcmk_delay_max`; `random` is a number in [0, 1).
 * `pcmk_delay_max` is per device, not per target, and a base above it is capped to it (as
 * pacemaker-fenced does, with a warning): for a two-node race give one target a static head start
 * with a `pcmk_delay_base` map and leave `pcmk_delay_max` unset. Only `off`/`reboot` (not `on`) are delayed.
 *
 * @example
 * fencingDelayMs(fenceDevice('d', 'fence_dummy', { pcmk_delay_max: '10s' }), 'reboot', 'node1', 0.5) // 5000
 */
export function fencingDelayMs(dev: FenceDevice, action: string, target: string, random: number): number {
  if (action !== 'reboot' && action !== 'off') return 0;
  const base = delayBaseFor(dev, target);
  let max = dev.delayMaxMs;
  if (max === 0) max = base;
  const lo = Math.min(base, max);
  return lo + Math.floor(random * (max - lo + 1));
}
