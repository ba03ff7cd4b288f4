/**
 * cts-exec's timeout cases: a start that outlives its timeout is killed with its whole process
 * group (execd: SIGKILL at once; Heartbeat lrmd: SIGTERM, grace, SIGKILL), and no child survives.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
import { alive, FIXTURE_RA_DIR, groupMembers, type ScriptedDir, scriptedDir, waitFor } from './helpers';

let ex: Executor;
let s: ScriptedDir;

afterEach(async () => {
  await ex.close();
  s.cleanup();
});

function setup(termGraceMs?: number): void {
  ex = new Executor({ searchPath: [FIXTURE_RA_DIR], ...(termGraceMs !== undefined ? { termGraceMs } : {}) });
  s = scriptedDir();
  ex.register({ id: 'r1', provider: 'ocfkit-test', type: 'scripted', params: { dir: s.dir } });
}

function agentPid(action: string): number {
  return (s.log().find((l) => l.action === action) as { pid: number }).pid;
}

describe('cts-exec: timeouts', () => {
  test('start timeout kills the whole process group with SIGKILL (execd)', async () => {
    setup();
    s.set('start', 'sleep', 300);
    s.set('start', 'children', 3);
    s.set('start', 'ignore_term', 1);
    const r = await ex.run({ rsc: 'r1', action: 'start', timeoutMs: 1000 });
    expect(r).toMatchObject({
      rc: 1,
      execStatus: 'timeout',
      signal: 'SIGKILL',
      exitReason: 'Resource agent did not complete within 1s',
    });
    expect(r.durationMs).toBeGreaterThanOrEqual(1000);
    expect(r.env?.OCF_RESKEY_CRM_meta_timeout).toBe('1000');
    expect(s.children()).toHaveLength(3);
    await waitFor(() => s.children().every((pid) => !alive(pid)), 5000, 'children to die');
    // SIGKILLed members may take a moment to finish exiting on a loaded host; none may stay.
    await waitFor(() => groupMembers(agentPid('start')).length === 0, 5000, 'the process group to be empty');
  });

  test('with termGraceMs: SIGTERM first, SIGKILL after the grace when the agent ignores it (Heartbeat lrmd)', async () => {
    setup(700);
    s.set('start', 'sleep', 300);
    s.set('start', 'children', 2);
    s.set('start', 'ignore_term', 1);
    const r = await ex.run({ rsc: 'r1', action: 'start', timeoutMs: 500 });
    expect(r).toMatchObject({ rc: 1, execStatus: 'timeout', signal: 'SIGKILL' });
    expect(r.durationMs).toBeGreaterThanOrEqual(1200);
    await waitFor(() => s.children().every((pid) => !alive(pid)), 5000, 'children to die');
    // SIGKILLed members may take a moment to finish exiting on a loaded host; none may stay.
    await waitFor(() => groupMembers(agentPid('start')).length === 0, 5000, 'the process group to be empty');
  });

  test('with termGraceMs: an agent that dies on SIGTERM takes its children with it', async () => {
    setup(60_000);
    s.set('start', 'sleep', 300);
    s.set('start', 'children', 2);
    s.set('start', 'children_ignore_term', 1);
    const r = await ex.run({ rsc: 'r1', action: 'start', timeoutMs: 500 });
    expect(r).toMatchObject({ rc: 1, execStatus: 'timeout', signal: 'SIGTERM' });
    expect(r.durationMs).toBeLessThan(30_000);
    await waitFor(() => s.children().every((pid) => !alive(pid)), 5000, 'children to die');
    // SIGKILLed members may take a moment to finish exiting on a loaded host; none may stay.
    await waitFor(() => groupMembers(agentPid('start')).length === 0, 5000, 'the process group to be empty');
  });

  test('the exit reason an agent printed before the timeout is kept', async () => {
    setup();
    s.set('monitor', 'reason', 'still checking');
    s.set('monitor', 'sleep', 300);
    const r = await ex.run({ rsc: 'r1', action: 'monitor', timeoutMs: 300 });
    expect(r).toMatchObject({ rc: 1, execStatus: 'timeout', exitReason: 'still checking' });
  });

  test('a finished agent does not wait for a leftover child holding its output pipes', async () => {
    setup();
    s.set('start', 'children', 1);
    const r = await ex.run({ rsc: 'r1', action: 'start', timeoutMs: 20_000 });
    expect(r).toMatchObject({ rc: 0, execStatus: 'done' });
    expect(r.durationMs).toBeLessThan(10_000);
    const [child] = s.children();
    expect(alive(child as number)).toBe(true);
    process.kill(child as number, 'SIGKILL');
  });
});
