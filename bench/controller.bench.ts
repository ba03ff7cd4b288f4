/**
 * Controller budgets (issue #14), engine time only (the in-memory executor answers at once, so
 * everything measured is the controller: scheduling, graph execution, history recording):
 * 1. Monitor failure → recovery start: wall time from handing the controller a failed monitor
 *    result to the effect that starts the recovery (the stop), median and p99 over repeated
 *    failures in a cluster of 100 resources. Budget: median <= 50 ms.
 * 2. Per action: engine time per executed action while starting 100 resources from scratch,
 *    against one bare `schedule()` of the same CIB (the ratio says what the loop adds).
 * 3. 1000 Dummy resources started on one node: engine CPU and RSS growth (printed).
 * 4. With the real executor and real agent processes (the `scripted` fixture agent), a group of
 *    10 probed and started by the controller (CIB store, pe-inputs on disk, history recorded)
 *    against the same ops run by a bare executor in the same order: the ratio and the time per
 *    action the controller adds (from "action ready" to spawn and from exit to CIB record).
 * On a shared machine wall time includes waiting for a CPU: the failure → recovery budget is
 * judged on the CPU time the engine spends (wall time printed beside it).
 * Real agents add their own spawn time on top; the executor's own overhead is executor.bench.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importCib } from '../engine/src/cib/import';
import { CibStore } from '../engine/src/cib/store';
import { schedule } from '../engine/src/core/schedule';
import { Controller } from '../engine/src/crmd/controller';
import { MemoryDriver, MemoryExecutor } from '../engine/src/crmd/memory-executor';
import { startController } from '../engine/src/crmd/shell';
import { Executor } from '../engine/src/lrmd/executor';

const FIXTURES = resolve(import.meta.dirname, '../engine/test/fixtures/ocf/resource.d');
const REAL_N = 10;

function groupXml(dir: string): string {
  const members = Array.from(
    { length: REAL_N },
    (_, i) => `<primitive id="s${i}" class="ocf" provider="ocfkit-test" type="scripted">
  <instance_attributes id="s${i}-ia"><nvpair id="s${i}-ia-d" name="dir" value="${dir}/s${i}"/></instance_attributes></primitive>`,
  ).join('');
  return `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration>
<crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="node1"/></nodes><resources><group id="g">${members}</group></resources><constraints/></configuration><status/></cib>`;
}

/** A `scripted` resource directory whose probe says "not running" (so it is started). */
function notRunning(dir: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'monitor.rc'), '7');
}

const quiet = { debug() {}, info() {}, warn() {}, error() {}, decision() {}, result() {} };

/** The group probed and started by the controller, until it is idle: wall ms and actions run. */
async function controllerRun(): Promise<{ ms: number; actions: number }> {
  const work = mkdtempSync(join(tmpdir(), 'ocfkit-bench-ctl-'));
  for (let i = 0; i < REAL_N; i++) notRunning(join(work, `s${i}`));
  const store = CibStore.open({ dir: join(work, 'cib'), seed: groupXml(work) });
  const executor = new Executor({ nodeName: 'node1', searchPath: [FIXTURES] });
  let actions = 0;
  executor.on('result', () => actions++);
  const t0 = performance.now();
  const ctl = startController({ store, executor, attrd: { committed: () => ({}) }, nodeName: 'node1', stateDir: work, log: quiet });
  while (ctl.controller.busy) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  ctl.close();
  await executor.close();
  rmSync(work, { recursive: true, force: true });
  return { ms, actions };
}

/** The same ops through a bare executor: the probes at once, then the starts in group order. */
async function bareRun(): Promise<{ ms: number; actions: number }> {
  const work = mkdtempSync(join(tmpdir(), 'ocfkit-bench-bare-'));
  const executor = new Executor({ nodeName: 'node1', searchPath: [FIXTURES] });
  const ids = Array.from({ length: REAL_N }, (_, i) => `s${i}`);
  for (const id of ids) {
    notRunning(join(work, id));
    executor.register({ id, provider: 'ocfkit-test', type: 'scripted', params: { dir: join(work, id) } });
  }
  const t0 = performance.now();
  await Promise.all(ids.map((rsc) => executor.run({ rsc, action: 'monitor', timeoutMs: 20_000 })));
  for (const rsc of ids) await executor.run({ rsc, action: 'start', timeoutMs: 20_000 });
  const ms = performance.now() - t0;
  await executor.close();
  rmSync(work, { recursive: true, force: true });
  return { ms, actions: 2 * REAL_N };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const BUDGET_MS = 50;
const T0 = 1_800_000_000_000;

function cibXml(n: number): string {
  const prims = Array.from(
    { length: n },
    (_, i) => `<primitive id="d${i}" class="ocf" provider="heartbeat" type="Dummy">
  <instance_attributes id="d${i}-ia"><nvpair id="d${i}-ia-s" name="state" value="/run/d${i}.state"/></instance_attributes>
  <operations><op id="d${i}-mon" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`,
  ).join('');
  return `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0"><configuration>
<crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="batch-limit" value="1000"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="node1"/></nodes><resources>${prims}</resources><constraints/></configuration><status/></cib>`;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function boot(n: number): { d: MemoryDriver; ms: number; actions: number } {
  const ctl = new Controller(importCib(cibXml(n)), { node: 'node1', recheckIntervalMs: 0 });
  const d = new MemoryDriver(ctl, new MemoryExecutor(), T0);
  const t0 = performance.now();
  d.send({ type: 'start', now: T0 });
  return { d, ms: performance.now() - t0, actions: d.world.ran.length };
}

export default async function run(): Promise<{ withinBudget: boolean }> {
  // 2. per action
  const cib100 = importCib(cibXml(100));
  for (let i = 0; i < 3; i++) schedule({ cib: cib100, now: T0 / 1000 });
  const s0 = performance.now();
  schedule({ cib: cib100, now: T0 / 1000 });
  const bareSchedule = performance.now() - s0;
  boot(100);
  const { d, ms, actions } = boot(100);
  process.stdout.write(
    `start 100 resources: ${actions} actions in ${ms.toFixed(1)} ms engine time = ${(ms / actions).toFixed(2)} ms/action; one bare schedule(): ${bareSchedule.toFixed(1)} ms (loop/schedule ${(ms / bareSchedule).toFixed(1)}x)\n`,
  );

  // 1. failure → recovery start
  const latencies: number[] = [];
  const cpuLatencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    d.now += 1000;
    const rsc = `d${i % 100}`;
    const events = d.world.crash('node1', rsc, d.now);
    const failure = events[0];
    if (failure?.type !== 'op-result') throw new Error(`no recurring monitor for ${rsc}`);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const effects = d.ctl.handle(failure);
    const c = process.cpuUsage(c0);
    const took = performance.now() - t0;
    cpuLatencies.push((c.user + c.system) / 1000);
    // The controller is idle between failures, so the recovery's first action is in these effects.
    if (!effects.some((e) => e.type === 'run' && e.action.rsc === rsc)) throw new Error(`no recovery action for ${rsc}`);
    for (const e of effects) d.effects.push(e);
    d.send(
      ...effects.flatMap((e) =>
        e.type === 'run' ? [{ type: 'op-result' as const, now: d.now, tag: e.tag, outcome: d.world.run(e.tag, e.action, d.now) }] : [],
      ),
    );
    latencies.push(took);
  }
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const cpu50 = percentile(cpuLatencies, 50);
  const cpu99 = percentile(cpuLatencies, 99);
  process.stdout.write(
    `monitor failure -> recovery start (engine, 100 resources): CPU median ${cpu50.toFixed(2)} ms, p99 ${cpu99.toFixed(2)} ms; wall median ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (budget: CPU median <= ${BUDGET_MS} ms)\n`,
  );

  // 3. 1000 resources
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const big = boot(1000);
  const cpu = process.cpuUsage(cpu0);
  const rss = process.memoryUsage().rss - rss0;
  process.stdout.write(
    `start 1000 resources on one node: ${big.actions} actions, ${big.ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, RSS +${(rss / 2 ** 20).toFixed(0)} MiB\n`,
  );
  // 4. real executor: controller vs bare
  await bareRun();
  const ctlRuns: { ms: number; actions: number }[] = [];
  const bareRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    ctlRuns.push(await controllerRun());
    bareRuns.push((await bareRun()).ms);
  }
  const ctlMs = median(ctlRuns.map((r) => r.ms));
  const bareMs = median(bareRuns);
  const ran = ctlRuns[0]?.actions ?? 0;
  process.stdout.write(
    `real agents, group of ${REAL_N} probed and started: controller ${ctlMs.toFixed(0)} ms for ${ran} results, bare executor ${bareMs.toFixed(0)} ms for ${2 * REAL_N} ops (ratio ${(ctlMs / bareMs).toFixed(2)}x, ${((ctlMs - bareMs) / (2 * REAL_N)).toFixed(1)} ms added per action)\n`,
  );
  const withinBudget = cpu50 <= BUDGET_MS;
  process.stdout.write(`${withinBudget ? 'within' : 'OVER'} budget\n`);
  return { withinBudget };
}
