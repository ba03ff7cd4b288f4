import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createExec } from '../exec/exec';
import { createLogger } from '../log/logger';
import { requireTool } from '../testing/require-tool';
import { pacemakerAttributes, parseAttrdQuery, parseAttrdQueryAll } from './pacemaker-backend';
import { nodeAttributes } from './select';

function realExec() {
  const env = { PATH: process.env.PATH };
  const log = createLogger({ env, tag: 'test', writeStderr: () => undefined });
  return createExec({ env, signal: new AbortController().signal, log });
}

describe('Pacemaker backend', () => {
  it('parses attrd_updater -Q output; an empty value counts as unset', () => {
    expect(parseAttrdQuery('name="diskcheck_status" host="node1" value="ERROR"\n')).toBe('ERROR');
    expect(parseAttrdQuery('name="diskcheck_status" host="node1" value=""\n')).toBeUndefined();
    expect(parseAttrdQuery('')).toBeUndefined();
  });

  it('parses attrd_updater -Q -A output: a value per host, empty ones unset', () => {
    const out =
      'name="pgsql-status" host="node1" value="PRI"\nname="pgsql-status" host="node2" value="HS:sync"\nname="pgsql-status" host="node3" value=""\n';
    expect(parseAttrdQueryAll(out)).toEqual(
      new Map([
        ['node1', 'PRI'],
        ['node2', 'HS:sync'],
      ]),
    );
    expect(parseAttrdQueryAll('')).toEqual(new Map());
  });

  it('is chosen unless OCFKIT_ATTRD_SOCKET is set', () => {
    const exec = realExec();
    expect(nodeAttributes({ env: {}, exec }).backend).toBe('pacemaker');
    expect(nodeAttributes({ env: { OCFKIT_ATTRD_SOCKET: '/run/ocfkit/attrd.sock' }, exec }).backend).toBe('ocfkit');
  });

  it('rejects a bad name before running anything', async () => {
    await expect(pacemakerAttributes(realExec()).set('bad name', 'x')).rejects.toThrow(/attribute name "bad name"/);
  });
});

const noTool = requireTool(['attrd_updater'], () => undefined);
describe.skipIf(noTool)('Pacemaker backend with the real attrd_updater', () => {
  const clusterRuns = spawnSync('attrd_updater', ['-n', 'ocfkit_probe', '-Q']).status !== 102;

  it.skipIf(clusterRuns)('without a cluster, says attrd cannot be reached (exit 102) in the error', async () => {
    await expect(pacemakerAttributes(realExec()).get('diskcheck_status')).rejects.toThrow(
      /attrd_updater -n diskcheck_status -Q exited 102: .*Could not connect to attrd/,
    );
  });
});

// Against a live pacemaker-attrd (set/get/delete, dampening into the CIB, promotion scores):
// agents/diskcheck/test/pacemaker.test.ts, on a single-node Pacemaker it starts in namespaces.
