/**
 * diskcheck — disk health as a node attribute (the semantics of Linux-HA Japan's diskd).
 *
 * Manages: a checker that reads a block device with O_DIRECT (`device`) or writes and removes a
 * small file synchronously in a directory (`write_dir`), and sets the node attribute `name`
 * (default `diskcheck_status`) to `normal` or `ERROR` after every check. A check that does not
 * return within `timeout` (a hung disk) counts as ERROR; the agent never waits for it.
 * Cluster rules then keep services off a node with a bad disk:
 * `rule -INFINITY: not_defined diskcheck_status or diskcheck_status eq ERROR`.
 * Daemon mode (default): start launches the checker (every `interval`): the agent's own
 * executable as a long-lived helper process that checks in-process, spawning only `dd`/`rm` and
 * the attribute writer; monitor says whether it runs. Oneshot mode: no checker; every recurring monitor checks once.
 * Attributes go to Pacemaker's attrd (attrd_updater) or, under the bundled engine, to its attrd.
 * Binaries needed: dd, rm (coreutils); attrd_updater under Pacemaker.
 * Clones: meant to run as an anonymous clone on every node. Not promotable.
 * Drop-in for ocf:pacemaker:diskd for `name`, `device`, `write_dir`, `interval`, `dampen`,
 * `oneshot` and `pidfile` (diskd's `options` flags become `timeout` and `retries`).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AgentContext, defineAgent, fail, failed, nodeAttributes } from '@ocfkit/sdk';
import { CHECKER_HELPER, checker, checkerAlive, recordedPid, startChecker, stopChecker, unrecordedCheckers } from './checker';
import { type CheckSettings, checkAndRecord, RETRY_DELAY_MS, readStatus } from './record';

const params = {
  device: {
    type: 'string',
    shortdesc: 'Block device to read-check',
    longdesc: 'Block device read with O_DIRECT (one 4 KiB block) at every check. Exactly one of device and write_dir must be set.',
    pattern: '^/',
  },
  write_dir: {
    type: 'string',
    shortdesc: 'Directory to write-check',
    longdesc:
      'Directory in which every check writes a small file synchronously (O_DSYNC) and removes it. Exactly one of device and write_dir must be set.',
    pattern: '^/',
  },
  name: {
    type: 'string',
    shortdesc: 'Node attribute to set',
    longdesc: 'The node attribute that receives "normal" or "ERROR".',
    default: 'diskcheck_status',
    pattern: '^[A-Za-z0-9_#][A-Za-z0-9_.:#-]{0,127}$',
  },
  interval: {
    type: 'duration',
    shortdesc: 'Time between checks',
    longdesc: 'Time between the starts of two checks.',
    default: '30s',
    minMs: 100,
  },
  timeout: {
    type: 'duration',
    shortdesc: 'Time one check may take',
    longdesc: 'A read or write that has not returned after this long counts as a failed check (ERROR).',
    default: '10s',
    minMs: 100,
  },
  retries: {
    type: 'integer',
    shortdesc: 'Retries after an I/O error',
    longdesc: 'How many more times a check that failed with an I/O error is tried (1 s apart) before ERROR is set. A hang is not retried.',
    default: 1,
    min: 0,
    max: 10,
  },
  dampen: {
    type: 'duration',
    shortdesc: 'Attribute dampening',
    longdesc: 'How long a changed value must persist before the cluster acts on it.',
    default: '0',
  },
  oneshot: {
    type: 'boolean',
    shortdesc: 'Check from the monitor instead of a checker process',
    longdesc: 'When true, no checker runs: every recurring monitor checks once and sets the attribute.',
    default: false,
  },
  pidfile: {
    type: 'string',
    shortdesc: 'Checker pidfile (state file in oneshot mode)',
    longdesc: 'Default: $HA_RSCTMP/diskcheck-<instance>.pid.',
    unique: true,
    pattern: '^/',
  },
} as const;

type Ctx = AgentContext<typeof params>;

function stateDir(ctx: Ctx): string {
  return ctx.env.HA_RSCTMP || '/run/resource-agents';
}
function pidfile(ctx: Ctx): string {
  return ctx.params.pidfile ?? `${stateDir(ctx)}/diskcheck-${ctx.instance.replace(/[^A-Za-z0-9_.:-]/g, '_')}.pid`;
}
/** The longest one check can take: every attempt timing out, the pauses, and the attribute write. */
function checkBudgetMs(ctx: Ctx): number {
  return ctx.params.timeout * (ctx.params.retries + 1) + RETRY_DELAY_MS * ctx.params.retries + 5000;
}
function settings(ctx: Ctx): CheckSettings {
  const p = ctx.params;
  return {
    device: p.device,
    writeDir: p.write_dir,
    name: p.name,
    timeoutMs: p.timeout,
    retries: p.retries,
    dampenMs: p.dampen,
    pidfile: pidfile(ctx),
  };
}

/** One check from an action (oneshot mode): keep a second to write the attribute before the deadline. */
function checkOnce(ctx: Ctx): Promise<void> {
  return checkAndRecord(ctx, settings(ctx), Math.max(100, ctx.remainingMs() - 1000));
}

async function deleteAttribute(ctx: Ctx): Promise<void> {
  try {
    await nodeAttributes(ctx).delete(ctx.params.name, { dampenMs: ctx.params.dampen });
  } catch (err) {
    // As diskd: stop succeeds even when attrd cannot be reached (the node is leaving anyway).
    ctx.log.warn(`could not delete attribute ${ctx.params.name}: ${(err as Error).message}`);
  }
  rmSync(`${pidfile(ctx)}.status`, { force: true });
}

export default defineAgent({
  name: 'diskcheck',
  version: '1.0.0',
  shortdesc: 'Disk health as a node attribute',
  longdesc:
    'Checks a disk (a direct read of a block device, or a synchronous write in a directory) at every interval and sets a node attribute to "normal" or "ERROR"; a check that hangs counts as ERROR after timeout. Location rules on the attribute keep resources off nodes with a failing disk. Run it as an anonymous clone.',
  metadata: 'portable',
  params,
  async status(ctx) {
    const file = pidfile(ctx);
    if (ctx.params.oneshot) {
      if (!existsSync(file)) return 'stopped';
      if (ctx.action === 'monitor' && !ctx.meta.probe) await checkOnce(ctx);
      return 'running';
    }
    const pid = recordedPid(file);
    if (pid === undefined) {
      // A start killed before it recorded its checker: not stopped, so stop runs and ends it.
      const stray = unrecordedCheckers(file, undefined)[0];
      return stray === undefined ? 'stopped' : failed(`a disk checker (pid ${stray}) runs without its pidfile ${file}`);
    }
    // Not "stopped": stop must still run to delete the attribute the dead checker left behind.
    return checkerAlive(pid, file) ? 'running' : failed(`the disk checker (pid ${pid}) is not running`);
  },
  validate(ctx) {
    const { device, write_dir } = ctx.params;
    if (device === undefined && write_dir === undefined) fail.configured('set one of device and write_dir');
    if (device !== undefined && write_dir !== undefined)
      fail.configured(`device (${device}) and write_dir (${write_dir}) exclude each other`);
    ctx.requireBinary('dd');
    ctx.requireBinary('rm');
  },
  actions: {
    async start(ctx) {
      const file = pidfile(ctx);
      if (ctx.params.oneshot) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
        writeFileSync(file, 'oneshot\n', { mode: 0o644 });
        // The first result; an attrd that cannot be reached yet is retried by every monitor.
        await checkOnce(ctx).catch((err: Error) => ctx.log.warn(err.message));
        return;
      }
      await stopChecker(file, 2000);
      rmSync(`${file}.status`, { force: true });
      const agent = process.argv[1];
      if (!agent || !existsSync(agent)) return fail.installed(`cannot find the agent's own executable (${agent}) to run the checker`);
      const pid = startChecker({
        agent,
        intervalMs: ctx.params.interval,
        budgetMs: checkBudgetMs(ctx),
        settings: settings(ctx),
        env: ctx.env,
      });
      ctx.log.info(`checker started (pid ${pid}): ${ctx.params.device ?? ctx.params.write_dir} every ${ctx.params.interval} ms`);
      // Wait (within the start timeout) for the first result, so rules see the attribute at once.
      while (ctx.remainingMs() > 1500 && checkerAlive(pid, file)) {
        const first = readStatus(file);
        if (first?.attrError !== undefined) {
          // Not a start failure: without the attribute, rules already keep services away, and the
          // checker sets it as soon as attrd answers.
          ctx.log.warn(
            `first check: disk ${first.value}, but ${ctx.params.name} could not be set (${first.attrError}); the checker keeps trying`,
          );
          return;
        }
        if (first) return;
        await ctx.sleep(100);
      }
      ctx.log.warn(`no first check result from the checker within the start timeout; ${ctx.params.name} stays as it was`);
    },
    async stop(ctx) {
      const file = pidfile(ctx);
      if (ctx.params.oneshot) rmSync(file, { force: true });
      else await stopChecker(file, Math.min(5000, Math.max(100, ctx.remainingMs() - 2000)));
      await deleteAttribute(ctx);
    },
  },
  helpers: { [CHECKER_HELPER]: checker },
  timing: {
    start: { timeout: '60s' },
    stop: { timeout: '60s' },
    monitor: { timeout: '60s', interval: '10s' },
    'validate-all': { timeout: '20s' },
    'meta-data': { timeout: '5s' },
  },
});
