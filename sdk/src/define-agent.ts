import type { OCF } from './codes';
import type { AgentContext } from './context';
import { type ParamsSchema, paramsSchema } from './params/schema';
import type { ParamSpecs } from './params/types';
import type { Helper } from './runtime/helper';
import type { State } from './state';

type Awaitable<T> = T | Promise<T>;

type Done = Awaitable<void>;
/** Actions status() cannot confirm must say `OCF.SUCCESS` explicitly (or throw). */
type Explicit = Awaitable<typeof OCF.SUCCESS>;

/**
 * The handlers an agent implements. `start` and `stop` are mandatory. (Declared as methods so an
 * `Agent<P>` is usable wherever an `Agent` is expected.)
 */
export interface AgentActions<P extends ParamSpecs> {
  /** Bring the resource up. Skipped when status() already says running; success only once status() says running. */
  start(ctx: AgentContext<P>): Done;
  /** Take the resource down. Skipped when already stopped; done only once status() says stopped. */
  stop(ctx: AgentContext<P>): Done;
  /** Promote; done once status() says promoted. Declaring it makes the agent promotable. */
  promote?(ctx: AgentContext<P>): Done;
  /** Demote; done once status() says running (unpromoted). */
  demote?(ctx: AgentContext<P>): Done;
  /** Apply changed `reloadable` parameters (OCF 1.1). Mapped to legacy `reload` in portable meta-data. */
  'reload-agent'?(ctx: AgentContext<P>): Explicit;
  /** Clone notification (`ctx.meta.notify`). */
  notify?(ctx: AgentContext<P>): Explicit;
  /** Push the resource to `ctx.meta.migrateTarget`. */
  migrate_to?(ctx: AgentContext<P>): Explicit;
  /** Receive a migrating resource; done once status() says running. */
  migrate_from?(ctx: AgentContext<P>): Done;
}

/** An action's advertised timing in meta-data; durations in OCF form (`20s`). */
export interface ActionTiming {
  timeout?: string;
  interval?: string;
  depth?: number;
  role?: 'Promoted' | 'Unpromoted';
  startDelay?: string;
}

/** Requires a select parameter's default to be one of its options (checked at compile time). */
type SelectDefaults<P extends ParamSpecs> = {
  [K in keyof P]: P[K] extends { type: 'select'; options: readonly (infer O)[] } ? { default?: O } : unknown;
};

/** The declaration of an agent: everything else (types, schema, meta-data, usage) derives from it. */
export interface AgentSpec<P extends ParamSpecs> {
  /** The agent's type name, also its file name under `resource.d/<provider>/`. */
  name: string;
  /** The agent's own version (meta-data `resource-agent@version`). */
  version: string;
  shortdesc: string;
  longdesc: string;
  /** `ocf-1.1` (default): OCF 1.1 meta-data. `portable`: also passes ra-api-1.dtd and metadata.rng (ocf-tester). */
  metadata?: 'ocf-1.1' | 'portable';
  params: P & SelectDefaults<NoInfer<P>>;
  /** Classifies the live system. Must be side-effect free: it runs for every monitor. */
  status(ctx: AgentContext<P>): Awaitable<State>;
  /**
   * Host-specific checks (binaries, files, users) run before every action but meta-data.
   * Throw with `fail.installed`/`fail.perm`/`fail.args`/`fail.configured`. On a probe any
   * failure becomes "not running" (7); on stop it never blocks a clean stop.
   */
  validate?(ctx: AgentContext<P>): Awaitable<void>;
  actions: AgentActions<P>;
  /**
   * Long-lived helper processes started from the agent's own executable (`<agent> ocfkit-helper
   * NAME ARGS...`, see `HELPER_ACTION`): a built agent is one file, so a daemon it needs (a
   * checker loop) is the agent itself, with its code and dependencies already bundled.
   */
  helpers?: Readonly<Record<string, Helper>>;
  /** Advertised timings; monitor may list several entries (e.g. one per role). */
  timing?: Partial<Record<Exclude<keyof AgentActions<P>, 'monitor'> | 'validate-all' | 'meta-data', ActionTiming>> & {
    monitor?: ActionTiming | readonly ActionTiming[];
  };
}

/** A declared agent, ready for `run`, `metaData` and the build. */
export interface Agent<P extends ParamSpecs = ParamSpecs> extends AgentSpec<P> {
  readonly schema: ParamsSchema;
  /** The actions this agent supports, in meta-data order. */
  readonly supportedActions: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Every action name the dispatcher knows, in meta-data order. */
function supportedActions(spec: AgentSpec<ParamSpecs>): string[] {
  const a = spec.actions;
  const list = ['start', 'stop', 'monitor'];
  if (a.promote) list.push('promote');
  if (a.demote) list.push('demote');
  if (a.notify) list.push('notify');
  if (a['reload-agent']) list.push(spec.metadata === 'portable' ? 'reload' : 'reload-agent');
  if (a.migrate_to) list.push('migrate_to');
  if (a.migrate_from) list.push('migrate_from');
  list.push('validate-all', 'meta-data');
  return list;
}

/**
 * Declares an OCF resource agent. The parameter declaration types `ctx.params` in every handler.
 *
 * @example
 * export default defineAgent({
 *   name: 'Hello', version: '1.0.0', shortdesc: 'Hello agent', longdesc: 'Says hello.',
 *   params: { greeting: { type: 'string', shortdesc: 'Greeting', default: 'hi' } },
 *   status: (ctx) => (existsSync(file(ctx)) ? 'running' : 'stopped'),
 *   actions: { start: (ctx) => touch(file(ctx)), stop: (ctx) => rm(file(ctx)) },
 * });
 */
export function defineAgent<const P extends ParamSpecs>(spec: AgentSpec<P>): Agent<P> {
  if (!NAME.test(spec.name)) throw new TypeError(`agent name ${JSON.stringify(spec.name)} must match ${NAME}`);
  if (spec.actions['reload-agent'] && spec.metadata === 'portable') {
    const blocking = Object.entries(spec.params).filter(([, p]) => !p.unique && !p.reloadable);
    if (blocking.length > 0) {
      // Legacy `reload` makes every non-unique parameter reloadable (contract §1.5).
      throw new TypeError(
        `agent ${spec.name}: portable meta-data advertises reload-agent as legacy "reload", which Pacemaker applies to every non-unique parameter; mark ${blocking.map(([n]) => `"${n}"`).join(', ')} reloadable or unique, or use metadata: 'ocf-1.1'`,
      );
    }
  }
  for (const [name, p] of Object.entries(spec.params)) {
    if (!NAME.test(name)) throw new TypeError(`agent ${spec.name}: parameter name ${JSON.stringify(name)} must match ${NAME}`);
    if (p.type === 'select' && p.options.length === 0) throw new TypeError(`agent ${spec.name}: select parameter "${name}" needs options`);
  }
  return Object.freeze({
    ...spec,
    schema: paramsSchema(spec.params),
    supportedActions: Object.freeze(supportedActions(spec as AgentSpec<ParamSpecs>)),
  });
}
