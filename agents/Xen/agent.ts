/**
 * Xen — a Xen guest (domU) managed from dom0 with `xl` (Xen ≥ 4.1) or `xm` (Xen 3.x / xend).
 *
 * Manages: one domain, created from a config file (`xmfile`) under a fixed name. "Running" is
 * what the toolstack's state letters say: r, b or p, and none of s (shut down), c (crashed),
 * d (dying). Binaries: `xl`, else `xm` (PATH, then /usr/sbin); `crm_attribute` only with
 * `node_ip_attribute`. Clones: no (a domain runs once). Not promotable. Live migration: yes
 * (`allow-migrate=true`). Drop-in for ocf:heartbeat:Xen for the parameters xmfile, name,
 * shutdown_timeout, shutdown_acpi, allow_mem_management, reserved_Dom0_memory, monitor_scripts,
 * node_ip_attribute and autoset_utilization_cpu / autoset_utilization_hv_memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type AgentContext, defineAgent, fail, failed, OCF, type State } from '@ocfkit/sdk';
import { shareMemory } from './memory';
import { runMonitorScripts } from './monitor-scripts';
import { nodeAddress } from './node-address';
import { describeFlags } from './state-letters';
import { commands, type DomainView, lookupDomain, requireToolstack, type Toolstack } from './toolstack';
import { updateUtilization, utilizationOf } from './utilization';
import { nameFromConfig } from './xmfile';

const params = {
  xmfile: {
    type: 'string',
    shortdesc: 'Xen control file',
    longdesc: 'Absolute path to the Xen configuration file of this guest (xl.cfg(5) / xmdomain.cfg(5)), used by start.',
    required: true,
    unique: true,
    pattern: '^/',
  },
  name: {
    type: 'string',
    shortdesc: 'Name of the virtual machine',
    longdesc:
      'Domain name. Default: the name= line of xmfile (unless it holds "%" or whitespace, or starts with "-"), else the resource id. The guest is always created under this name. It may not start with "-" (xl would read it as an option).',
    unique: true,
    pattern: '^[^\\s"\'%-][^\\s"\'%]*$',
  },
  shutdown_timeout: {
    type: 'string',
    shortdesc: 'Shutdown escalation timeout',
    longdesc:
      'Seconds to wait for a graceful shutdown (or ACPI power-off) before the domain is destroyed; 0 destroys at once. Default: 2/3 of the stop timeout (60 s without one). Never more than leaves time to destroy within the stop timeout.',
    pattern: '^[0-9]+$',
  },
  shutdown_acpi: {
    type: 'boolean',
    shortdesc: 'Simulate power button event on shutdown',
    longdesc:
      'Stop with an ACPI power button event (`trigger <dom> power`) instead of a PV shutdown request: for HVM guests without PV drivers.',
    default: false,
  },
  allow_mem_management: {
    type: 'boolean',
    shortdesc: 'Use dynamic memory management',
    longdesc:
      'Share the host memory (minus reserved_Dom0_memory) equally among running guests: mem-set them on start, stop and migration, and create a new guest with its share (passed as memory=, the config file is not edited).',
    default: false,
  },
  reserved_Dom0_memory: {
    type: 'integer',
    shortdesc: 'Minimum Dom0 memory',
    longdesc: 'MB kept for dom0 by allow_mem_management.',
    default: 512,
    min: 0,
  },
  monitor_scripts: {
    type: 'string',
    shortdesc: 'list of space separated monitor scripts',
    longdesc:
      'Commands run (no arguments, OCF_RESKEY_name = the domain) by monitor once the domain runs, e.g. a ping of the guest or a service check. Any non-zero exit fails the monitor (1) naming the script; start and migrate_from wait until they pass.',
  },
  autoset_utilization_cpu: {
    type: 'boolean',
    shortdesc: 'Enable auto-setting the CPU utilization of the resource',
    longdesc:
      "A monitor that finds the domain running puts its number of vCPUs into the resource's cpu utilization (crm_resource -z). Set node utilization too, or the resource may not be able to start anywhere.",
    default: false,
  },
  autoset_utilization_hv_memory: {
    type: 'boolean',
    shortdesc: 'Enable auto-setting the hv_memory utilization of the resource',
    longdesc:
      "A monitor that finds the domain running puts its memory in MB into the resource's hv_memory utilization (crm_resource -z). Set node utilization too, or the resource may not be able to start anywhere.",
    default: false,
  },
  node_ip_attribute: {
    type: 'string',
    shortdesc: 'Node attribute containing target IP address',
    longdesc: 'Name of a node attribute holding the address to migrate to (e.g. a dedicated migration network); default: the node name.',
  },
} as const;

type Ctx = AgentContext<typeof params>;

/** `name`, else the xmfile's name= line, else the resource id (like the heartbeat agent). */
function domainName(ctx: Ctx): string {
  if (ctx.params.name) return ctx.params.name;
  try {
    return nameFromConfig(readFileSync(ctx.params.xmfile, 'utf8')) ?? ctx.instance;
  } catch {
    return ctx.instance;
  }
}

async function observe(ctx: Ctx): Promise<{ ts: Toolstack; name: string; view: DomainView | undefined }> {
  const ts = requireToolstack(ctx.env);
  const name = domainName(ctx);
  return { ts, name, view: await lookupDomain(ctx, ts, name) };
}

function recurringMonitor(ctx: Ctx): boolean {
  return ctx.action === 'monitor' && !ctx.meta.probe;
}

/** Graceful-shutdown budget in ms: the parameter, else 2/3 of the stop timeout; always leaves time to destroy. */
function shutdownBudgetMs(ctx: Ctx): number {
  const wanted =
    ctx.params.shutdown_timeout !== undefined
      ? Number(ctx.params.shutdown_timeout) * 1000
      : ctx.meta.raw.timeout !== undefined
        ? (ctx.meta.timeoutMs * 2) / 3
        : 60_000;
  const reserve = Math.max(2000, ctx.remainingMs() / 4);
  return Math.max(0, Math.min(wanted, ctx.remainingMs() - reserve));
}

async function bestEffortShareMemory(ctx: Ctx, ts: Toolstack): Promise<void> {
  if (!ctx.params.allow_mem_management) return;
  try {
    await shareMemory(ctx, ts, ctx.params.reserved_Dom0_memory, 0);
  } catch (err) {
    ctx.log.warn(`memory rebalancing failed: ${(err as Error).message}`);
  }
}

export default defineAgent({
  name: 'Xen',
  version: '1.0.0',
  shortdesc: 'Manages Xen unprivileged domains (DomUs)',
  longdesc:
    'Starts, stops, monitors and live-migrates a Xen guest from dom0 with xl (or xm on Xen 3.x hosts): start creates the domain from its config file, stop asks for a graceful shutdown and destroys the domain when the shutdown timeout passes, monitor checks the domain state and runs optional monitor scripts.',
  metadata: 'portable',
  params,
  async status(ctx): Promise<State> {
    let { ts, name, view } = await observe(ctx);
    // A recurring monitor rides out a guest reboot: xl re-creates the domain under a new id.
    for (let retry = 0; recurringMonitor(ctx) && !view?.running && retry < 5 && ctx.remainingMs() > 2000; retry++) {
      await ctx.sleep(1000);
      view = await lookupDomain(ctx, ts, name);
    }
    if (!view?.running) {
      if (view) ctx.log.warn(`domain ${name} is ${describeFlags(view.flags)} (state ${view.state}): not running`);
      else if (recurringMonitor(ctx)) ctx.log.error(`Xen domain ${name} stopped`);
      return 'stopped';
    }
    if (ctx.action === 'monitor') {
      const enabled = { cpu: ctx.params.autoset_utilization_cpu, hvMemory: ctx.params.autoset_utilization_hv_memory };
      await updateUtilization(ctx, utilizationOf(view, enabled));
    }
    if (['monitor', 'start', 'migrate_from'].includes(ctx.action)) {
      const problem = await runMonitorScripts(ctx, ctx.params.monitor_scripts, name);
      if (problem) return failed(problem);
    }
    return 'running';
  },
  validate(ctx) {
    requireToolstack(ctx.env);
  },
  actions: {
    async start(ctx) {
      const { ts, name, view } = await observe(ctx);
      const xmfile = ctx.params.xmfile;
      if (!existsSync(xmfile)) fail.installed(`config file ${xmfile} for domain ${name} does not exist`);
      const cmd = commands(ts);
      // Running but failing its monitor scripts: the guest stays; the SDK waits for the scripts.
      if (view?.running) return ctx.log.warn(`${name} runs but its monitor scripts fail: waiting for them`);
      if (view) {
        // A preserved crash or shutdown still holds the name; the guest restarts, the remnant goes.
        ctx.log.warn(`destroying the ${describeFlags(view.flags)} remnant of ${name} (state ${view.state}) before creating it again`);
        await ctx.exec(ts.path, cmd.destroy(name));
      }
      const memory = ctx.params.allow_mem_management ? await shareMemory(ctx, ts, ctx.params.reserved_Dom0_memory, 1) : undefined;
      const r = await ctx.exec(ts.path, cmd.create(xmfile, name, memory), { check: false });
      if (r.exitCode !== 0) {
        const said =
          r.stderr
            .trim()
            .split('\n')
            .pop()
            ?.replace(/^libxl: error: [^ ]+ /, '') ?? '';
        fail.generic(`${ts.kind} create ${name} failed (exit ${r.exitCode ?? r.signal}): ${said}`);
      }
    },
    async stop(ctx) {
      const { ts, name, view } = await observe(ctx);
      const cmd = commands(ts);
      const budget = shutdownBudgetMs(ctx);
      if (view?.running && budget > 0) {
        const until = Date.now() + budget;
        const how = ctx.params.shutdown_acpi ? cmd.powerButton(name) : cmd.shutdown(name);
        const r = await ctx.exec(ts.path, how, { check: false, timeoutMs: budget });
        if (r.exitCode !== 0) ctx.log.warn(`${ts.kind} ${how.join(' ')} failed: ${r.stderr.trim() || r.signal}`);
        // Every call in the graceful phase is bounded by its budget: a stuck toolstack leads to destroy too.
        const gone = () => lookupDomain(ctx, ts, name, Math.max(1, until - Date.now())).then((v) => v === undefined);
        while (Date.now() < until && !(await gone().catch(() => false))) await ctx.sleep(Math.min(500, Math.max(50, until - Date.now())));
      }
      // Destroy until gone: a hung guest ends here, bounded only by the stop timeout.
      for (let v = await lookupDomain(ctx, ts, name); v && !v.flags.dying; v = await lookupDomain(ctx, ts, name)) {
        ctx.log.warn(`Xen domain ${name} will be destroyed (state ${v.state})`);
        const r = await ctx.exec(ts.path, cmd.destroy(name), { check: false });
        if (r.exitCode !== 0) await ctx.sleep(1000);
      }
      await bestEffortShareMemory(ctx, ts);
    },
    async migrate_to(ctx) {
      const { ts, name, view } = await observe(ctx);
      if (!view?.running) fail.generic(`cannot migrate ${name}: not active locally (${view ? view.state : 'no such domain'})`);
      const target = ctx.meta.migrateTarget ?? fail.generic('migrate_to needs OCF_RESKEY_CRM_meta_migrate_target');
      const address = await nodeAddress(ctx, target, ctx.params.node_ip_attribute);
      ctx.log.info(`${name}: migrating with ${ts.kind} to ${target} (${address})`);
      await ctx.exec(ts.path, commands(ts).migrate(name, address));
      await bestEffortShareMemory(ctx, ts);
      return OCF.SUCCESS;
    },
    async migrate_from(ctx) {
      // The SDK then waits, bounded by the timeout, until status() sees the domain running here.
      ctx.log.info(`${domainName(ctx)}: receiving migration from ${ctx.meta.migrateSource ?? '(unknown node)'}`);
      await bestEffortShareMemory(ctx, requireToolstack(ctx.env));
    },
  },
  timing: {
    start: { timeout: '60s' },
    stop: { timeout: '40s' },
    monitor: { timeout: '30s', interval: '10s', depth: 0 },
    migrate_to: { timeout: '120s' },
    migrate_from: { timeout: '120s' },
    'validate-all': { timeout: '5s' },
    'meta-data': { timeout: '5s' },
  },
});
