import { join } from 'node:path';
import { hideSecrets } from '../lrmd/redact';
import { fenceArgs, stdinText } from './args';
import { actionRetries, actionTimeoutMs, agentAction, type FenceDevice, fencingDelayMs, type HostCheck, hostCheck } from './device';
import { type FenceMetadata, parseFenceMetadata } from './metadata';
import { type AgentRun, type SpawnAgent, spawnAgent } from './spawn-agent';
import { includesTarget, parseTargets } from './targets';

/** The result of one device action (after delay and retries). */
export interface DeviceResult {
  ok: boolean;
  device: string;
  /** The action the fencer asked for (`reboot`), before `pcmk_reboot_action` or remapping. */
  action: string;
  /** The action the agent was given (`off` for a reboot on a device without reboot). */
  agentAction: string;
  target?: string;
  rc: number;
  execStatus: AgentRun['execStatus'];
  /** Why it failed, in words that name the device and the target. */
  reason?: string;
  stdout: string;
  attempts: number;
  delayMs: number;
  durationMs: number;
}

/** Whether a device can fence a target, and how that was decided. */
export interface Eligibility {
  can: boolean;
  check: HostCheck;
  /** The name the agent knows the target by (`pcmk_host_map`), when it differs. */
  alias?: string;
  reason: string;
}

export interface RunnerOptions {
  spawn?: SpawnAgent;
  /** Where fence agents live (Pacemaker: /usr/sbin). */
  agentDir?: string;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for `pcmk_delay_max`. */
  random?: () => number;
  now?: () => number;
  /** How long `list` results stay valid for `dynamic-list` (Pacemaker: 60 s). */
  listCacheMs?: number;
  log?: (line: string) => void;
}

const METADATA_TIMEOUT_MS = 20_000;

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
}

/**
 * Runs fence devices the way pacemaker-fenced does on one node: meta-data read once per agent,
 * `pcmk_host_check` eligibility (static list, cached `list`, `status`, none), `pcmk_*_action`
 * aliases, the fencing delay, retries within the timeout (a retry only while more than 30% of the
 * timeout is left and never after a timeout), and `reboot` remapped to `off` on agents without it.
 *
 * @example
 * const runner = new FenceRunner();
 * const dev = fenceDevice('fd', 'fence_dummy', { pcmk_host_list: 'node2' });
 * const r = await runner.fence(dev, 'reboot', 'node2', 60_000);
 * r.ok // true
 */
export class FenceRunner {
  private readonly spawn: SpawnAgent;
  private readonly agentDir: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly listCacheMs: number;
  private readonly log: (line: string) => void;
  private readonly metadataCache = new Map<string, Promise<FenceMetadata>>();
  private readonly lists = new Map<string, { at: number; targets: string[] }>();

  constructor(opts: RunnerOptions = {}) {
    this.spawn = opts.spawn ?? spawnAgent;
    this.agentDir = opts.agentDir ?? '/usr/sbin';
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.listCacheMs = opts.listCacheMs ?? 60_000;
    this.log = opts.log ?? (() => {});
  }

  /** The agent's executable path; agent names are checked so nothing outside `agentDir` runs. */
  agentPath(agent: string): string {
    if (!/^fence_[A-Za-z0-9_.-]+$/.test(agent) || agent.includes('..'))
      throw new Error(`invalid fence agent name ${JSON.stringify(agent)}`);
    return join(this.agentDir, agent);
  }

  /** `<agent> -o metadata`, parsed; cached per agent while it succeeds. */
  metadata(agent: string): Promise<FenceMetadata> {
    let p = this.metadataCache.get(agent);
    if (!p) {
      p = (async () => {
        const path = this.agentPath(agent);
        const r = await this.spawn({ path, args: ['-o', 'metadata'], stdin: '', timeoutMs: METADATA_TIMEOUT_MS });
        if (r.execStatus === 'not-installed') throw new Error(`fence agent ${agent} is not installed (no executable ${path})`);
        if (r.execStatus !== 'done' || r.rc !== 0) {
          throw new Error(`fence agent ${agent}: "-o metadata" failed (${r.reason ?? `rc ${r.rc}`}): ${lastLine(r.stderr) ?? 'no output'}`);
        }
        return parseFenceMetadata(r.stdout, agent);
      })();
      this.metadataCache.set(agent, p);
      p.catch(() => this.metadataCache.delete(agent));
    }
    return p;
  }

  /** Runs one agent action once with the given timeout. */
  private async once(
    dev: FenceDevice,
    md: FenceMetadata,
    action: string,
    target: string | undefined,
    timeoutMs: number,
  ): Promise<AgentRun> {
    const stdin = stdinText(fenceArgs(dev, md, action, target));
    return this.spawn({ path: this.agentPath(dev.agent), stdin, timeoutMs });
  }

  /**
   * Runs a device action (with retries for failures, not for timeouts), without any delay.
   * `action` is the fencer's name; `sent` what the agent gets before `pcmk_<action>_action`.
   */
  private async execute(dev: FenceDevice, action: string, sent: string, target: string | undefined, timeoutMs: number, delayMs = 0) {
    const md = await this.metadata(dev.agent);
    const started = this.now();
    const maxTries = Math.max(1, actionRetries(dev, action));
    let tries = 0;
    let r: AgentRun;
    for (;;) {
      const remaining = timeoutMs - (this.now() - started);
      tries++;
      r = await this.once(dev, md, sent, target, Math.max(1, remaining));
      if (r.execStatus === 'done' && r.rc === 0) break;
      const elapsed = this.now() - started;
      if (tries >= maxTries || r.execStatus !== 'done' || elapsed >= timeoutMs * 0.7) break;
      this.log(`${dev.id}: ${sent}${target ? ` ${target}` : ''} failed (rc ${r.rc}), trying again (${tries + 1}/${maxTries})`);
    }
    const ok = r.execStatus === 'done' && r.rc === 0;
    const detail = r.execStatus === 'done' ? `rc ${r.rc}` : (r.reason ?? r.execStatus);
    // What the agent printed goes into the fencing history and logs: never a password in clear.
    const hide = hideSecrets(dev.params);
    const said = hide(lastLine(r.stderr) ?? '');
    const result: DeviceResult = {
      ok,
      device: dev.id,
      action,
      agentAction: agentAction(dev, sent),
      ...(target !== undefined ? { target } : {}),
      rc: r.rc,
      execStatus: r.execStatus,
      ...(ok
        ? {}
        : {
            reason: `${dev.id} (${dev.agent}) ${agentAction(dev, sent)}${target ? ` ${target}` : ''} failed after ${tries} attempt${tries > 1 ? 's' : ''}: ${detail}${said ? `: ${said}` : ''}`,
          }),
      stdout: hide(r.stdout),
      attempts: tries,
      delayMs,
      durationMs: this.now() - started + delayMs,
    };
    return result;
  }

  /** A failed result that never reached the agent (unknown agent, bad configuration, not eligible). */
  private refused(dev: FenceDevice, action: string, target: string | undefined, reason: string): DeviceResult {
    return {
      ok: false,
      device: dev.id,
      action,
      agentAction: action,
      ...(target !== undefined ? { target } : {}),
      rc: 1,
      execStatus: 'error',
      reason,
      stdout: '',
      attempts: 0,
      delayMs: 0,
      durationMs: 0,
    };
  }

  /**
   * Whether this device can fence `target` (`pcmk_host_check`). A failing `list` on a device
   * without an explicit check falls back to `status`, as Pacemaker does.
   */
  async canFence(dev: FenceDevice, target: string, timeoutMs: number): Promise<Eligibility> {
    const md = await this.metadata(dev.agent);
    const check = hostCheck(dev, md);
    const alias = dev.hostMap.get(target.toLowerCase());
    const name = alias ?? target;
    const extra = alias ? { alias } : {};
    switch (check) {
      case 'none':
        return { can: true, check, ...extra, reason: 'pcmk_host_check=none' };
      case 'static-list': {
        const can = includesTarget(dev.hostList, target) || alias !== undefined;
        return {
          can,
          check,
          ...extra,
          reason: can ? `${target} is in pcmk_host_list/pcmk_host_map` : `${target} is not in pcmk_host_list/pcmk_host_map`,
        };
      }
      case 'dynamic-list': {
        const cached = this.lists.get(dev.id);
        let targets = cached && this.now() - cached.at < this.listCacheMs ? cached.targets : undefined;
        if (!targets) {
          const r = await this.execute(dev, 'list', 'list', undefined, actionTimeoutMs(dev, 'list', timeoutMs));
          if (!r.ok) {
            if (dev.hostCheck) return { can: false, check, ...extra, reason: `list failed: ${r.reason}` };
            this.log(`${dev.id}: list failed, checking ${target} with status instead`);
            return this.byStatus(dev, target, timeoutMs, extra);
          }
          targets = parseTargets(r.stdout);
          this.lists.set(dev.id, { at: this.now(), targets });
        }
        const can = includesTarget(targets, name);
        return {
          can,
          check,
          ...extra,
          reason: can ? `${name} is in the device's list` : `${name} is not in the device's list (${targets.join(', ') || 'empty'})`,
        };
      }
      case 'status':
        return this.byStatus(dev, target, timeoutMs, extra);
    }
  }

  private async byStatus(dev: FenceDevice, target: string, timeoutMs: number, extra: { alias?: string }): Promise<Eligibility> {
    const r = await this.execute(dev, 'status', 'status', target, actionTimeoutMs(dev, 'status', timeoutMs));
    // 0: target on, 2: target off; both mean the device knows it. 1 (or no result): it does not.
    const can = r.execStatus === 'done' && (r.rc === 0 || r.rc === 2);
    return {
      can,
      check: 'status',
      ...extra,
      reason: can ? `status knows ${target} (rc ${r.rc})` : `status does not know ${target}: ${r.reason ?? `rc ${r.rc}`}`,
    };
  }

  /**
   * Fences `target` with one device: eligibility first, then the delay, then the action with
   * retries within `timeoutMs` (stonith-timeout, or `pcmk_<action>_timeout`). Never throws:
   * an unknown agent or a bad parameter is a failed result with the reason.
   */
  async fence(dev: FenceDevice, action: 'reboot' | 'off' | 'on', target: string, timeoutMs: number): Promise<DeviceResult> {
    let md: FenceMetadata;
    try {
      md = await this.metadata(dev.agent);
    } catch (err) {
      return this.refused(dev, action, target, (err as Error).message);
    }
    if (action === 'on' && !md.actions.has('on'))
      return this.refused(dev, action, target, `${dev.id} (${dev.agent}) does not support "on"`);
    const timeout = actionTimeoutMs(dev, action, timeoutMs);
    let elig: Eligibility;
    try {
      elig = await this.canFence(dev, target, timeout);
    } catch (err) {
      return this.refused(dev, action, target, (err as Error).message);
    }
    if (!elig.can) return this.refused(dev, action, target, `${dev.id} cannot fence ${target}: ${elig.reason}`);
    // A reboot on an agent without "reboot" (and no pcmk_reboot_action) powers the target off.
    const sent = action === 'reboot' && !dev.params.pcmk_reboot_action && !md.actions.has('reboot') ? 'off' : action;
    const delayMs = fencingDelayMs(dev, action, target, this.random());
    if (delayMs > 0) {
      this.log(`${dev.id}: delaying ${action} of ${target} by ${delayMs} ms (pcmk_delay_base/pcmk_delay_max)`);
      await this.sleep(delayMs);
    }
    try {
      return await this.execute(dev, action, sent, target, timeout, delayMs);
    } catch (err) {
      return this.refused(dev, action, target, (err as Error).message);
    }
  }

  /**
   * Checks the device itself (the `monitor` of a `stonith:` resource): the agent's `monitor`,
   * else `list`, else `status`, as pacemaker-fenced picks.
   */
  async monitor(dev: FenceDevice, timeoutMs: number): Promise<DeviceResult> {
    let md: FenceMetadata;
    try {
      md = await this.metadata(dev.agent);
    } catch (err) {
      return this.refused(dev, 'monitor', undefined, (err as Error).message);
    }
    const sent = md.actions.has('monitor') ? 'monitor' : md.actions.has('list') ? 'list' : 'status';
    return this.execute(dev, 'monitor', sent, undefined, actionTimeoutMs(dev, 'monitor', timeoutMs));
  }

  /** The targets the device reports with `list`. */
  async list(dev: FenceDevice, timeoutMs: number): Promise<{ result: DeviceResult; targets: string[] }> {
    const result = await this.execute(dev, 'list', 'list', undefined, actionTimeoutMs(dev, 'list', timeoutMs));
    return { result, targets: result.ok ? parseTargets(result.stdout) : [] };
  }
}
