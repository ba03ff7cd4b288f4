/**
 * Private parameters (meta-data `private="1"`, or named like a password) never leave the executor
 * in clear: not in results, history or result events — what the controller writes into the CIB
 * status (exit reasons) and logs all comes from these.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Executor } from '../../src/lrmd/executor';
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
