/**
 * Executor budgets (issue #3):
 * 1. Overhead: median wall time per op of `Dummy monitor` through the executor vs a bare
 *    `spawn` of the same executable with the same environment, interleaved in one process.
 *    Budget: <= 1.2x, for the shell Dummy of resource-agents and for ocfkit's built Dummy.
 *    Also printed: a bare spawn with `detached` (setsid), which is how the executor gets its
 *    process group; under load, Linux autogroup scheduling makes a new session's forks slower.
 * 2. Load (printed, not budgeted): 100 resources x a 1 s recurring monitor on the shell Dummy
 *    for 60 s (OCFKIT_BENCH_LOAD_SECONDS overrides): the executor's own CPU, the agents' CPU,
 *    and how late each run starts after its due time (p50/p99).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentEnv, Executor, inheritedEnv, type OpResult } from '../engine/src/lrmd/index';
import { readProcStat } from '../sdk/src/process/proc';

const BUDGET = 1.2;
const SHELL_DUMMY = '/usr/lib/ocf/resource.d/heartbeat/Dummy';
const OCFKIT_DUMMY = resolve(import.meta.dirname, '../agents/dist/ocf/resource.d/ocfkit/Dummy');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function bareSpawn(file: string, env: Record<string, string>, detached = false): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const c = spawn(file, ['monitor'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', fail);
    c.on('close', (code) => (code === 0 ? done(performance.now() - t0) : fail(new Error(`${file} monitor exited ${code}`))));
  });
}

async function overhead(label: string, file: string, provider: string, runs: number): Promise<{ ratio: number; line: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-executor-'));
  const ex = new Executor({ searchPath: ['/usr/lib/ocf/resource.d', resolve(import.meta.dirname, '../agents/dist/ocf/resource.d')] });
  try {
    const spec = { id: 'bench', provider, type: 'Dummy', params: { state: join(dir, 'state') } };
    ex.register(spec);
    const started = await ex.run({ rsc: 'bench', action: 'start' });
    if (started.rc !== 0) throw new Error(`${label} start failed: rc ${started.rc} ${started.exitReason ?? ''}`);
    const req = { rsc: 'bench', action: 'monitor', intervalMs: 10_000 };
    const env = agentEnv({ baseEnv: inheritedEnv(process.env), ocfRoot: '/usr/lib/ocf', nodeName: hostname() }, spec, req);
    const viaExecutor: number[] = [];
    const bare: number[] = [];
    const bareSetsid: number[] = [];
    let bareCpu = 0;
    let exCpu = 0;
    for (let i = 0; i < 3; i++) {
      await bareSpawn(file, env);
      await ex.run(req);
    }
    const steps = [
      async () => {
        const c = process.cpuUsage();
        bare.push(await bareSpawn(file, env));
        const d = process.cpuUsage(c);
        bareCpu += d.user + d.system;
      },
      async () => {
        const c = process.cpuUsage();
        const t0 = performance.now();
        const r = await ex.run(req);
        viaExecutor.push(performance.now() - t0);
        const d = process.cpuUsage(c);
        exCpu += d.user + d.system;
        if (r.rc !== 0) throw new Error(`${label} monitor through the executor: rc ${r.rc}`);
      },
      async () => {
        bareSetsid.push(await bareSpawn(file, env, true));
      },
    ];
    // rotate the order every round so no subject always runs right after another
    for (let i = 0; i < runs; i++) for (let k = 0; k < steps.length; k++) await (steps[(i + k) % steps.length] as () => Promise<void>)();
    const ratio = median(viaExecutor) / median(bare);
    const line =
      `${label.padEnd(26)} bare ${median(bare).toFixed(2).padStart(7)} ms   executor ${median(viaExecutor).toFixed(2).padStart(7)} ms   ` +
      `${ratio.toFixed(3)}x ${ratio <= BUDGET ? 'ok' : 'OVER BUDGET'}\n${''.padEnd(27)}ref: bare spawn + setsid ${median(bareSetsid).toFixed(2)} ms ` +
      `(${(median(bareSetsid) / median(bare)).toFixed(3)}x); parent CPU per op: bare ${(bareCpu / runs / 1000).toFixed(2)} ms, executor ${(exCpu / runs / 1000).toFixed(2)} ms`;
    return { ratio, line };
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CPU (ms) used by this process's reaped children so far, from /proc/self/stat. */
function childrenCpuMs(): number {
  const t = readProcStat(process.pid)?.cpuTicks;
  if (!t) throw new Error('/proc/self/stat is unreadable');
  return ((t.childrenUser + t.childrenSystem) * 1000) / 100;
}

async function load(resources: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-executor-load-'));
  const ex = new Executor();
  const lateness: number[] = [];
  const lastEnd = new Map<string, number>();
  let runs = 0;
  let measuring = false;
  ex.on('completed', (r: OpResult) => {
    if (r.intervalMs === 0) return;
    const prev = lastEnd.get(r.rsc);
    if (measuring && prev !== undefined) {
      lateness.push(r.startedAt - (prev + r.intervalMs));
      runs++;
    }
    lastEnd.set(r.rsc, r.finishedAt);
  });
  try {
    const ids = Array.from({ length: resources }, (_, i) => `d${i}`);
    for (const id of ids) ex.register({ id, provider: 'heartbeat', type: 'Dummy', params: { state: join(dir, id) } });
    const starts = await Promise.all(ids.map((rsc) => ex.run({ rsc, action: 'start' })));
    if (starts.some((r) => r.rc !== 0)) throw new Error('some Dummy starts failed');
    for (const rsc of ids) ex.startRecurring({ rsc, action: 'monitor', intervalMs: 1000 });
    await new Promise((r) => setTimeout(r, 3000));
    measuring = true;
    const cpu0 = process.cpuUsage();
    const kids0 = childrenCpuMs();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const kids = childrenCpuMs() - kids0;
    measuring = false;
    const own = (cpu.user + cpu.system) / 1000;
    process.stdout.write(
      `load: ${resources} resources x 1 s monitor (shell Dummy) for ${seconds} s, concurrency ${availableParallelism() * 2}, ` +
        `load average ${loadavg()[0]?.toFixed(1)}: ${runs} runs (${(runs / (wall / 1000)).toFixed(1)}/s)\n` +
        `  executor CPU ${own.toFixed(0)} ms = ${((100 * own) / wall).toFixed(1)}% of one core (${(own / Math.max(runs, 1)).toFixed(2)} ms per op); agents' CPU ${((100 * kids) / wall).toFixed(1)}%\n` +
        `  start lateness after the due time: p50 ${percentile(lateness, 50).toFixed(0)} ms, p99 ${percentile(lateness, 99).toFixed(0)} ms, max ${Math.max(...lateness).toFixed(0)} ms\n`,
    );
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function executorBench(): Promise<{ withinBudget: boolean }> {
  const lines: string[] = [];
  let ok = true;
  if (!existsSync(SHELL_DUMMY)) throw new Error(`${SHELL_DUMMY} is missing: install resource-agents`);
  const shell = await overhead('heartbeat Dummy monitor', SHELL_DUMMY, 'heartbeat', 60);
  lines.push(shell.line);
  ok &&= shell.ratio <= BUDGET;
  if (existsSync(OCFKIT_DUMMY)) {
    const built = await overhead('ocfkit Dummy monitor', OCFKIT_DUMMY, 'ocfkit', 30);
    lines.push(built.line);
    ok &&= built.ratio <= BUDGET;
  } else lines.push(`ocfkit Dummy: ${OCFKIT_DUMMY} missing (run npm run build), not measured`);
  const load1 = () => loadavg()[0]?.toFixed(1);
  process.stdout.write(
    `executor overhead per op (median, interleaved; budget ${BUDGET}x of a bare spawn; load average ${load1()} on ${availableParallelism()} CPUs)\n${lines.join('\n')}\n`,
  );
  await load(100, Number(process.env.OCFKIT_BENCH_LOAD_SECONDS ?? 60));
  return { withinBudget: ok };
}
