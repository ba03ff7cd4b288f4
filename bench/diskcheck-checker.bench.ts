/**
 * diskcheck's checker (issue 21, defect 10): CPU per check and the checker's RSS, against the
 * design it replaced, measured in the same run.
 * - ours: the daemon-mode checker (the agent's own executable as a long-lived helper) checking a
 *   directory every 100 ms: its CPU, children (dd, rm) included, over a window / checks done.
 * - baseline (the old design): one check = one `<agent> monitor` Node process (a oneshot recurring
 *   monitor does exactly that check and attribute write), its CPU from the bench's reaped-children
 *   time; RSS of the old idle loop, `node -e` with a timer.
 * Both write the attribute to the same bundled attrd (in this process). Budgets: CPU per check
 * <= 0.25x the baseline's, checker RSS <= 1.5x the old idle loop's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAttrd } from '../engine/src/attrd/server';
import { readProcStat } from '../sdk/src/process/proc';
import { cleanEnv } from './lib/cold-start';

const CPU_BUDGET = 0.25;
const RSS_BUDGET = 1.5;
const AGENT = resolve(import.meta.dirname, '../agents/dist/ocf/resource.d/ocfkit/diskcheck');
const INTERVAL_MS = 100;
const WINDOW_MS = Number(process.env.OCFKIT_BENCH_DISKCHECK_MS ?? 6000);
const BASELINE_RUNS = 30;
const TICK_MS = 1000 / 100; // USER_HZ

/** utime+stime (+cutime+cstime with `children`) of a process, in ms. */
function cpuMs(pid: number | 'self', children: boolean): number {
  const t = readProcStat(pid === 'self' ? process.pid : pid)?.cpuTicks;
  if (!t) throw new Error(`process ${pid} is gone: no /proc/${pid}/stat`);
  const own = t.user + t.system;
  return (children ? own + t.childrenUser + t.childrenSystem : own) * TICK_MS;
}

function rssKb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function diskcheckChecker(): Promise<{ withinBudget: boolean }> {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-diskcheck-'));
  mkdirSync(join(dir, 'disk'));
  const socket = join(dir, 'attrd', 'attrd.sock');
  const attrd = await startAttrd({ socket, node: 'bench' });
  const env = (params: Record<string, string>, extra: Record<string, string> = {}) =>
    cleanEnv({
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RESOURCE_INSTANCE: 'bench',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      OCFKIT_ATTRD_SOCKET: socket,
      HA_RSCTMP: join(dir, 'rsctmp'),
      HA_LOGFACILITY: 'none',
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
      ...extra,
    });
  const run = (action: string, params: Record<string, string>, extra: Record<string, string> = {}) =>
    new Promise<number | null>((done) => {
      const c = spawn(AGENT, [action], { env: env(params, extra), stdio: 'ignore' });
      c.on('exit', (code) => done(code));
    });
  const daemon = { write_dir: join(dir, 'disk'), interval: `${INTERVAL_MS}ms` };
  const oneshot = { write_dir: join(dir, 'disk'), oneshot: 'true', pidfile: join(dir, 'oneshot.pid') };
  try {
    // Ours: the checker over a window.
    if ((await run('start', daemon)) !== 0) throw new Error('diskcheck start failed');
    const pid = Number(readFileSync(join(dir, 'rsctmp', 'diskcheck-bench.pid'), 'utf8'));
    await sleep(1000);
    const cpu0 = cpuMs(pid, true);
    const t0 = Date.now();
    let rss = 0;
    for (let until = t0 + WINDOW_MS; Date.now() < until; await sleep(200)) rss = Math.max(rss, rssKb(pid));
    const checks = (Date.now() - t0) / INTERVAL_MS;
    const oursPerCheck = (cpuMs(pid, true) - cpu0) / checks;
    await run('stop', daemon);

    // Baseline: one Node process per check, and the old idle loop's RSS.
    if ((await run('start', oneshot)) !== 0) throw new Error('diskcheck oneshot start failed');
    const base0 = cpuMs('self', true) - cpuMs('self', false);
    for (let i = 0; i < BASELINE_RUNS; i++) await run('monitor', oneshot, { OCF_RESKEY_CRM_meta_interval: '10000' });
    const basePerCheck = (cpuMs('self', true) - cpuMs('self', false) - base0) / BASELINE_RUNS;
    await run('stop', oneshot);
    const loop = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: cleanEnv(), stdio: 'ignore' });
    await sleep(1000);
    const loopRss = rssKb(loop.pid as number);
    loop.kill('SIGKILL');

    const cpuRatio = oursPerCheck / basePerCheck;
    const rssRatio = rss / loopRss;
    const line = (label: string, value: string, ratio: string) => `${label.padEnd(44)} ${value.padStart(10)}  ${ratio}\n`;
    process.stdout.write(
      `window ${WINDOW_MS} ms at a ${INTERVAL_MS} ms interval (${checks.toFixed(0)} checks); ${BASELINE_RUNS} baseline checks\n`,
    );
    process.stdout.write(line('CPU per check, old: node <agent> monitor', `${basePerCheck.toFixed(1)} ms`, '(baseline)'));
    process.stdout.write(
      line('CPU per check, checker (dd, rm, attrd)', `${oursPerCheck.toFixed(1)} ms`, `${cpuRatio.toFixed(2)}x (budget ${CPU_BUDGET}x)`),
    );
    process.stdout.write(line('RSS, old idle loop (node -e)', `${(loopRss / 1024).toFixed(1)} MB`, '(baseline)'));
    process.stdout.write(
      line('RSS, checker (peak over the window)', `${(rss / 1024).toFixed(1)} MB`, `${rssRatio.toFixed(2)}x (budget ${RSS_BUDGET}x)`),
    );
    process.stdout.write(
      `CPU per minute at a 2 s interval: old ${((basePerCheck * 30) / 1000).toFixed(2)} s, checker ${((oursPerCheck * 30) / 1000).toFixed(2)} s\n`,
    );
    return { withinBudget: cpuRatio <= CPU_BUDGET && rssRatio <= RSS_BUDGET };
  } finally {
    await run('stop', daemon);
    await attrd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
