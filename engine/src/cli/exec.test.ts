import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@ocfkit/sdk/cli';
import { afterAll, describe, expect, test } from 'vitest';
import { execCommand } from './exec';

const fixtures = new URL('../../test/fixtures/ocf/resource.d', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ocfkit-exec-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exec(...argv: string[]): Promise<{ rc: number; out: string }> {
  let out = '';
  const rc = await execCommand.run(argv, { out: (t) => (out += t), err: (t) => (out += t) });
  return { rc, out };
}

describe('ocfkit exec', () => {
  test('prints rc, status, exit reason and output like crm_resource; exits with the rc', async () => {
    writeFileSync(join(dir, 'monitor.rc'), '7');
    writeFileSync(join(dir, 'monitor.reason'), 'not started');
    writeFileSync(join(dir, 'monitor.bytes'), '3');
    const r = await exec('ocf:ocfkit-test:scripted', 'monitor', '-A', fixtures, '-p', `dir=${dir}`);
    expect(r.rc).toBe(7);
    expect(r.out.replace(/, \d+ ms/, ', N ms')).toBe(
      [
        'Operation monitor (ocf:ocfkit-test:scripted) returned 7 (OCF_NOT_RUNNING: not started)',
        'status: done, N ms',
        'monitor stdout:',
        'xxx',
        'monitor stderr:',
        'ocf-exit-reason:not started',
        '',
      ].join('\n'),
    );
  });

  test('--output json prints the whole result; interval, timeout, check level and meta reach the agent', async () => {
    const r = await exec(
      'ocf:ocfkit-test:envdump',
      'monitor',
      '--agent-path',
      fixtures,
      '-p',
      `envfile=${join(dir, 'env')}`,
      '-i',
      '10s',
      '-t',
      '1min',
      '-L',
      '10',
      '--meta',
      'clone_max=2',
      '-r',
      'db1',
      '--node',
      'n1',
      '-o',
      'json',
    );
    const json = JSON.parse(r.out);
    expect([r.rc, json.rc, json.execStatus, json.intervalMs]).toEqual([0, 0, 'done', 10_000]);
    expect(json.env).toMatchObject({
      OCF_RESOURCE_INSTANCE: 'db1',
      OCF_RESKEY_CRM_meta_interval: '10000',
      OCF_RESKEY_CRM_meta_timeout: '60000',
      OCF_RESKEY_CRM_meta_clone_max: '2',
      OCF_RESKEY_CRM_meta_on_node: 'n1',
      OCF_CHECK_LEVEL: '10',
    });
  });

  test('a timeout, an explicit agent file and meta-data', async () => {
    const slow = join(dir, 'slow');
    writeFileSync(slow, '#!/bin/sh\necho "<resource-agent/>"\n[ "$1" = meta-data ] && exit 0\nsleep 30\n', { mode: 0o755 });
    const t = await exec('ocf:x:slow', 'start', '-f', slow, '-t', '300ms', '--term-grace', '100ms');
    expect([t.rc, t.out.split('\n').slice(0, 2)]).toEqual([
      1,
      [
        'Operation start (ocf:x:slow) returned 1 (OCF_ERR_GENERIC: Resource agent did not complete within 0.3s)',
        expect.stringMatching(/^status: timeout \(SIGTERM\)/),
      ],
    ]);
    const md = await exec('ocf:x:slow', 'meta-data', '--agent-file', slow);
    expect([md.rc, md.out.includes('<resource-agent/>')]).toEqual([0, true]);
    const missing = await exec('ocf:ocfkit-test:absent', 'start', '-A', fixtures);
    expect(missing.rc).toBe(5);
  });

  test('hides parameters the meta-data marks private and escapes control bytes in agent output', async () => {
    const agent = join(dir, 'secretive');
    writeFileSync(
      agent,
      [
        '#!/bin/sh',
        'if [ "$1" = meta-data ]; then',
        '  echo \'<resource-agent name="secretive"><parameters><parameter name="pw" private="1"/><parameter name="user"/></parameters></resource-agent>\'',
        '  exit 0',
        'fi',
        'printf "connecting as %s with %s\\033[2J\\r\\n" "$OCF_RESKEY_user" "$OCF_RESKEY_pw"',
        'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(agent, 0o755);
    const args = ['ocf:ocfkit-test:secretive', 'monitor', '-f', agent, '-p', 'pw=hunter2', '-p', 'user=alice'];
    const text = await exec(...args);
    expect(text.out).toContain('connecting as alice with (private)\\x1b[2J\\x0d');
    const json = await exec(...args, '-o', 'json');
    expect(json.out).not.toContain('hunter2');
    expect(JSON.parse(json.out).env).toMatchObject({ OCF_RESKEY_pw: '(private)', OCF_RESKEY_user: 'alice' });
  });

  test('usage errors name the bad value', async () => {
    await expect(exec('heartbeat:Dummy', 'start')).rejects.toThrow(
      new UsageError('expected an agent as ocf:PROVIDER:TYPE, got "heartbeat:Dummy"'),
    );
    await expect(exec('ocf:heartbeat:Dummy', 'start', '-p', 'novalue')).rejects.toThrow('--param expects NAME=VALUE, got "novalue"');
    await expect(exec('ocf:heartbeat:Dummy', 'start', '-t', 'soon')).rejects.toThrow('--timeout: not a duration: "soon"');
    const scripted = ['ocf:ocfkit-test:scripted', 'monitor', '-A', fixtures, '-p', `dir=${dir}`];
    await expect(exec(...scripted, '-t', '0')).rejects.toThrow(new UsageError('--timeout must be more than 0, got "0"'));
    await expect(exec(...scripted, '-t', '2147484s')).rejects.toThrow(
      new UsageError('--timeout "2147484s" is too long: at most 2147483647 ms (24.8 days)'),
    );
    await expect(exec(...scripted, '-i', '30d')).rejects.toThrow(/--interval "30d" is too long/);
    await expect(exec('ocf:heartbeat:Dummy', 'start', '-o', 'xml')).rejects.toThrow('--output must be text or json, got "xml"');
    await expect(exec('ocf:heartbeat:Dummy')).rejects.toThrow('expected ocf:PROVIDER:TYPE and ACTION');
    expect((await exec('--help')).out).toContain('Usage: ocfkit exec ocf:PROVIDER:TYPE ACTION');
  });
});
