/**
 * The controller in the node daemon (`ocfkit node start`, its own process, from source) with
 * real agent processes (the `statefile` fixture agent, which counts its starts): resources start in order, `ocfkit status --output-as json` shows them and a
 * monitor failure's fail count, and a kill -9 of the daemon in the middle of a transition loses
 * nothing: after a restart the CIB loads (digest checked), the resources are re-probed and
 * nothing that ran is started twice.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'ocfkit-crmd-daemon-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  // Agents outlive a killed daemon: give a sleeping Dummy time to finish before the files go.
  await new Promise((r) => setTimeout(r, 200));
  rmSync(work, { recursive: true, force: true });
});

const SCRIPT = "const { main } = await import('@ocfkit/conformance/cli'); process.exitCode = await main(process.argv.slice(1));";
const cli = (args: string[]) =>
  [process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT, ...args]] as const;

function daemon(stateDir: string, runDir: string, seed: string, logFile: string): ChildProcess {
  const [cmd, args] = cli([
    'node',
    'start',
    '--state-dir',
    stateDir,
    '--run-dir',
    runDir,
    '--cib',
    seed,
    '--node-name',
    'node1',
    '--agent-path',
    FIXTURES,
  ]);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', HA_LOGFILE: logFile } });
  children.push(child);
  return child;
}

function ocfkit(args: string[]): Promise<string> {
  const [cmd, a] = cli(args);
  return new Promise((res, rej) =>
    execFile(cmd, a, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } }, (err, out, errOut) =>
      err ? rej(new Error(`${args.join(' ')}: ${errOut}`)) : res(out),
    ),
  );
}

interface Status {
  resources: { kind: string; id: string; members?: { id: string; role: string; nodes: string[] }[] }[];
  failCounts: { rsc: string; node: string; failCount: number }[];
}

const state = (id: string) => join(work, `${id}.state`);
const FIXTURES = resolve(import.meta.dirname, '../fixtures/ocf/resource.d');
const starts = (id: string) =>
  existsSync(`${state(id)}.log`)
    ? readFileSync(`${state(id)}.log`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('start')).length
    : 0;
const dummy = (id: string, sleep = 0) => `<primitive id="${id}" class="ocf" provider="ocfkit-test" type="statefile">
  <instance_attributes id="${id}-ia"><nvpair id="${id}-ia-s" name="state" value="${state(id)}"/>${sleep ? `<nvpair id="${id}-ia-o" name="start_sleep" value="${sleep}"/>` : ''}</instance_attributes>
  <operations><op id="${id}-mon" name="monitor" interval="2s" timeout="20s"/><op id="${id}-start" name="start" interval="0" timeout="30s"/></operations>
</primitive>`;

describe('the controller in the node daemon', () => {
  it('runs a group, shows a failure in ocfkit status, survives kill -9 mid-transition without running anything twice', {
    timeout: 180_000,
  }, async () => {
    const seed = join(work, 'seed.xml');
    writeFileSync(
      seed,
      `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources><group id="grp">${dummy('a')}${dummy('b', 3)}${dummy('c')}</group></resources>
    <constraints/>
  </configuration>
  <status/>
</cib>`,
    );
    const stateDir = join(work, 'state');
    const runDir = join(work, 'run');
    const log = join(work, 'ha.log');
    const run = ['--run-dir', runDir];
    let d = daemon(stateDir, runDir, seed, log);
    // a starts at once, b takes 3 s: kill -9 the daemon while b's start is in flight.
    await expect.poll(() => existsSync(state('a')), { timeout: 60_000, interval: 50 }).toBe(true);
    const aStarted = statSync(state('a')).mtimeMs;
    // b's agent is running its start (it logs before sleeping).
    await expect.poll(() => starts('b'), { timeout: 30_000, interval: 50 }).toBe(1);
    d.kill('SIGKILL');
    await new Promise((r) => d.once('exit', r));
    // The agent is in its own process group: it finishes b's start although its daemon died.
    await expect.poll(() => existsSync(state('b')), { timeout: 20_000 }).toBe(true);
    const bStarted = statSync(state('b')).mtimeMs;
    const before = readFileSync(log, 'utf8').length;

    d = daemon(stateDir, runDir, seed, log);
    await expect.poll(() => existsSync(state('c')), { timeout: 60_000 }).toBe(true);
    const second = () => readFileSync(log, 'utf8').slice(before);
    await expect.poll(() => /transition \d+ \(pe-input-\d+\): nothing to do/.test(second()), { timeout: 30_000 }).toBe(true);
    // Re-probed, found running, not started again.
    expect(second()).toMatch(/initiating a_monitor_0 on node1/);
    expect(second()).not.toMatch(/initiating (a|b)_start_0/);
    expect([statSync(state('a')).mtimeMs, statSync(state('b')).mtimeMs]).toEqual([aStarted, bStarted]);
    expect(second()).not.toMatch(/digest|restored|backup/i);

    const status = JSON.parse(await ocfkit(['status', '--output-as', 'json', ...run])) as Status;
    const grp = status.resources.find((r) => r.id === 'grp');
    expect(grp?.members?.map((m) => `${m.id} ${m.role} ${m.nodes.join(',')}`)).toEqual([
      'a Started node1',
      'b Started node1',
      'c Started node1',
    ]);

    // A monitor failure: fail count 1 shown by ocfkit status, recovered in place.
    unlinkSync(state('c'));
    await expect
      .poll(
        async () =>
          (JSON.parse(await ocfkit(['status', '--output-as', 'json', ...run])) as Status).failCounts.map(
            (f) => `${f.rsc}@${f.node}=${f.failCount}`,
          ),
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toEqual(['c@node1=1']);
    await expect.poll(() => existsSync(state('c')), { timeout: 30_000 }).toBe(true);

    // SIGTERM stops everything in order and exits 0.
    d.kill('SIGTERM');
    const code = await new Promise((r) => d.once('exit', r));
    expect(code).toBe(0);
    expect([existsSync(state('a')), existsSync(state('b')), existsSync(state('c'))]).toEqual([false, false, false]);
    expect(readFileSync(log, 'utf8')).toMatch(/initiating c_stop_0[\s\S]*initiating b_stop_0[\s\S]*initiating a_stop_0/);
  });
});
