/**
 * Environment parity: what an agent sees from `ocfkit exec` equals what it sees from
 * `crm_resource --force-start` (Pacemaker's own tool) for the same agent and parameters, except
 * for the differences the contract documents (§3.1, §3.2, §5.8), listed below. Also checks the
 * rest of execd's process setup: stdin /dev/null, the configured cwd, the per-op user.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCopy, requireTool } from '@ocfkit/sdk/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { commands } from '../../src/cli/index';
import { Executor } from '../../src/lrmd/executor';
import { FIXTURE_RA_DIR } from './helpers';

/** Variables only crm_resource sets: its output library, tracing and logging set-up. */
const ONLY_CRM_RESOURCE = ['OCF_OUTPUT_FORMAT', 'OCF_TRACE_FILE', 'HA_debug', 'PCMK_service', 'HA_logfacility', 'PCMK_logfacility'];
/** Variables only the executor sets: execd gets them from the controller's graph (§3.2). */
const ONLY_EXECUTOR = ['OCF_RESKEY_CRM_meta_name', 'OCF_RESKEY_CRM_meta_on_node'];

const work = mkdtempSync(join(tmpdir(), 'ocfkit-parity-'));
chmodSync(work, 0o777);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readEnv(file: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

function canInstallAgents(): string | undefined {
  try {
    accessSync('/usr/lib/ocf/resource.d', constants.W_OK);
    return undefined;
  } catch {
    return 'cannot write /usr/lib/ocf/resource.d (crm_resource only runs agents from there)';
  }
}

const missing = requireTool(['crm_resource'], canInstallAgents);

describe.skipIf(missing)('environment parity with crm_resource --force-start', () => {
  test('ocfkit exec gives the agent the same environment, except the documented differences', async () => {
    const provider = `ocfkit-parity-${process.pid}`;
    const dir = join('/usr/lib/ocf/resource.d', provider);
    mkdirSync(dir, { recursive: true });
    try {
      copyFileSync(join(FIXTURE_RA_DIR, 'ocfkit-test', 'envdump'), join(dir, 'envdump'));
      chmodSync(join(dir, 'envdump'), 0o755);
      const envfile = join(work, 'env');
      const args = ['--class', 'ocf', '--provider', provider, '--agent', 'envdump'];
      const opts = ['--option', `envfile=${envfile}`, '--option', 'Mixed_Case=a b "c"'];
      const crm = spawnSync('crm_resource', ['--force-start', ...args, ...opts], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      expect(crm.status, crm.stderr).toBe(0);
      const theirs = readEnv(envfile);

      let printed = '';
      const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t) };
      const cwd = process.cwd();
      process.chdir(work);
      let rc: number;
      try {
        rc =
          (await commands.exec?.run([`ocf:${provider}:envdump`, 'start', '-p', `envfile=${envfile}`, '-p', 'Mixed_Case=a b "c"'], io)) ??
          -1;
      } finally {
        process.chdir(cwd);
      }
      expect(rc, printed).toBe(0);
      const ours = readEnv(envfile);

      const diff: Record<string, [string | undefined, string | undefined]> = {};
      for (const k of new Set([...theirs.keys(), ...ours.keys()]))
        if (theirs.get(k) !== ours.get(k)) diff[k] = [theirs.get(k), ours.get(k)];
      const expected: Record<string, [string | undefined, string | undefined]> = {};
      for (const k of ONLY_CRM_RESOURCE) if (theirs.has(k)) expected[k] = [theirs.get(k), undefined];
      for (const k of ONLY_EXECUTOR) expected[k] = [undefined, ours.get(k)];
      expect(diff).toEqual(expected);
      expect(ours.get('OCF_RESKEY_CRM_meta_name')).toBe('start');
      // the shared part really is execd's (contract §3.1)
      expect(Object.fromEntries([...ours].filter(([k]) => k.startsWith('OCF_') && !k.endsWith('_on_node')))).toEqual({
        OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
        OCF_RA_VERSION_MAJOR: '1',
        OCF_RA_VERSION_MINOR: '1',
        OCF_RESKEY_CRM_meta_name: 'start',
        OCF_RESKEY_CRM_meta_timeout: '20000',
        OCF_RESKEY_Mixed_Case: 'a b "c"',
        OCF_RESKEY_crm_feature_set: '3.16.1',
        OCF_RESKEY_envfile: envfile,
        OCF_RESOURCE_INSTANCE: 'test',
        OCF_RESOURCE_PROVIDER: provider,
        OCF_RESOURCE_TYPE: 'envdump',
        OCF_ROOT: '/usr/lib/ocf',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process setup', () => {
  test('recurring ops carry CRM_meta_interval, others not; OCF_* from the caller never leak; env overrides apply', async () => {
    const ex = new Executor({ searchPath: [FIXTURE_RA_DIR], baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', KEEP: 'x', DROP: 'y' } });
    const envfile = join(work, 'env2');
    ex.register({ id: 'e', provider: 'ocfkit-test', type: 'envdump', params: { envfile } });
    try {
      await ex.run({
        rsc: 'e',
        action: 'monitor',
        checkLevel: 10,
        meta: { 'clone-max': '2' },
        env: { DROP: undefined, OCF_TRACE_RA: '1' },
      });
      const probe = readEnv(envfile);
      expect([probe.has('OCF_RESKEY_CRM_meta_interval'), probe.get('OCF_CHECK_LEVEL'), probe.get('OCF_RESKEY_CRM_meta_clone_max')]).toEqual(
        [false, '10', '2'],
      );
      expect([probe.get('KEEP'), probe.has('DROP'), probe.get('OCF_TRACE_RA'), probe.has('__OCF_ACTION')]).toEqual([
        'x',
        false,
        '1',
        false,
      ]);
      await ex.run({ rsc: 'e', action: 'monitor', intervalMs: 10_000 });
      expect(readEnv(envfile).get('OCF_RESKEY_CRM_meta_interval')).toBe('10000');
    } finally {
      await ex.close();
    }
    const inherited = new Executor({ searchPath: [FIXTURE_RA_DIR] });
    process.env.OCF_RESKEY_leak = 'no';
    process.env.__OCF_ACTION = 'no';
    try {
      const leaky = new Executor({ searchPath: [FIXTURE_RA_DIR] });
      leaky.register({ id: 'e', provider: 'ocfkit-test', type: 'envdump', params: { envfile } });
      await leaky.run({ rsc: 'e', action: 'start' });
      await leaky.close();
      const env = readEnv(envfile);
      expect([env.has('OCF_RESKEY_leak'), env.has('__OCF_ACTION')]).toEqual([false, false]);
    } finally {
      delete process.env.OCF_RESKEY_leak;
      delete process.env.__OCF_ACTION;
      await inherited.close();
    }
  });

  test('stdin is /dev/null and the working directory is the configured one', async () => {
    const ex = new Executor({ searchPath: [FIXTURE_RA_DIR], cwd: '/var/tmp' });
    const envfile = join(work, 'env3');
    ex.register({ id: 'e', provider: 'ocfkit-test', type: 'envdump', params: { envfile } });
    await ex.run({ rsc: 'e', action: 'start' });
    await ex.close();
    expect([readFileSync(`${envfile}.stdin`, 'utf8').trim(), readFileSync(`${envfile}.cwd`, 'utf8').trim()]).toEqual([
      '/dev/null',
      '/var/tmp',
    ]);
  });

  const notRoot = requireTool(['id', 'setpriv'], () => (process.getuid?.() === 0 ? undefined : 'switching users needs root'));
  test.skipIf(notRoot)('OpRequest.user runs the agent as that user, with its supplementary groups', async () => {
    // A copy nobody can reach: the checkout itself may be mode 0700.
    const ex = new Executor({ searchPath: [openCopy(FIXTURE_RA_DIR)], cwd: '/' });
    const envfile = join(work, 'env4');
    ex.register({ id: 'e', provider: 'ocfkit-test', type: 'envdump', params: { envfile } });
    const r = await ex.run({ rsc: 'e', action: 'start', user: 'nobody' });
    expect(r).toMatchObject({ rc: 0, execStatus: 'done' });
    const id = (u: string, flag: string) => spawnSync('id', [flag, u], { encoding: 'utf8' }).stdout.trim();
    expect(readFileSync(`${envfile}.id`, 'utf8').trim()).toBe(`${id('nobody', '-u')} ${id('nobody', '-G')}`);
    const withGroups = spawnSync('sh', ['-c', 'getent group | awk -F: \'$4 != "" { split($4, u, ","); print u[1]; exit }\''], {
      encoding: 'utf8',
    }).stdout.trim();
    if (withGroups) {
      const envfile2 = join(work, 'env5');
      ex.register({ id: 'g', provider: 'ocfkit-test', type: 'envdump', params: { envfile: envfile2 } });
      expect(await ex.run({ rsc: 'g', action: 'start', user: withGroups })).toMatchObject({ rc: 0, execStatus: 'done' });
      expect(readFileSync(`${envfile2}.id`, 'utf8').trim()).toBe(`${id(withGroups, '-u')} ${id(withGroups, '-G')}`);
    }
    expect(await ex.run({ rsc: 'e', action: 'start', user: 'no-such-user-ocfkit' })).toMatchObject({ rc: 1, execStatus: 'error' });
    await ex.close();
  });
});
