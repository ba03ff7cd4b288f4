/**
 * Private parameters (meta-data `private="1"`, or named like a password) never leave the executor
 * in clear: not in results, history or result events — what the controller writes into the CIB
 * status (exit reasons) and logs all comes from these.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgent } from '@ocfkit/sdk/build';
import { requireTool } from '@ocfkit/sdk/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execCommand } from '../../src/cli/exec';
import { Executor } from '../../src/lrmd/executor';
import { privateParams } from '../../src/lrmd/redact';
import type { OpResult } from '../../src/lrmd/types';

const AGENT = `#!/bin/sh
case "$1" in
meta-data) cat <<'XML'
<?xml version="1.0"?>
<resource-agent name="Secretive" version="1">
  <version>1.1</version>
  <shortdesc lang="en">s</shortdesc>
  <parameters>
    <parameter name="pw" private="1"><shortdesc lang="en">p</shortdesc><content type="string"/></parameter>
    <parameter name="api_token"><shortdesc lang="en">t</shortdesc><content type="string"/></parameter>
    <parameter name="plain"><shortdesc lang="en">x</shortdesc><content type="string"/></parameter>
  </parameters>
  <actions><action name="start" timeout="20s"/><action name="meta-data" timeout="5s"/></actions>
</resource-agent>
XML
exit 0;;
start)
  echo "connecting with $OCF_RESKEY_pw and $OCF_RESKEY_api_token as $OCF_RESKEY_plain"
  echo "ocf-exit-reason:login failed for $OCF_RESKEY_plain with password $OCF_RESKEY_pw" >&2
  exit 1;;
esac
exit 3
`;

test('the executor hides private values in results, history and events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-private-'));
  const path = join(dir, 'Secretive');
  writeFileSync(path, AGENT);
  chmodSync(path, 0o755);
  const ex = new Executor();
  try {
    ex.register({
      id: 's1',
      provider: 'ocfkit-test',
      type: 'Secretive',
      path,
      params: { pw: 'hunter2', api_token: 'tok-9f8e', plain: 'alice' },
    });
    const events: OpResult[] = [];
    ex.on('result', (r) => events.push(r));
    const r = await ex.run({ rsc: 's1', action: 'start' });
    for (const seen of [r, ...ex.history('s1'), ...events]) {
      const all = JSON.stringify(seen);
      expect(all).not.toContain('hunter2');
      expect(all).not.toContain('tok-9f8e');
    }
    expect([r.rc, r.exitReason, r.stdout]).toEqual([
      1,
      'login failed for alice with password (private)',
      'connecting with (private) and (private) as alice\n',
    ]);
    expect(r.env).toMatchObject({ OCF_RESKEY_pw: '(private)', OCF_RESKEY_api_token: '(private)', OCF_RESKEY_plain: 'alice' });
    expect(events).toHaveLength(1);
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The same for an agent built with the SDK, whose private parameter has a plain name: the engine
 * learns it only from the meta-data (`<special tag="ocfkit">`), which still passes pcs's grammar.
 */
describe('an SDK agent with private: true on a plainly named parameter', () => {
  const SECRET = 'postgres://app:Zq81@db/app';
  let dir: string;
  let exe: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocfkit-private-sdk-'));
    exe = (await buildAgent(join(import.meta.dirname, '../fixtures/sdk/Vault/agent.ts'), { out: dir, provider: 'ocfkit-test' })).output;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const params = () => ({ state: join(dir, 'vault.state'), dsn: SECRET, user: 'alice' });

  test.skipIf(requireTool(['xmllint']))("marks it in meta-data that pcs's OCF 1.1 RelaxNG accepts", () => {
    const md = spawnSync(exe, ['meta-data'], { encoding: 'utf8' }).stdout;
    expect(md).toContain('<special tag="ocfkit">\n<parameter name="dsn" private="1"/>\n</special>');
    expect(privateParams(md)).toEqual(new Set(['dsn']));
    const rng = spawnSync('xmllint', ['--noout', '--relaxng', '/usr/share/pcs/data/ocf-1.1.rng', '-'], { input: md, encoding: 'utf8' });
    expect([rng.status, rng.stderr.trim()]).toEqual([0, '- validates']);
  });

  test('the executor hides it in results, history and events', async () => {
    const ex = new Executor();
    try {
      ex.register({ id: 'v1', provider: 'ocfkit-test', type: 'Vault', path: exe, params: params() });
      const events: OpResult[] = [];
      ex.on('result', (r) => events.push(r));
      const r = await ex.run({ rsc: 'v1', action: 'start' });
      expect(r.rc).toBe(0);
      expect(r.stdout).toBe('echoed: (private) as alice\n');
      expect(r.env).toMatchObject({ OCF_RESKEY_dsn: '(private)', OCF_RESKEY_user: 'alice' });
      for (const seen of [r, ...ex.history('v1'), ...events]) expect(JSON.stringify(seen)).not.toContain(SECRET);
      expect(events).toHaveLength(1);
      await ex.run({ rsc: 'v1', action: 'stop' });
    } finally {
      await ex.close();
    }
  });

  test('ocfkit exec prints it neither as text (agent output, its log lines) nor as JSON', async () => {
    let text = '';
    const args = ['ocf:ocfkit-test:Vault', 'start', '-f', exe, ...Object.entries(params()).flatMap(([k, v]) => ['-p', `${k}=${v}`])];
    expect(await execCommand.run(args, { out: (t) => (text += t), err: (t) => (text += t) })).toBe(0);
    expect(text).toContain('echoed: (private) as alice');
    expect(text).toContain('logged: connecting to ***');
    let json = '';
    await execCommand.run([...args, '-o', 'json'], { out: (t) => (json += t), err: (t) => (json += t) });
    expect(JSON.parse(json).env).toMatchObject({ OCF_RESKEY_dsn: '(private)' });
    for (const out of [text, json]) expect(out).not.toContain(SECRET);
  });
});
