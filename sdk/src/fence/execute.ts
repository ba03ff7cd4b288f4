import type { ParamSpecs, ParamValues } from '../params/types';
import { fenceMetaData } from './metadata';
import { parseArgv, parseStdin, type RawInput, resolveParams, TARGETLESS } from './parse-input';
import type { FenceAgent, FenceContext, PowerState } from './types';

/** Exit codes of the fence-agents interface: 0 success (status: on), 1 failure, 2 status: off. */
export const FENCE_EXIT = { OK: 0, FAILED: 1, STATUS_OFF: 2 } as const;

/** One invocation of a fence agent, with its I/O as functions (tests pass their own). */
export interface FenceInvocation {
  argv: readonly string[];
  /** The whole of stdin; only read when there are no command-line options. */
  stdin: () => string | Promise<string>;
  /** Writes to the fence agent's stdout (status, list, metadata). */
  stdout: (text: string) => void;
  /** Writes to the fence agent's stderr (errors, logs). */
  stderr: (text: string) => void;
  /** Aborts the action (the fencer's timeout). */
  signal?: AbortSignal;
  /** Waits `ms` (for power_wait and retries); a virtual clock in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** The current time in ms (a virtual clock in tests). */
  now?: () => number;
}

class Failed extends Error {}

function usage(agent: FenceAgent): string {
  const lines = [`Usage: ${agent.name} [options]  (or key=value lines on stdin)`, '', `${agent.shortdesc}.`, '', 'Options:'];
  for (const [name, spec] of Object.entries(agent.allParams)) {
    if (name === 'port') continue;
    lines.push(`  --${name.replace(/_/g, '-')}${spec.type === 'boolean' ? '' : '=VALUE'}`.padEnd(34) + spec.shortdesc);
  }
  lines.push(`${'  -h, --help'.padEnd(34)}Display help and exit`, `${'  -V, --version'.padEnd(34)}Display version information and exit`);
  lines.push('', `Actions: ${agent.supportedActions.join(', ')}`, '');
  return lines.join('\n');
}

/**
 * Runs one fence-agent invocation and returns its exit code (only `runFenceAgent` exits).
 * `off`/`on` are verified by polling `status` until it agrees (`power_timeout`, every
 * `stonith_status_sleep` s, after `power_wait` s); a target already in the asked state is a
 * success; `reboot` is off then on (or the native cycle with `method=cycle`), and succeeds once
 * the target was off even if powering it on fails, as fence-agents does.
 *
 * @example
 * const rc = await executeFence(agent, { argv: ['-o', 'status', '-n', 'web1'], stdin: () => '', stdout, stderr });
 */
export async function executeFence(agent: FenceAgent, inv: FenceInvocation): Promise<number> {
  const sleep = inv.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = inv.now ?? Date.now;
  const input: RawInput = inv.argv.length > 0 ? parseArgv(agent, inv.argv) : parseStdin(agent, await inv.stdin());
  if (input.help) {
    inv.stdout(usage(agent));
    return FENCE_EXIT.OK;
  }
  if (input.version) {
    inv.stdout(`${agent.version}\n`);
    return FENCE_EXIT.OK;
  }
  const action = input.raw.action ?? 'reboot';
  if (action === 'metadata') {
    inv.stdout(fenceMetaData(agent));
    return FENCE_EXIT.OK;
  }
  const quiet = input.raw.quiet !== undefined && /^(1|yes|true|on)$/i.test(input.raw.quiet);
  const log = (m: string) => {
    if (!quiet) inv.stderr(`${m}\n`);
  };
  for (const w of input.warnings) log(`WARNING: ${w}`);
  if (!agent.supportedActions.includes(action)) {
    inv.stderr(`ERROR: Failed: Unrecognised action '${action}'\n`);
    return FENCE_EXIT.FAILED;
  }
  const { values, errors } = resolveParams(agent, input);
  if (errors.length > 0) {
    for (const e of errors) inv.stderr(`ERROR: Failed: ${e}\n`);
    return FENCE_EXIT.FAILED;
  }
  const ctx: FenceContext = {
    action,
    params: values as ParamValues<ParamSpecs>,
    plug: TARGETLESS.has(action) ? undefined : (values.plug as string | undefined),
    nodename: input.nodename,
    powerTimeoutMs: Number(values.power_timeout ?? 20) * 1000,
    signal: inv.signal ?? new AbortController().signal,
    log,
  };
  const h = agent.handlers;
  try {
    switch (action) {
      case 'validate-all':
        await h.validate?.(ctx);
        return FENCE_EXIT.OK;
      case 'monitor':
        if (h.monitor) await h.monitor(ctx);
        else if (h.list) await h.list(ctx);
        return FENCE_EXIT.OK;
      case 'list':
      case 'list-status': {
        const sep = String(values.separator ?? ',');
        for (const o of (await h.list?.(ctx)) ?? []) {
          const cols = [o.plug, o.alias ?? '', ...(action === 'list-status' ? [(o.status ?? 'unknown').toUpperCase()] : [])];
          inv.stdout(`${cols.join(sep)}\n`);
        }
        return FENCE_EXIT.OK;
      }
      case 'status': {
        const s = await power(ctx);
        inv.stdout(`Status: ${s.toUpperCase()}\n`);
        return s === 'off' ? FENCE_EXIT.STATUS_OFF : FENCE_EXIT.OK;
      }
    }
    if (action === 'off' || action === 'reboot') {
      const delay = Number(values.delay ?? 0);
      if (delay > 0) {
        log(`Delay ${delay} second(s) before logging in to the fence device`);
        await sleep(delay * 1000);
      }
    }
    const before = await power(ctx);
    if (action === 'on' || action === 'off') {
      if (before === action) {
        inv.stdout(`Success: Already ${action.toUpperCase()}\n`);
        return FENCE_EXIT.OK;
      }
      await setPower(ctx, action);
      inv.stdout(`Success: Powered ${action.toUpperCase()}\n`);
      return FENCE_EXIT.OK;
    }
    // reboot
    if (values.method === 'cycle' && h.reboot) {
      await h.reboot(ctx);
      if (!(await waitFor(ctx, 'on'))) throw new Failed('Timed out waiting to power ON');
    } else {
      if (before !== 'off') await setPower({ ...ctx, action: 'off' }, 'off');
      if (h.on) {
        try {
          await setPower({ ...ctx, action: 'on' }, 'on');
        } catch (err) {
          // The target is off: it was fenced, whatever powering it on says.
          log(`ERROR: ${(err as Error).message}`);
        }
      }
    }
    inv.stdout('Success: Rebooted\n');
    return FENCE_EXIT.OK;
  } catch (err) {
    inv.stderr(`ERROR: Failed: ${(err as Error).message}\n`);
    return FENCE_EXIT.FAILED;
  }

  async function power(c: FenceContext): Promise<PowerState> {
    const s = await h.status(c);
    if (s !== 'on' && s !== 'off') throw new Failed(`status of ${c.plug} is ${JSON.stringify(s)}, neither on nor off`);
    return s;
  }

  async function setPower(c: FenceContext, want: PowerState): Promise<void> {
    if (want === 'on') {
      if (!h.on) throw new Failed('this device cannot power on');
      await h.on(c);
    } else await h.off(c);
    if (!(await waitFor(c, want))) throw new Failed(`Timed out waiting to power ${want.toUpperCase()}`);
  }

  /** Polls status until it says `want`, within power_timeout; never takes the handler's word alone. */
  async function waitFor(c: FenceContext, want: PowerState): Promise<boolean> {
    const wait = Number(values.power_wait ?? 0);
    if (wait > 0) await sleep(wait * 1000);
    const deadline = now() + Number(values.power_timeout ?? 20) * 1000;
    const pause = Number(values.stonith_status_sleep ?? 1) * 1000;
    for (;;) {
      if ((await power(c)) === want) return true;
      if (now() + pause > deadline || c.signal.aborted) return false;
      await sleep(pause);
    }
  }
}
