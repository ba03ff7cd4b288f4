import { availableParallelism, hostname } from 'node:os';
import { checkSearchPath, DEFAULT_SEARCH_PATH } from './agent-path';
import { type ExecutorClock, systemClock } from './clock';
import { inheritedEnv } from './env';
import type { Verdict } from './outcome';
import type { OpSettings } from './run-op';
import type { OpRequest, ResourceSpec } from './types';
import { WarmPool } from './warm';

/**
 * Idle warm runners per Node binary unless `OCFKIT_EXEC_WARM` or the options say otherwise: the
 * three agent processes of a failover (IP start, pgsql start, the IP monitor beside it) each find
 * one even before a replacement is up. An idle runner holds ~5 MB of its own (39 MB RSS, the rest
 * the shared node binary).
 */
const DEFAULT_WARM = 3;

/** The warm runner count: the option, else `OCFKIT_EXEC_WARM`, else {@link DEFAULT_WARM}; a bad value names itself. */
function warmCount(option: number | undefined, env: string | undefined): number {
  const raw = option ?? (env === undefined || env === '' ? DEFAULT_WARM : Number(env));
  if (!Number.isInteger(raw) || raw < 0 || raw > 16)
    throw new Error(`${option !== undefined ? 'warm' : 'OCFKIT_EXEC_WARM'} must be an integer 0-16, got ${JSON.stringify(option ?? env)}`);
  return raw;
}

/** Executor settings; every field has execd's default. */
export interface ExecutorOptions {
  /** Agent directories, searched in order. Default `['/usr/lib/ocf/resource.d']`. */
  searchPath?: string[];
  /** Ops running at once across resources. Default: CPUs × 2. */
  concurrency?: number;
  /** `undefined`: SIGKILL the group at the timeout (execd). A number: SIGTERM, wait, SIGKILL (Heartbeat lrmd). */
  termGraceMs?: number;
  /** The agents' working directory. Default `process.cwd()`. */
  cwd?: string;
  /** Bytes kept per output stream. Default 1 MiB. */
  captureBytes?: number;
  /** The inherited environment. Default: `process.env` without OCF_* and __OCF_ACTION. */
  baseEnv?: Record<string, string>;
  /** `CRM_meta_on_node`. Default `os.hostname()`. */
  nodeName?: string;
  /** `OCF_ROOT`. Default `/usr/lib/ocf`. */
  ocfRoot?: string;
  /** Time and timers (timestamps, timeouts, start delays, intervals). Default: the real clock. */
  clock?: ExecutorClock;
  /**
   * Runs the ops of `stonith:` resources (fence devices: start/stop register them, monitor checks
   * the device), as pacemaker-execd hands them to the fencer. Without it they fail "not installed".
   */
  stonith?: StonithOps;
  /**
   * Idle pre-started Node processes kept per Node binary for agents built by `ocfkit build` (their
   * marker line): such an agent is handed to one of them instead of exec'ing a new Node, which
   * saves Node's own start-up (~100 ms of CPU per agent process). Each is used once; ops with a
   * `user` and every other agent are exec'd. Default: `OCFKIT_EXEC_WARM` from the environment
   * (`0` turns it off, a number sets the count), else 3.
   */
  warm?: number;
}

/** The fencing helper's side of `stonith:` resource ops. */
type StonithOps = (spec: ResourceSpec, req: OpRequest) => Promise<Verdict>;

/** The default number of ops running at once: CPUs × 2. */
export function defaultConcurrency(): number {
  return availableParallelism() * 2;
}

/**
 * Checks the options and fills in execd's defaults.
 *
 * @example
 * resolveSettings({ searchPath: ['/usr/lib/ocf/resource.d'], termGraceMs: 5000 })
 */
export function resolveSettings(options: ExecutorOptions): OpSettings {
  const searchPath = options.searchPath ?? [...DEFAULT_SEARCH_PATH];
  checkSearchPath(searchPath);
  const captureBytes = options.captureBytes ?? 1 << 20;
  if (!Number.isInteger(captureBytes) || captureBytes < 0)
    throw new Error(`captureBytes must be a non-negative integer, got ${captureBytes}`);
  if (options.termGraceMs !== undefined && !(options.termGraceMs >= 0))
    throw new Error(`termGraceMs must be >= 0, got ${options.termGraceMs}`);
  const warm = warmCount(options.warm, process.env.OCFKIT_EXEC_WARM);
  return {
    searchPath,
    cwd: options.cwd ?? process.cwd(),
    captureBytes,
    baseEnv: options.baseEnv ?? inheritedEnv(process.env),
    nodeName: options.nodeName ?? hostname(),
    ocfRoot: options.ocfRoot ?? '/usr/lib/ocf',
    clock: options.clock ?? systemClock,
    ...(options.termGraceMs !== undefined ? { termGraceMs: options.termGraceMs } : {}),
    ...(options.stonith ? { stonith: options.stonith } : {}),
    ...(warm > 0 ? { warm: new WarmPool(warm) } : {}),
  };
}
