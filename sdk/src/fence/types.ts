import type { ParamSpecs, ParamValues } from '../params/types';

type Awaitable<T> = T | Promise<T>;

/** A target's power state as a fence agent reports it. */
export type PowerState = 'on' | 'off';

/** One entry of `list`: the plug (port) the device knows, an alias (often the node name), its state. */
export interface Outlet {
  plug: string;
  alias?: string;
  status?: PowerState;
}

/** Everything a fence handler gets. Built once per invocation. */
export interface FenceContext<P extends ParamSpecs = ParamSpecs> {
  /** The action as asked (`reboot`, `off`, `on`, `status`, `list`, `monitor`, `validate-all`). */
  readonly action: string;
  /** The agent's own parameters, converted and defaulted. */
  readonly params: ParamValues<P>;
  /** The target's plug/port (`plug`, or the deprecated `port`); undefined for list/monitor. */
  readonly plug: string | undefined;
  /** `nodename` as Pacemaker passes it. */
  readonly nodename: string | undefined;
  /** `power_timeout` in ms: how long a power change may take (use it for slow device calls). */
  readonly powerTimeoutMs: number;
  /** Fires when the agent must give up (SIGTERM, or `shell_timeout`-style limits of the SDK). */
  readonly signal: AbortSignal;
  /** A line to stderr (fence agents' log channel under Pacemaker). */
  log(message: string): void;
}

/** The handlers a fence agent implements; `status` and `off` are mandatory. */
export interface FenceHandlers<P extends ParamSpecs> {
  /** The power state of `ctx.plug`. Throw when it cannot be known (an unknown plug included). */
  status(ctx: FenceContext<P>): Awaitable<PowerState>;
  /** Power `ctx.plug` off. The SDK then waits until `status` says off (`power_timeout`). */
  off(ctx: FenceContext<P>): Awaitable<void>;
  /** Power `ctx.plug` on; without it, `on` is not advertised and a reboot only powers off. */
  on?(ctx: FenceContext<P>): Awaitable<void>;
  /** A native power cycle, used with `method=cycle`; the SDK then waits until `status` says on. */
  reboot?(ctx: FenceContext<P>): Awaitable<void>;
  /** Every plug the device controls. Declaring it advertises `list` and `list-status`. */
  list?(ctx: FenceContext<P>): Awaitable<readonly Outlet[]>;
  /** Checks the device is reachable; defaults to `list` when declared, else nothing to check. */
  monitor?(ctx: FenceContext<P>): Awaitable<void>;
  /** Host checks for `validate-all` beyond parameter types (files exist, certificates readable). */
  validate?(ctx: FenceContext<P>): Awaitable<void>;
}

/** The declaration of a fence agent: metadata, argv/stdin parsing and exit codes derive from it. */
export interface FenceAgentSpec<P extends ParamSpecs> {
  /** The executable's name, `fence_*`; it is installed as `/usr/sbin/<name>`. */
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  vendorUrl?: string;
  /** Whether the device addresses targets by plug (`plug`/`port`, `-n`). Default true. */
  plug?: boolean;
  /** Device parameters; with `getopt` flags (`-a, --ip=[ip]`) when they should differ from `--<name>`. */
  params: P;
  /** Short options per parameter (`{ ip: 'a' }` gives `-a`). */
  shortOptions?: Partial<Record<keyof P & string, string>>;
  handlers: FenceHandlers<P>;
}

/** A declared fence agent, ready for `runFenceAgent`, `fenceMetaData` and the build. */
export interface FenceAgent<P extends ParamSpecs = ParamSpecs> extends FenceAgentSpec<P> {
  readonly kind: 'fence';
  /** Device parameters plus the standard ones every fence agent takes (action, plug, delay, ...). */
  readonly allParams: ParamSpecs;
  /** Actions in meta-data order. */
  readonly supportedActions: readonly string[];
}
