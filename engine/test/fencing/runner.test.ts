import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processLiveness } from '@ocfkit/sdk';
import { openTempDir, requireTool } from '@ocfkit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { fenceDevice } from '../../src/fencing/device';
import { FenceRunner } from '../../src/fencing/runner';
import { writeScriptedAgent } from './scripted-agent';

const missing = requireTool(['fence_dummy']);

/** Whether a process still runs (a zombie waiting for its new parent to reap it does not). */
function alive(pid: number): boolean {
  return processLiveness(pid) === 'alive';
}

describe.skipIf(missing)("Debian's fence_dummy through the runner", () => {
  const dir = openTempDir('h16-fence-dummy-');
  const runner = new FenceRunner();

  it('reboots and powers off a target, checked with status (fence_dummy has no list)', async () => {
    const statusFile = join(dir, 'node2.status');
    writeFileSync(statusFile, 'on');
    const dev = fenceDevice('fd', 'fence_dummy', { status_file: statusFile });
    expect(await runner.canFence(dev, 'node2', 20_000)).toMatchObject({ can: true, check: 'status' });
    const off = await runner.fence(dev, 'off', 'node2', 20_000);
    expect(off).toMatchObject({ ok: true, rc: 0, agentAction: 'off', attempts: 1 });
    expect(readFileSync(statusFile, 'utf8')).toBe('off');
    const reboot = await runner.fence(dev, 'reboot', 'node2', 20_000);
    expect(reboot).toMatchObject({ ok: true, agentAction: 'reboot' });
    expect(readFileSync(statusFile, 'utf8')).toBe('on');
  });

  it('pcmk_reboot_action=off sends "off" for a reboot', async () => {
    const statusFile = join(dir, 'alias.status');
    writeFileSync(statusFile, 'on');
    const dev = fenceDevice('fd', 'fence_dummy', { status_file: statusFile, pcmk_reboot_action: 'off', pcmk_host_check: 'none' });
    expect(await runner.fence(dev, 'reboot', 'node2', 20_000)).toMatchObject({ ok: true, action: 'reboot', agentAction: 'off' });
    expect(readFileSync(statusFile, 'utf8')).toBe('off');
  });

  it("a device that cannot power off fails with the agent's own words, after its retries", async () => {
    const dev = fenceDevice('broken', 'fence_dummy', { type: 'fail', power_timeout: '1', pcmk_host_check: 'none', pcmk_off_retries: '2' });
    const r = await runner.fence(dev, 'off', 'node2', 30_000);
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(2);
    expect(r.reason).toMatch(/^broken \(fence_dummy\) off node2 failed after 2 attempts: rc 1: .*Timed out waiting to power OFF/);
  });

  it("monitor of the device runs the agent's monitor", async () => {
    expect(await runner.monitor(fenceDevice('fd', 'fence_dummy', {}), 20_000)).toMatchObject({ ok: true, agentAction: 'monitor' });
  });
});

describe('scripted fence agents', () => {
  const dir = openTempDir('h16-fence-scripted-');
  const stdinOf = (name: string) => readFileSync(join(dir, `${name}.stdin`), 'utf8');

  it('passes action, nodename, the mapped plug and device parameters on stdin, never pcmk_* options', async () => {
    writeScriptedAgent(dir, 'fence_args', { params: ['plug', 'ip'], body: 'exit 0' });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fa', 'fence_args', { ip: '10.0.0.1', pcmk_host_map: 'node1:vm-1;node2:vm-2', pcmk_reboot_action: 'off' });
    expect(await runner.fence(dev, 'reboot', 'node2', 5000)).toMatchObject({ ok: true });
    expect(stdinOf('fence_args')).toBe('action=off\nnodename=node2\nplug=vm-2\nip=10.0.0.1\n--\n');
  });

  it('dynamic-list: eligibility from the list output, cached; a list failure falls back to status', async () => {
    writeScriptedAgent(dir, 'fence_listed', {
      body: `case "$action" in list) printf 'vm-1,node1\\nvm-2\\n'; exit 0 ;; *) exit 0 ;; esac`,
    });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fl', 'fence_listed', {});
    expect(await runner.canFence(dev, 'node1', 5000)).toMatchObject({ can: true, check: 'dynamic-list' });
    expect(await runner.canFence(dev, 'node3', 5000)).toMatchObject({ can: false, check: 'dynamic-list' });
    expect(stdinOf('fence_listed').match(/action=list/g)).toHaveLength(1);

    writeScriptedAgent(dir, 'fence_nolist', {
      body: `case "$action" in list) exit 1 ;; status) [ "$plug" = node2 ] && exit 2; exit 1 ;; esac`,
    });
    const r2 = new FenceRunner({ agentDir: dir });
    const dev2 = fenceDevice('fn', 'fence_nolist', {});
    expect(await r2.canFence(dev2, 'node2', 5000)).toMatchObject({ can: true, check: 'status' });
    expect(await r2.canFence(dev2, 'node9', 5000)).toMatchObject({ can: false, check: 'status' });
    const strict = fenceDevice('fs', 'fence_nolist', { pcmk_host_check: 'dynamic-list' });
    expect(await r2.canFence(strict, 'node2', 5000)).toMatchObject({ can: false, check: 'dynamic-list' });
  });

  it('a failing agent that prints its password: the result and its reason show it hidden', async () => {
    writeScriptedAgent(dir, 'fence_chatty', {
      params: ['plug', 'ip', 'passwd'],
      body: 'pw=$(printf "%s\\n" "$input" | sed -n "s/^passwd=//p"); echo "ipmitool -P $pw: timeout"; echo "login with $pw refused" >&2; exit 1',
    });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fc', 'fence_chatty', { ip: '10.0.0.7', passwd: 'hunter2', pcmk_host_check: 'none', pcmk_off_retries: '1' });
    const r = await runner.fence(dev, 'off', 'node2', 5000);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(r.reason).toBe('fc (fence_chatty) off node2 failed after 1 attempt: rc 1: login with (private) refused');
    expect(r.stdout).toBe('ipmitool -P (private): timeout\n');
  });

  it('a device that cannot reach the target is refused before the agent runs', async () => {
    writeScriptedAgent(dir, 'fence_static', { body: 'echo ran >> "$dir/static.ran"; exit 0' });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fs', 'fence_static', { pcmk_host_list: 'node1,node2' });
    const r = await runner.fence(dev, 'off', 'node3', 5000);
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.reason).toBe('fs cannot fence node3: node3 is not in pcmk_host_list/pcmk_host_map');
    expect(existsSync(join(dir, 'static.ran'))).toBe(false);
  });

  it('a hanging agent is killed with its children at the timeout and not retried', async () => {
    writeScriptedAgent(dir, 'fence_hang', { body: 'sleep 30 & echo $! > "$dir/hang.child"; wait; exit 0' });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fh', 'fence_hang', { pcmk_host_check: 'none' });
    const started = Date.now();
    const r = await runner.fence(dev, 'off', 'node2', 700);
    expect(r).toMatchObject({ ok: false, execStatus: 'timeout', attempts: 1 });
    expect(r.reason).toMatch(/^fh \(fence_hang\) off node2 failed after 1 attempt: timed out after 700 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(readFileSync(join(dir, 'hang.child'), 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(child)).toBe(false);
  });

  it('a failure is retried (pcmk_off_retries) while time is left', async () => {
    writeScriptedAgent(dir, 'fence_flaky', {
      body: 'n=$(cat "$dir/flaky.n" 2>/dev/null || echo 0); echo $((n+1)) > "$dir/flaky.n"; [ "$n" -ge 1 ] && exit 0; echo "first try fails" >&2; exit 1',
    });
    const runner = new FenceRunner({ agentDir: dir });
    const r = await runner.fence(fenceDevice('ff', 'fence_flaky', { pcmk_host_check: 'none' }), 'off', 'node2', 10_000);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    const once = await runner.fence(
      fenceDevice('ff1', 'fence_flaky', { pcmk_host_check: 'none', pcmk_off_retries: '1' }),
      'off',
      'n',
      10_000,
    );
    expect(once.attempts).toBe(1);
  });

  it('reboot becomes off on an agent without reboot; "on" is refused when unsupported', async () => {
    writeScriptedAgent(dir, 'fence_offonly', { actions: ['off', 'status', 'metadata'], body: 'exit 0' });
    const runner = new FenceRunner({ agentDir: dir });
    const dev = fenceDevice('fo', 'fence_offonly', { pcmk_host_check: 'none' });
    expect(await runner.fence(dev, 'reboot', 'node2', 5000)).toMatchObject({ ok: true, agentAction: 'off' });
    expect((await runner.fence(dev, 'on', 'node2', 5000)).reason).toBe('fo (fence_offonly) does not support "on"');
  });

  it('an unknown agent is a clear failure', async () => {
    const runner = new FenceRunner({ agentDir: dir });
    const r = await runner.fence(fenceDevice('fx', 'fence_nonesuch', {}), 'reboot', 'node2', 5000);
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.reason).toBe(`fence agent fence_nonesuch is not installed (no executable ${join(dir, 'fence_nonesuch')})`);
  });

  it('pcmk_delay_base/pcmk_delay_max delay off and reboot only', async () => {
    writeScriptedAgent(dir, 'fence_fast', { body: 'exit 0' });
    const slept: number[] = [];
    const runner = new FenceRunner({ agentDir: dir, random: () => 0.5, sleep: async (ms) => void slept.push(ms) });
    const dev = fenceDevice('fd', 'fence_fast', { pcmk_host_check: 'none', pcmk_delay_max: '10s', pcmk_delay_base: 'node1:2s;node2:0' });
    expect(await runner.fence(dev, 'reboot', 'node1', 5000)).toMatchObject({ ok: true, delayMs: 6000 });
    await runner.fence(dev, 'on', 'node1', 5000);
    await runner.monitor(dev, 5000);
    expect(slept).toEqual([6000]);
  });
});
