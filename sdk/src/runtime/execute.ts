import { setMaxListeners } from 'node:events';
import { EXIT_REASON_MAX, EXIT_REASON_PREFIX, OCF } from '../codes';
import { type AgentContext, readCheckLevel, readMeta } from '../context';
import type { Agent } from '../define-agent';
import { OcfError } from '../errors';
import { createExec } from '../exec/exec';
import { createLogger, type Logger } from '../log/logger';
import { metaData, usage } from '../metadata/metadata';
import { compileValidator } from '../params/compile';
import { readParams, withDefaults } from '../params/parse';
import { privateParams, redact } from '../params/private';
import type { ParamSpecs, ParamValues } from '../params/types';
import { describeIssues, type ValidateFn } from '../params/validate';
import { describeState, type State, stateName } from '../state';
import { haveBinary } from './binaries';
import { deadlineMargin, MAX_TIMER_MS, pollDelays, sleep } from './deadline';

/** One invocation of an agent: the action, the environment, and where output goes. */
/** One run of an agent as {@link execute} sees it: the action, the environment and where output goes. */
export interface Invocation {
  /** The action (argv[2] of the executable); undefined prints usage and returns 3. */
  action: string | undefined;
  /** The environment (`OCF_RESKEY_*`, `OCF_RESKEY_CRM_meta_*`, `HA_*` ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Writes to the agent's stdout (meta-data, usage). */
  stdout(text: string): void;
  /** Writes to the agent's stderr (logs, the exit-reason line). */
  stderr(text: string): void;
  /** stdout is a terminal (logs then go to stderr only). */
  tty?: boolean;
  pid?: number;
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  /** A precompiled (standalone) validator; compiled from the schema with ajv when absent. */
  validate?: ValidateFn;
}

class DeadlineError extends Error {}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Maps anything thrown to an OCF code and a reason; nothing thrown ever means success. */
function classify(err: unknown): { rc: number; reason: string } {
  if (err instanceof OcfError) return { rc: err.code, reason: err.message };
  if (err instanceof Error) return { rc: OCF.ERR_GENERIC, reason: err.message || err.name };
  return { rc: OCF.ERR_GENERIC, reason: String(err) };
}

function monitorCode(s: State): { rc: number; reason?: string } {
  if (typeof s === 'string') {
    return { rc: s === 'stopped' ? OCF.NOT_RUNNING : s === 'promoted' ? OCF.RUNNING_PROMOTED : OCF.SUCCESS };
  }
  if (s.state === 'failed') return { rc: s.promoted ? OCF.FAILED_PROMOTED : OCF.ERR_GENERIC, reason: s.reason };
  return { rc: s.promoted ? OCF.DEGRADED_PROMOTED : OCF.DEGRADED, reason: s.reason };
}

/**
 * Runs one action of an agent and returns its exit code; never exits the process. This is the
 * whole OCF dispatch: usage and meta-data, parameter validation (6, but 7 on a probe and a
 * best-effort 0 on stop), host checks, status-driven idempotent lifecycle actions, the deadline
 * from `CRM_meta_timeout`, and one `ocf-exit-reason:` line for every failure.
 */
export async function execute<P extends ParamSpecs>(typedAgent: Agent<P>, inv: Invocation, options: ExecuteOptions = {}): Promise<number> {
  const agent = typedAgent as unknown as Agent<ParamSpecs>;
  const { env } = inv;
  const requested = inv.action;
  const prefix = env.OCF_EXIT_REASON_PREFIX || EXIT_REASON_PREFIX;
  // Private parameters' values never reach an exit reason, a log line or a child's environment.
  const { values, raw } = readParams(agent.params, env);
  const hidden = privateParams(agent.params, raw);
  const reasonLine = (reason: string) => inv.stderr(`${prefix}${oneLine(redact(reason, hidden.values)).slice(0, EXIT_REASON_MAX)}\n`);

  if (requested === undefined || requested === '') {
    inv.stderr(usage(agent));
    reasonLine('no action given');
    return OCF.ERR_UNIMPLEMENTED;
  }
  if (['usage', 'help', '-h', '--help'].includes(requested)) {
    inv.stdout(usage(agent));
    return OCF.SUCCESS;
  }
  if (requested === 'meta-data') {
    inv.stdout(metaData(agent));
    return OCF.SUCCESS;
  }
  if (requested === 'methods') {
    inv.stdout(`${agent.supportedActions.join('\n')}\n`);
    return OCF.SUCCESS;
  }
  if (!agent.supportedActions.includes(requested)) {
    inv.stderr(usage(agent));
    reasonLine(`action "${requested}" is not supported by ${agent.name}`);
    return OCF.ERR_UNIMPLEMENTED;
  }
  const action = requested === 'reload' ? 'reload-agent' : requested;

  const instance = env.OCF_RESOURCE_INSTANCE || agent.name;
  const type = env.OCF_RESOURCE_TYPE || agent.name;
  const meta = readMeta(action, env);
  const started = Date.now();
  const deadline = started + meta.timeoutMs - deadlineMargin(meta.timeoutMs);
  const controller = new AbortController();
  // Every running command and sleep listens on the signal; concurrent ones are legitimate, and
  // Node's "possible EventTarget memory leak" warning (> 10 listeners) would land on stderr.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(
    () => controller.abort(new DeadlineError(`deadline of ${meta.timeoutMs} ms reached`)),
    Math.min(MAX_TIMER_MS, Math.max(0, deadline - started)),
  );
  timer.unref?.();
  let stuckTimer: ReturnType<typeof setTimeout> | undefined;
  const log: Logger = createLogger({
    env,
    tag: `${type}(${instance})[${inv.pid ?? process.pid}]`,
    writeStderr: inv.stderr,
    secrets: hidden.values,
    ...(inv.tty !== undefined ? { tty: inv.tty } : {}),
  });
  const fileLogging = Boolean(env.HA_LOGFILE || (env.HA_LOGFACILITY && env.HA_LOGFACILITY !== 'none'));
  const finish = (rc: number, reason?: string): number => {
    if (reason !== undefined && rc !== OCF.SUCCESS) {
      reasonLine(reason);
      if (fileLogging) log.error(reason);
    }
    log.trace(`${action} -> ${rc}`);
    return rc;
  };
  log.trace(`${action} start (timeout ${meta.timeoutMs} ms${meta.probe ? ', probe' : ''})`);

  try {
    const validate = options.validate ?? (await compileValidator(agent.schema));
    const valid = validate(values);
    const issues = valid ? [] : describeIssues(agent.params, validate, raw);
    const ctx: AgentContext<ParamSpecs> = {
      action,
      params: withDefaults(agent.params, values) as ParamValues<ParamSpecs>,
      instance,
      type,
      provider: env.OCF_RESOURCE_PROVIDER,
      meta,
      checkLevel: readCheckLevel(env),
      env,
      deadline,
      signal: controller.signal,
      remainingMs: () => Math.max(0, deadline - Date.now()),
      sleep: (ms) => sleep(ms, controller.signal),
      log,
      exec: createExec({ env, signal: controller.signal, log, secrets: hidden.values, hiddenEnv: hidden.envNames }),
      haveBinary: (name) => haveBinary(name, env),
      requireBinary: (name) => {
        if (!haveBinary(name, env)) throw new OcfError(OCF.ERR_INSTALLED, `Setup problem: couldn't find command: ${name}`);
      },
    };

    let lastState: State | undefined;
    const status = async (): Promise<State> => {
      lastState = await agent.status(ctx);
      return lastState;
    };
    /** Polls status() until `want`; towards running, a final failure ends the wait at once. */
    const waitFor = async (want: (s: State) => boolean, upward = true): Promise<void> => {
      for (const delay of pollDelays()) {
        const s = await status();
        if (want(s)) return;
        if (upward && typeof s !== 'string' && s.state === 'failed' && s.final) throw new OcfError(OCF.ERR_GENERIC, s.reason);
        await ctx.sleep(delay);
      }
    };

    const bestEffortStop = async (why: string): Promise<number> => {
      log.warn(`stop with an invalid configuration (${why}): stopping what can be found`);
      let s: State;
      try {
        s = await status();
      } catch (err) {
        log.warn(`status unknown (${classify(err).reason}); nothing this configuration manages can run`);
        return finish(OCF.SUCCESS);
      }
      if (stateName(s) === 'stopped') return finish(OCF.SUCCESS);
      await agent.actions.stop(ctx);
      await waitFor((x) => stateName(x) === 'stopped', false);
      return finish(OCF.SUCCESS);
    };

    // A notify must answer 0 (contract §1.3): Pacemaker ignores notify failures, ocf-tester does not.
    const ignoredNotify = (why: string): number => {
      log.warn(`notify with an invalid configuration (${why}): nothing to do`);
      return finish(OCF.SUCCESS);
    };

    const body = async (): Promise<number> => {
      if (issues.length > 0) {
        const reason = issues.map((i) => i.message).join('; ');
        if (action === 'stop') return bestEffortStop(reason);
        if (action === 'notify') return ignoredNotify(reason);
        if (meta.probe) {
          log.warn(`probe with an invalid configuration (${reason}): reporting not running`);
          return finish(OCF.NOT_RUNNING);
        }
        return finish(OCF.ERR_CONFIGURED, reason);
      }
      if (agent.validate) {
        try {
          await agent.validate(ctx);
        } catch (err) {
          if (err instanceof DeadlineError || controller.signal.aborted) throw err;
          const { rc, reason } = classify(err);
          if (action === 'stop') return bestEffortStop(reason);
          if (action === 'notify') return ignoredNotify(reason);
          if (meta.probe) {
            log.warn(`probe: ${reason}: reporting not running`);
            return finish(OCF.NOT_RUNNING);
          }
          return finish(rc, reason);
        }
      }
      const a = agent.actions;
      switch (action) {
        case 'validate-all':
          return finish(OCF.SUCCESS);
        case 'monitor': {
          const { rc, reason } = monitorCode(await status());
          return finish(rc, reason);
        }
        case 'start': {
          const s = stateName(await status());
          if (s === 'running' || s === 'promoted') return finish(OCF.SUCCESS);
          await a.start(ctx);
          await waitFor((x) => ['running', 'promoted'].includes(stateName(x)));
          return finish(OCF.SUCCESS);
        }
        case 'stop': {
          if (stateName(await status()) === 'stopped') return finish(OCF.SUCCESS);
          await a.stop(ctx);
          await waitFor((x) => stateName(x) === 'stopped', false);
          return finish(OCF.SUCCESS);
        }
        case 'promote': {
          const s = stateName(await status());
          if (s === 'promoted') return finish(OCF.SUCCESS);
          if (s === 'stopped') return finish(OCF.NOT_RUNNING, 'cannot promote: the resource is not running');
          await a.promote?.(ctx);
          await waitFor((x) => stateName(x) === 'promoted');
          return finish(OCF.SUCCESS);
        }
        case 'demote': {
          const s = stateName(await status());
          if (s === 'running') return finish(OCF.SUCCESS);
          if (s === 'stopped') return finish(OCF.NOT_RUNNING, 'cannot demote: the resource is not running');
          await a.demote?.(ctx);
          await waitFor((x) => stateName(x) === 'running');
          return finish(OCF.SUCCESS);
        }
        case 'migrate_from': {
          await a.migrate_from?.(ctx);
          await waitFor((x) => ['running', 'promoted'].includes(stateName(x)));
          return finish(OCF.SUCCESS);
        }
        default: {
          const handler = a[action as 'notify' | 'reload-agent' | 'migrate_to'];
          const rc: unknown = await handler?.(ctx);
          if (rc === OCF.SUCCESS) return finish(OCF.SUCCESS);
          if (typeof rc === 'number') return finish(rc, `${action} returned ${rc}`);
          return finish(OCF.ERR_GENERIC, `${action} handler returned no result (it must return OCF.SUCCESS or throw)`);
        }
      }
    };

    const outcome = body();
    // Every wait is tied to the signal; this guards a handler stuck in something that is not. A
    // plain timer (an abort listener costs ~3 ms at start-up), and a referenced one: it keeps the
    // process alive until the verdict, so a handler awaiting a promise that never settles cannot
    // let Node exit on its own with status 0.
    const stuck = new Promise<never>((_, reject) => {
      stuckTimer = setTimeout(
        () => reject(new DeadlineError(`deadline of ${meta.timeoutMs} ms reached`)),
        Math.min(MAX_TIMER_MS, Math.max(0, deadline - started) + Math.min(1000, deadlineMargin(meta.timeoutMs) / 2)),
      );
    });
    try {
      return await Promise.race([outcome, stuck]);
    } catch (err) {
      if (controller.signal.aborted || err instanceof DeadlineError) {
        const seen = lastState === undefined ? '' : `; status: ${describeState(lastState)}`;
        return finish(OCF.ERR_GENERIC, `${action} did not complete within ${meta.timeoutMs / 1000}s (CRM_meta_timeout)${seen}`);
      }
      throw err;
    }
  } catch (err) {
    const { rc, reason } = classify(err);
    return finish(rc, reason);
  } finally {
    clearTimeout(timer);
    clearTimeout(stuckTimer);
    await log.flush();
  }
}
